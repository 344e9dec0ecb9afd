#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into tests/fuzz/corpus/<harness>/: small valid inputs of every kind each
parser accepts (and a few near-misses), so fuzzing starts from deep inside the formats. Deterministic; run it with
the project's venv when a format gains a feature: /opt/lora-studio/venv/bin/python tests/fuzz/make_seeds.py
"""
import json
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
ROOT = HERE.parent.parent


def write(harness: str, name: str, data) -> None:
    d = CORPUS / harness
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def safetensors_bytes(tensors: dict, metadata=None) -> bytes:
    header, blobs, offset = {}, [], 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def seeds_safetensors():
    f32 = struct.pack("<6f", *range(6))
    write("safetensors", "two_tensors", safetensors_bytes(
        {"a.weight": ("F32", [2, 3], f32), "b.bias": ("BF16", [2], b"\x80\x3f\x00\x40")}, {"format": "pt"}))
    write("safetensors", "scalar_and_empty", safetensors_bytes(
        {"s": ("F64", [], struct.pack("<d", 1.5)), "e": ("I64", [0, 4], b"")}))
    write("safetensors", "f16_i8_bool", safetensors_bytes(
        {"h": ("F16", [2], b"\x00\x3c\x00\x40"), "q": ("I8", [3], b"\x01\xff\x02"), "m": ("BOOL", [1], b"\x01")}))
    write("safetensors", "truncated", safetensors_bytes({"a": ("F32", [2, 3], f32)})[:-5])


def seeds_configs():
    write("model_config", "studio_llama", (ROOT / "resources/models/studio-llama-2m/config.json").read_text())
    write("model_config", "gpt2", json.dumps({
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 1000, "n_embd": 32, "n_layer": 2,
        "n_head": 4, "n_positions": 128, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new",
        "tie_word_embeddings": True}))
    write("model_config", "qwen2", json.dumps({
        "model_type": "qwen2", "vocab_size": 1000, "hidden_size": 32, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 64, "max_position_embeddings": 128,
        "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "sliding_window": 64, "use_sliding_window": False,
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 64}}))
    write("model_config", "bert", json.dumps({
        "model_type": "bert", "vocab_size": 1000, "hidden_size": 32, "num_hidden_layers": 2,
        "num_attention_heads": 4, "intermediate_size": 64, "max_position_embeddings": 128, "type_vocab_size": 2,
        "layer_norm_eps": 1e-12, "hidden_act": "gelu", "id2label": {"0": "neg", "1": "pos"}}))
    write("adapter_config", "lora_qv", json.dumps({
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 8, "lora_alpha": 16, "lora_dropout": 0.05,
        "target_modules": ["q_proj", "v_proj"], "bias": "none", "fan_in_fan_out": False, "use_rslora": False,
        "use_dora": False, "init_lora_weights": True, "base_model_name_or_path": "x"}))
    write("adapter_config", "patterns_regex", json.dumps({
        "peft_type": "LORA", "r": 4, "lora_alpha": 8, "target_modules": ".*\\.(q_proj|v_proj)$",
        "rank_pattern": {"q_proj": 2, "^model.layers.1.*": 6}, "alpha_pattern": {"v_proj": 3},
        "layers_to_transform": [0, 1], "layers_pattern": "layers", "exclude_modules": ["lm_head"],
        "use_rslora": True, "use_dora": True, "modules_to_save": ["score"], "task_type": "SEQ_CLS"}))
    write("adapter_config", "all_linear_gpt2", json.dumps({
        "peft_type": "LORA", "r": 2, "lora_alpha": 2, "target_modules": "all-linear", "fan_in_fan_out": True,
        "init_lora_weights": "pissa"}))


def seeds_tokenizers():
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, decoders, trainers, processors
    text = ["The ship sailed at dawn.", "Héllo wörld, 12 ships!", "日本語のテキスト", "a\tb\nc  d"] * 20
    bpe = Tokenizer(models.BPE(unk_token=None))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(text, trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    write("tokenizer_json", "byte_level_bpe", bpe.to_str())
    wp = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    wp.normalizer = normalizers.BertNormalizer(lowercase=True)
    wp.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    wp.decoder = decoders.WordPiece()
    wp.train_from_iterator(text, trainers.WordPieceTrainer(vocab_size=120, special_tokens=["[UNK]", "[CLS]", "[SEP]"]))
    wp.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", wp.token_to_id("[CLS]")), ("[SEP]", wp.token_to_id("[SEP]"))])
    write("tokenizer_json", "wordpiece", wp.to_str())
    sp = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    sp.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    sp.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()])
    sp.train_from_iterator(text, trainers.BpeTrainer(vocab_size=200, special_tokens=["<unk>", "<s>", "</s>"]))
    write("tokenizer_json", "sentencepiece_bpe", sp.to_str())
    for i, t in enumerate(["The ship sailed at dawn.", "Héllo wörld 日本語 🚢\n\t", "<|endoftext|>x<|endoftext|>",
                           "a" * 300, "invalid \xff\xfe utf-8 \xc3"]):
        write("tokenizer_encode", f"text{i}", t.encode("utf-8", "surrogateescape") if "\xff" not in t else
              b"invalid \xff\xfe utf-8 \xc3")


def seeds_datasets():
    # First byte picks the reader: 0 .txt, 1 .jsonl, 2 .csv, 3 .tsv, 4 .json.
    write("dataset", "text", b"\x00" + b"Once upon a time a ship sailed.\n\nThe end.\n")
    write("dataset", "jsonl_text", b"\x01" + b'{"text": "hello world"}\n{"text": "second"}\n')
    write("dataset", "jsonl_instruction", b"\x01" + json.dumps(
        {"instruction": "Mood?", "input": "sunny day", "output": "happy"}).encode() + b"\n{bad json\n")
    write("dataset", "jsonl_messages", b"\x01" + json.dumps({"messages": [
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"}]}).encode() + b"\n")
    write("dataset", "csv", b"\x02" + b'text,label\n"great, really",pos\nbad,neg\n"multi\nline",pos\n')
    write("dataset", "tsv", b"\x03" + b"text\tlabel\nfine\tpos\n\tneg\n")
    write("dataset", "json_lines", b"\x04" + b'{"text": "a"}\n')


def seeds_run_store(cli: Path | None):
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "runs.sqlite"
        if cli and cli.exists():
            subprocess.run([str(cli), "runs", "list", "--db", str(db)], check=True, capture_output=True)
        if db.exists():
            con = sqlite3.connect(db)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.execute("PRAGMA journal_mode=DELETE")
            con.close()
            write("run_store", "empty_current_schema", db.read_bytes())
    write("run_store", "not_sqlite", b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"\x00" * 92)


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    seeds_safetensors()
    seeds_configs()
    seeds_tokenizers()
    seeds_datasets()
    seeds_run_store(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build/app/lora-cli")
    for d in sorted(CORPUS.iterdir()):
        print(f"{d.name}: {len(list(d.iterdir()))} seeds")


if __name__ == "__main__":
    main()
