#pragma once
// Shared by the generation tests: fixture folders and error checks.
#include "lora/error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <QtTest/QtTest>

#include <filesystem>
#include <functional>
#include <string>

namespace lora::test {

inline std::filesystem::path fixtureModel(const std::string& name)
{
    return std::filesystem::path(LORA_FIXTURES_DIR) / "models" / name;
}

inline std::filesystem::path fixtureTokenizer(const std::string& name)
{
    return std::filesystem::path(LORA_FIXTURES_DIR) / "tokenizers" / name / "tokenizer.json";
}

inline bool throwsError(const std::function<void()>& f)
{
    try {
        f();
    } catch (const lora::Error&) {
        return true;
    }
    return false;
}

}  // namespace lora::test
