// Test-only bridge for test_safetensors_python.py, which compares our reader and writer with the
// reference `safetensors` package:
//   safetensors_dump dump FILE      -> JSON {"metadata": {...}, "tensors": [{name, dtype, shape, begin, end, hex}]}
//   safetensors_dump copy IN OUT    -> reads IN, writes its tensors (same order) and metadata to OUT
//   safetensors_dump checkpoint PATH -> JSON {"names": [...], "files": [...]} from SafetensorsCheckpoint
// A lora::Error goes to stderr with exit code 2, so the script can tell a refusal from a crash.
#include "lora/error.h"
#include "lora/safetensors.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

std::string hex(std::span<const std::byte> bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::byte b : bytes) {
        out += digits[std::to_integer<unsigned>(b) >> 4];
        out += digits[std::to_integer<unsigned>(b) & 0xf];
    }
    return out;
}

int dump(const char* path)
{
    const auto file = lora::SafetensorsFile::open(path);
    nlohmann::json out;
    out["metadata"] = file->metadata();
    out["tensors"] = nlohmann::json::array();
    for (const auto& t : file->tensors()) {
        out["tensors"].push_back({{"name", t.name},
                                  {"dtype", lora::dtypeName(t.dtype)},
                                  {"shape", t.shape},
                                  {"begin", t.begin},
                                  {"end", t.end},
                                  {"hex", hex(file->bytes(t))}});
    }
    std::cout << out.dump() << '\n';
    return 0;
}

int copy(const char* from, const char* to)
{
    const auto file = lora::SafetensorsFile::open(from);
    std::vector<lora::TensorToWrite> tensors;
    for (const auto& t : file->tensors())
        tensors.push_back({t.name, t.dtype, t.shape, file->bytes(t)});
    lora::writeSafetensors(to, tensors, file->metadata());
    return 0;
}

int checkpoint(const char* path)
{
    const auto ckpt = lora::SafetensorsCheckpoint::open(path);
    nlohmann::json out;
    out["names"] = ckpt.names();
    out["files"] = nlohmann::json::array();
    for (const auto& f : ckpt.files())
        out["files"].push_back(f->path().filename().string());
    std::cout << out.dump() << '\n';
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    try {
        if (mode == "dump" && argc == 3)
            return dump(argv[2]);
        if (mode == "copy" && argc == 4)
            return copy(argv[2], argv[3]);
        if (mode == "checkpoint" && argc == 3)
            return checkpoint(argv[2]);
    } catch (const lora::Error& e) {
        std::cerr << e.what() << '\n';
        return 2;
    }
    std::cerr << "usage: safetensors_dump dump FILE | copy IN OUT | checkpoint PATH\n";
    return 64;
}
