#pragma once
// Hugging Face tokenizer.json, loaded and run in C++ with the same ids as the `tokenizers` package:
// byte-level BPE (GPT-2, Llama-3/Qwen2 pre-tokenizer regexes), SentencePiece-style BPE with byte fallback
// (Llama-2/TinyLlama "▁" metaspace), and WordPiece with BERT normalisation. Torch-free.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lora {

class Tokenizer {
public:
    // Throws lora::Error "<file>: <problem>" for a missing file, invalid JSON, or an unsupported
    // normalizer/pre-tokenizer/model/decoder (the message names the unsupported part). Files over 512 MiB
    // or nested deeper than 64 levels are refused before parsing. Supported models: BPE and WordPiece;
    // "truncation", "padding" and BPE "dropout" are ignored (encode is deterministic and never truncates).
    // The returned tokenizer may be used from several threads at once.
    static std::shared_ptr<const Tokenizer> fromFile(const std::filesystem::path& tokenizerJson);
    virtual ~Tokenizer() = default;

    // addSpecialTokens applies the post-processor (e.g. BERT's [CLS] ... [SEP], Llama's <s>).
    // Invalid UTF-8 in `text` is not an error: each maximal ill-formed byte sequence becomes U+FFFD first,
    // exactly as Rust's String::from_utf8_lossy and Python's bytes.decode("utf-8", "replace") do.
    virtual std::vector<int32_t> encode(std::string_view text, bool addSpecialTokens = true) const = 0;
    // Ids that are not in the vocabulary are skipped; bytes that do not form UTF-8 become U+FFFD.
    virtual std::string decode(std::span<const int32_t> ids, bool skipSpecialTokens = true) const = 0;

    virtual std::string kind() const = 0;  // "byte-level BPE", "SentencePiece BPE", "WordPiece"
    virtual size_t vocabSize() const = 0;  // including added tokens
    virtual std::optional<int32_t> tokenToId(std::string_view token) const = 0;
    virtual std::string idToToken(int32_t id) const = 0;  // empty when out of range
    virtual bool isSpecial(int32_t id) const = 0;  // an added token marked "special": true
};

}  // namespace lora
