#pragma once
// Shared by the libFuzzer harnesses: hostile bytes go through the same entry points a user's file does.
// A lora::Error is the expected answer to bad input (the message the user sees); anything else escaping —
// another exception type, a crash, a sanitizer report, a hang — is a bug the fuzzer reports.
#include "lora/error.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace lora::fuzz {

// A file of this process's own (fuzzers may run in parallel jobs) under the fastest temporary directory.
inline std::filesystem::path scratchFile(const std::string& name)
{
    static const std::filesystem::path dir = [] {
        const std::filesystem::path shm = "/dev/shm";
        auto d = (std::filesystem::exists(shm) ? shm : std::filesystem::temp_directory_path()) /
                 ("lora-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir / name;
}

inline std::filesystem::path writeScratch(const std::string& name, std::string_view bytes)
{
    const auto file = scratchFile(name);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file;
}

// Runs `body`; lora::Error is the correct refusal, every other exception aborts so the fuzzer records it.
template <class Body>
void expectOnlyLoraErrors(Body&& body)
{
    try {
        body();
    } catch (const lora::Error&) {
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unexpected exception (not lora::Error): %s\n", e.what());
        std::abort();
    }
}

inline std::string_view asText(const uint8_t* data, size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace lora::fuzz
