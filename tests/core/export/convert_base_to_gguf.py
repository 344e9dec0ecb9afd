"""Runs llama.cpp's convert_hf_to_gguf.py on a fixture model that has no tokenizer files: the vocabulary is
written as llama.cpp's "none" tokenizer with the model's vocab_size, which is enough to evaluate token ids.
Usage: convert_base_to_gguf.py LLAMA_CPP_DIR MODEL_DIR OUT.gguf"""
import sys
from pathlib import Path


def main() -> int:
    llama_cpp_dir, model_dir, out = sys.argv[1:4]
    sys.path.insert(0, llama_cpp_dir)
    import convert_hf_to_gguf  # noqa: E402  (the vendored script; it puts its own gguf-py first on the path)
    from conversion import base, gpt2, llama, qwen  # noqa: E402

    def no_tokenizer_vocab(self):
        self.gguf_writer.add_tokenizer_model("none")
        if not isinstance(self, llama.LlamaModel):  # LlamaModel records it itself; the others take it from the tokens
            self.gguf_writer.add_vocab_size(self.hparams["vocab_size"])

    for cls in (base.TextModel, llama.LlamaModel, qwen.Qwen2Model, gpt2.GPT2Model):
        cls.set_vocab = no_tokenizer_vocab
    gpt2_parameters = gpt2.GPT2Model.set_gguf_parameters

    def gpt2_context_length(self):  # transformers 5 writes GPT-2's n_positions without the older n_ctx alias
        self.hparams.setdefault("n_ctx", self.hparams["n_positions"])
        gpt2_parameters(self)

    gpt2.GPT2Model.set_gguf_parameters = gpt2_context_length
    sys.argv = ["convert_hf_to_gguf.py", model_dir, "--outfile", out, "--outtype", "f32"]
    convert_hf_to_gguf.main()
    return 0 if Path(out).is_file() else 1


if __name__ == "__main__":
    sys.exit(main())
