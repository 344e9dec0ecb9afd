#pragma once
// Shared by the dataset tests: a tokenizer whose ids are the bytes themselves, so every expected id
// sequence in a test can be written down by hand, and helpers to write input files.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "lora/error.h"
#include "lora/tokenizer.h"

namespace testdata {

namespace fs = std::filesystem;

class ByteTokenizer final : public lora::Tokenizer {
public:
    static constexpr int32_t kEos = 256;  // "<|endoftext|>"
    static constexpr int32_t kBos = 257;  // "<bos>"
    static constexpr int32_t kSep = 258;  // "<sep>"

    struct Config {
        bool hasEos = true;       // tokenToId("<|endoftext|>") finds it
        bool addBos = false;      // addSpecialTokens prepends <bos> (like Llama)
        bool addSep = false;      // addSpecialTokens appends <sep> (like BERT's [SEP])
        std::string failOn;       // encode throws lora::Error for text containing this
    };

    ByteTokenizer() = default;
    explicit ByteTokenizer(Config config) : config_(std::move(config)) {}

    static ByteTokenizer withoutEos() { return ByteTokenizer(make(false, false, false)); }
    static ByteTokenizer withBos(bool bos = true) { return ByteTokenizer(make(true, bos, false)); }
    static ByteTokenizer withBosAndSep() { return ByteTokenizer(make(true, true, true)); }
    static ByteTokenizer failingOn(std::string text)
    {
        Config config;
        config.failOn = std::move(text);
        return ByteTokenizer(config);
    }

    std::vector<int32_t> encode(std::string_view text, bool addSpecialTokens = true) const override
    {
        if (!config_.failOn.empty() && text.find(config_.failOn) != std::string_view::npos) {
            throw lora::Error("test tokenizer refuses this text");
        }
        std::vector<int32_t> ids;
        if (addSpecialTokens && config_.addBos) ids.push_back(kBos);
        for (char c : text) ids.push_back(static_cast<unsigned char>(c));
        if (addSpecialTokens && config_.addSep) ids.push_back(kSep);
        return ids;
    }

    std::string decode(std::span<const int32_t> ids, bool skipSpecialTokens = true) const override
    {
        std::string out;
        for (int32_t id : ids) {
            if (id >= 0 && id < 256) out += static_cast<char>(id);
            else if (!skipSpecialTokens) out += idToToken(id);
        }
        return out;
    }

    std::string kind() const override { return "test bytes"; }
    size_t vocabSize() const override { return 259; }

    std::optional<int32_t> tokenToId(std::string_view token) const override
    {
        if (token == "<|endoftext|>" && config_.hasEos) return kEos;
        if (token == "<bos>") return kBos;
        if (token == "<sep>") return kSep;
        return std::nullopt;
    }

    std::string idToToken(int32_t id) const override
    {
        if (id >= 0 && id < 256) return std::string(1, static_cast<char>(id));
        if (id == kEos) return "<|endoftext|>";
        if (id == kBos) return "<bos>";
        if (id == kSep) return "<sep>";
        return {};
    }

    bool isSpecial(int32_t id) const override { return id >= 256 && id < 259; }

private:
    static Config make(bool eos, bool bos, bool sep)
    {
        Config config;
        config.hasEos = eos;
        config.addBos = bos;
        config.addSep = sep;
        return config;
    }

    Config config_;
};

inline std::vector<int32_t> ids(std::string_view text)
{
    std::vector<int32_t> out;
    for (char c : text) out.push_back(static_cast<unsigned char>(c));
    return out;
}

inline std::vector<int32_t> concat(std::initializer_list<std::vector<int32_t>> parts)
{
    std::vector<int32_t> out;
    for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
    return out;
}

inline std::vector<int32_t> masked(size_t count) { return std::vector<int32_t>(count, -100); }

inline fs::path writeFile(const QTemporaryDir& dir, const std::string& name, std::string_view content)
{
    const fs::path path = fs::path(dir.path().toStdString()) / name;
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return path;
}

// For QCOMPARE failure messages that show the sequences.
inline QString show(const std::vector<int32_t>& v)
{
    QStringList parts;
    for (int32_t x : v) parts << QString::number(x);
    return "[" + parts.join(",") + "]";
}

}  // namespace testdata

#define COMPARE_IDS(actual, expected) QCOMPARE(testdata::show(actual), testdata::show(expected))
