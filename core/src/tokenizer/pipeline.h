#pragma once
// lora::Tokenizer over a parsed tokenizer.json: added tokens -> normalizer -> pre-tokenizer -> model ->
// post-processor, and ids -> tokens -> decoder, in the order and with the rules of the Rust `tokenizers` crate.
#include <filesystem>
#include <memory>

#include "lora/tokenizer.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/config.h"
#include "tokenizer/decoders.h"
#include "tokenizer/model.h"
#include "tokenizer/normalizers.h"
#include "tokenizer/post_processors.h"
#include "tokenizer/pre_tokenizers.h"

namespace lora::tok {

class PipelineTokenizer final : public Tokenizer {
public:
    // Throws ConfigError (without the path) for anything it cannot run.
    PipelineTokenizer(const Json& root, std::filesystem::path source);

    // Invalid UTF-8 in `text` is replaced by U+FFFD first, as Rust's String::from_utf8_lossy does.
    std::vector<int32_t> encode(std::string_view text, bool addSpecialTokens = true) const override;
    std::string decode(std::span<const int32_t> ids, bool skipSpecialTokens = true) const override;
    std::string kind() const override { return kind_; }
    size_t vocabSize() const override;
    std::optional<int32_t> tokenToId(std::string_view token) const override;
    std::string idToToken(int32_t id) const override;
    bool isSpecial(int32_t id) const override { return added_->isSpecialId(id); }

private:
    void encodeSegment(const std::string& text, bool atOrigin, std::vector<int32_t>& ids) const;
    const std::string* tokenFor(int32_t id) const;

    std::filesystem::path source_;
    std::unique_ptr<Normalizer> normalizer_;
    std::unique_ptr<PreTokenizer> preTokenizer_;
    std::unique_ptr<Model> model_;
    std::unique_ptr<PostProcessor> postProcessor_;
    std::unique_ptr<Decoder> decoder_;
    std::unique_ptr<AddedVocabulary> added_;
    std::string kind_;
};

}  // namespace lora::tok
