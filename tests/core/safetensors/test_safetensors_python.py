"""Reference check: our safetensors reader and writer against the pinned `safetensors` package.

1. Files written by safetensors.torch.save_file (every dtype we support, scalar, zero-size, metadata) read by
   our reader with identical names, dtypes, shapes and bytes.
2. Files written by our writer load in safetensors.torch.load_file / safe_open with identical values and
   metadata, laid out as the reference expects (8-byte aligned data, no holes).
3. Hand-made edge cases, valid and malformed: our reader accepts exactly what the reference accepts, except
   for the documented, deliberate differences (dtypes LoRA Studio does not support, duplicate keys).
4. A sharded folder written by huggingface_hub.save_torch_state_dict opens as one checkpoint.

The C++ side is reached through tests/core/safetensors/safetensors_dump.cpp ($LORA_SAFETENSORS_DUMP).
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import torch
import safetensors
from safetensors import safe_open
from safetensors.torch import load, load_file, save_file

DUMP = os.environ["LORA_SAFETENSORS_DUMP"]

NAMES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
    torch.bool: "BOOL",
}

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def tool(*args):
    result = subprocess.run([DUMP, *args], capture_output=True, timeout=120)
    # 0 = read, 2 = refused with lora::Error; anything else (a crash, a signal) is a bug whatever the input.
    if result.returncode not in (0, 2):
        raise SystemExit(f"safetensors_dump {' '.join(args)} exited {result.returncode}: {result.stderr!r}")
    try:
        # Messages reach the UI: they must be UTF-8 even when the file was not.
        result.stdout, result.stderr = result.stdout.decode(), result.stderr.decode()
    except UnicodeDecodeError as e:
        check(False, f"safetensors_dump {' '.join(args)} printed invalid UTF-8 ({e}): {result.stderr!r}")
        result.stdout, result.stderr = (b.decode(errors="replace") for b in (result.stdout, result.stderr))
    return result


def dump(path):
    result = tool("dump", path)
    if result.returncode != 0:
        return None, result.stderr.strip()
    return json.loads(result.stdout), None


def raw(t):
    return t.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def reference_tensors():
    g = torch.Generator().manual_seed(1234)
    f = torch.randn(3, 5, generator=g)
    tensors = {
        "model.embed.weight": f,
        "half": torch.randn(4, 2, generator=g).to(torch.float16),
        "brain": torch.randn(2, 3, 2, generator=g).to(torch.bfloat16),
        "ids": torch.randint(-2**62, 2**62, (7,), generator=g, dtype=torch.int64),
        "double": torch.randn(2, generator=g, dtype=torch.float64),
        "i32": torch.randint(-2**31, 2**31 - 1, (3,), generator=g, dtype=torch.int32),
        "i16": torch.randint(-2**15, 2**15 - 1, (5,), generator=g, dtype=torch.int16),
        "i8": torch.randint(-128, 127, (6,), generator=g, dtype=torch.int8),
        "u8": torch.randint(0, 255, (9,), generator=g, dtype=torch.uint8),
        "mask": torch.rand(4, 4, generator=g) > 0.5,
        "scalar": torch.tensor(3.25),
        "empty": torch.zeros(0, 4),
        "transposed": torch.randn(4, 3, generator=g).t(),  # non-contiguous source
        "special": torch.tensor([float("nan"), float("inf"), -0.0, 1e-45], dtype=torch.float32),
        "unicode name \u00e9\u4e2d": torch.ones(2, dtype=torch.float16),
    }
    metadata = {"format": "pt", "note": "quotes \" and \\ and \u00fc", "empty": ""}
    return tensors, metadata


def check_reads_reference_files(tmp):
    tensors, metadata = reference_tensors()
    path = os.path.join(tmp, "reference.safetensors")
    save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata=metadata)
    ours, error = dump(path)
    check(error is None, f"our reader refused a file written by safetensors {safetensors.__version__}: {error}")
    if ours is None:
        return
    check(ours["metadata"] == metadata, f"metadata {ours['metadata']} != {metadata}")
    by_name = {t["name"]: t for t in ours["tensors"]}
    check(set(by_name) == set(tensors), f"tensor names {sorted(by_name)} != {sorted(tensors)}")
    for name, t in tensors.items():
        got = by_name.get(name)
        if got is None:
            continue
        check(got["dtype"] == NAMES[t.dtype], f"{name}: dtype {got['dtype']} != {NAMES[t.dtype]}")
        check(got["shape"] == list(t.shape), f"{name}: shape {got['shape']} != {list(t.shape)}")
        check(bytes.fromhex(got["hex"]) == raw(t), f"{name}: bytes differ")
    # Offsets as the reference records them, read with its own API from the same header.
    header_len = struct.unpack("<Q", open(path, "rb").read(8))[0]
    header = json.loads(open(path, "rb").read(8 + header_len)[8:])
    for name, got in by_name.items():
        check([got["begin"], got["end"]] == header[name]["data_offsets"], f"{name}: offsets differ")


def check_writer_loads_in_reference(tmp):
    tensors, metadata = reference_tensors()
    source = os.path.join(tmp, "source.safetensors")
    ours = os.path.join(tmp, "ours.safetensors")
    save_file({k: v.contiguous() for k, v in tensors.items()}, source, metadata=metadata)
    result = tool("copy", source, ours)
    check(result.returncode == 0, f"our writer failed: {result.stderr}")
    if result.returncode != 0:
        return
    loaded = load_file(ours)
    check(set(loaded) == set(tensors), f"reference sees {sorted(loaded)}")
    for name, t in tensors.items():
        if name in loaded:
            got = loaded[name]
            check(got.dtype == t.dtype and got.shape == t.shape and raw(got) == raw(t),
                  f"{name}: reference reads {got.dtype} {tuple(got.shape)} or different bytes from our file")
    with safe_open(ours, framework="pt") as f:
        check(f.metadata() == metadata, f"reference reads metadata {f.metadata()}")
    # The reference's own validation (no holes, exact sizes) through its lowest-level entry point.
    data = open(ours, "rb").read()
    check(len(safetensors.deserialize(data)) == len(tensors), "safetensors.deserialize disagrees on our file")
    header_len = struct.unpack("<Q", data[:8])[0]
    check(header_len % 8 == 0, f"header length {header_len} is not a multiple of 8")
    check(len(data) == 8 + header_len + sum(len(raw(t)) for t in tensors.values()), "file size is not header + data")
    # Our writer keeps the order it was given: here the order our reader saw in the reference's header.
    source_order = [t["name"] for t in dump(source)[0]["tensors"]]
    written_order = [t["name"] for t in dump(ours)[0]["tensors"]]
    check(source_order == written_order, f"order changed: {written_order} != {source_order}")


def safetensors_bytes(header, data):
    if not isinstance(header, bytes):
        header = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(header)) + header + data


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


# name -> (file bytes, True when we deliberately differ from the reference on it)
def conformance_cases():
    e = entry
    four = b"\x01\x02\x03\x04"
    a = b'"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}'
    return {
        "valid": (safetensors_bytes({"a": e("F32", [1], 0, 4)}, four), False),
        "no tensors": (safetensors_bytes({}, b""), False),
        "metadata null": (safetensors_bytes(b'{"__metadata__":null,' + a + b"}", four), False),
        "extra field": (safetensors_bytes({"a": {**e("F32", [1], 0, 4), "x": [1, {}]}}, four), False),
        "leading and trailing whitespace": (safetensors_bytes(b" \n{" + a + b"}\t  ", four), False),
        "scalar": (safetensors_bytes({"a": e("F32", [], 0, 4)}, four), False),
        "zero-size pair": (safetensors_bytes({"a": e("F32", [0], 0, 0), "b": e("U8", [0, 3], 0, 0)}, b""), False),
        "zero-size at the end": (safetensors_bytes({"a": e("F32", [1], 0, 4), "z": e("F32", [0], 4, 4)}, four),
                                 False),
        "empty name": (safetensors_bytes({"": e("F32", [1], 0, 4)}, four), False),
        "too short": (b"\x01\x02\x03", False),
        "header past the end": (struct.pack("<Q", 64) + b"{}", False),
        "header over the limit": (struct.pack("<Q", 100 * 1024 * 1024 + 1) + b"{}", False),
        "empty header": (safetensors_bytes(b"", b""), False),
        "not JSON": (safetensors_bytes(b'{"a":', b""), False),
        "trailing garbage": (safetensors_bytes(b"{" + a + b"}x", four), False),
        "NUL padding": (safetensors_bytes(b"{" + a + b"}\0\0", four), False),
        "invalid UTF-8": (safetensors_bytes(b'{"\xff":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', four),
                          False),
        "array header": (safetensors_bytes([], b""), False),
        "unknown dtype": (safetensors_bytes({"a": e("F7", [1], 0, 4)}, four), False),
        "lower-case dtype": (safetensors_bytes({"a": e("f32", [1], 0, 4)}, four), False),
        "F8 dtype (we do not support it)": (safetensors_bytes({"a": e("F8_E4M3", [1], 0, 1)}, b"\0"), True),
        "negative shape": (safetensors_bytes({"a": e("F32", [-1], 0, 4)}, four), False),
        "float shape": (safetensors_bytes({"a": e("F32", [1.0], 0, 4)}, four), False),
        "overflowing shape": (safetensors_bytes({"a": e("U8", [2**32, 2**32], 0, 4)}, four), False),
        "offsets out of range": (safetensors_bytes({"a": e("F32", [2], 0, 8)}, four), False),
        "offsets reversed": (safetensors_bytes({"a": e("U8", [0], 4, 0)}, four), False),
        "three offsets": (safetensors_bytes({"a": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4, 4]}}, four),
                          False),
        "overlap": (safetensors_bytes({"a": e("F32", [2], 0, 8), "b": e("F32", [2], 4, 12)}, four * 3), False),
        "zero-size inside another": (safetensors_bytes({"a": e("F32", [1], 0, 4), "z": e("F32", [0], 2, 2)}, four),
                                     False),
        "size mismatch": (safetensors_bytes({"a": e("F32", [2], 0, 4)}, four), False),
        "hole": (safetensors_bytes({"a": e("F32", [1], 0, 4), "b": e("F32", [1], 8, 12)}, four * 3), False),
        "leading hole": (safetensors_bytes({"a": e("F32", [1], 4, 8)}, four * 2), False),
        "trailing bytes": (safetensors_bytes({"a": e("F32", [1], 0, 4)}, four * 2), False),
        "metadata not strings": (safetensors_bytes(b'{"__metadata__":{"k":1},' + a + b"}", four), False),
        "metadata a string": (safetensors_bytes(b'{"__metadata__":"x",' + a + b"}", four), False),
        "duplicate field": (safetensors_bytes(b'{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
                                              four), False),
        # The reference keeps the last of two equal keys; we refuse ambiguity outright.
        "duplicate tensor (we refuse it)": (safetensors_bytes(b"{" + a + b"," + a + b"}", four), True),
        "deep nesting in an ignored field": (
            safetensors_bytes(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + b"[" * 100 + b"]" * 100
                              + b"}}", four), True),
    }


def check_conformance(tmp):
    for name, (data, we_differ) in conformance_cases().items():
        try:
            reference = load(data)
            reference_ok = True
        except Exception as e:  # the reference raises SafetensorError, or others on odd input
            reference, reference_ok = str(e), False
        path = os.path.join(tmp, "case.safetensors")
        with open(path, "wb") as f:
            f.write(data)
        ours, error = dump(path)
        ours_ok = ours is not None
        if we_differ:
            check(reference_ok and not ours_ok, f"{name}: expected reference to accept and us to refuse "
                                                f"(reference: {reference_ok}, ours: {error})")
            continue
        check(ours_ok == reference_ok,
              f"{name}: reference {'accepts' if reference_ok else 'refuses'} it, we "
              f"{'accept' if ours_ok else 'refuse'} it ({error or reference})")
        if ours_ok and reference_ok:
            got = {t["name"]: (t["shape"], bytes.fromhex(t["hex"])) for t in ours["tensors"]}
            want = {k: (list(v.shape), raw(v)) for k, v in reference.items()}
            check(got == want, f"{name}: contents differ: {got} != {want}")
        if not ours_ok:
            check(error.startswith(path + ": "), f"{name}: message does not start with the path: {error}")


def check_sharded_checkpoint(tmp):
    from huggingface_hub import save_torch_state_dict

    folder = os.path.join(tmp, "sharded")
    os.makedirs(folder)
    g = torch.Generator().manual_seed(7)
    state = {f"layers.{i}.weight": torch.randn(16, 16, generator=g) for i in range(6)}
    state["embed"] = torch.randn(32, 16, generator=g).to(torch.bfloat16)
    save_torch_state_dict(state, folder, max_shard_size="3KB")
    index = json.load(open(os.path.join(folder, "model.safetensors.index.json")))
    shards = sorted(set(index["weight_map"].values()))
    check(len(shards) > 1, f"huggingface_hub wrote {len(shards)} shard(s); the test needs several")
    result = tool("checkpoint", folder)
    check(result.returncode == 0, f"sharded checkpoint refused: {result.stderr}")
    if result.returncode == 0:
        got = json.loads(result.stdout)
        check(got["names"] == sorted(state), f"names {got['names']}")
        check(got["files"] == shards, f"files {got['files']} != {shards}")
    for shard in shards:
        ours, error = dump(os.path.join(folder, shard))
        check(error is None, f"{shard}: {error}")
        if ours:
            for t in ours["tensors"]:
                check(bytes.fromhex(t["hex"]) == raw(state[t["name"]]), f"{shard}/{t['name']}: bytes differ")


def main():
    print(f"safetensors {safetensors.__version__}, torch {torch.__version__}, tool {DUMP}")
    with tempfile.TemporaryDirectory() as tmp:
        check_reads_reference_files(tmp)
        check_writer_loads_in_reference(tmp)
        check_conformance(tmp)
        check_sharded_checkpoint(tmp)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
