#include "tokenizer/pipeline.h"

#include "lora/error.h"
#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

std::unique_ptr<Model> makeModel(const Json& j, std::string& type)
{
    if (!j.is_object()) throw ConfigError("\"model\" must be a JSON object");
    if (const auto it = j.find("type"); it != j.end() && it->is_string()) {
        type = it->get<std::string>();
    } else if (j.contains("merges")) {
        type = "BPE";  // old files have no "type"; the Rust crate tells the models apart by their fields
    } else if (j.contains("max_input_chars_per_word")) {
        type = "WordPiece";
    } else {
        throw ConfigError("\"model\" has no \"type\" and is neither BPE nor WordPiece");
    }
    if (type == "BPE") return makeBpe(j);
    if (type == "WordPiece") return makeWordPiece(j);
    throw ConfigError("unsupported model type '" + type + "' (supported: BPE, WordPiece)");
}

const Json& section(const Json& root, const char* key)
{
    static const Json null;
    const auto it = root.find(key);
    return it == root.end() ? null : *it;
}

}  // namespace

PipelineTokenizer::PipelineTokenizer(const Json& root, std::filesystem::path source) : source_(std::move(source))
{
    if (!root.is_object()) throw ConfigError("top level must be a JSON object");
    std::string modelType;
    model_ = makeModel(section(root, "model"), modelType);
    normalizer_ = makeNormalizer(section(root, "normalizer"));
    preTokenizer_ = makePreTokenizer(section(root, "pre_tokenizer"));
    postProcessor_ = makePostProcessor(section(root, "post_processor"));
    decoder_ = makeDecoder(section(root, "decoder"));
    added_ = std::make_unique<AddedVocabulary>(section(root, "added_tokens"), *model_, normalizer_.get());
    if (modelType == "WordPiece") {
        kind_ = "WordPiece";
    } else {
        const bool byteLevel = (preTokenizer_ && preTokenizer_->isByteLevel()) || (decoder_ && decoder_->isByteLevel());
        kind_ = byteLevel ? "byte-level BPE" : "SentencePiece BPE";
    }
}

std::vector<int32_t> PipelineTokenizer::encode(std::string_view text, bool addSpecialTokens) const
{
    try {
        const std::string input = isValidUtf8(text) ? std::string(text) : toValidUtf8(text);
        std::vector<int32_t> ids;
        // Tokens with normalized=false are found in the raw text; each stretch between them is normalised
        // on its own, so e.g. Prepend("▁") applies again after every special token, as in the crate.
        for (const auto& split : added_->splitRaw(input)) {
            if (split.id) {
                ids.push_back(*split.id);
                continue;
            }
            if (split.start == split.end) continue;
            std::string segment = input.substr(split.start, split.end - split.start);
            if (normalizer_) segment = normalizer_->normalize(std::move(segment));
            encodeSegment(segment, split.start == 0, ids);
        }
        if (postProcessor_) ids = postProcessor_->process(std::move(ids), addSpecialTokens);
        return ids;
    } catch (const std::exception& e) {
        throwFileError(source_, std::string("cannot encode: ") + e.what());
    }
}

void PipelineTokenizer::encodeSegment(const std::string& text, bool atOrigin, std::vector<int32_t>& ids) const
{
    for (const auto& split : added_->splitNormalized(text)) {
        if (split.id) {
            ids.push_back(*split.id);
            continue;
        }
        if (split.start == split.end) continue;
        std::vector<Piece> pieces{{text.substr(split.start, split.end - split.start), atOrigin && split.start == 0}};
        if (preTokenizer_) preTokenizer_->preTokenize(pieces);
        for (const auto& p : pieces) model_->tokenize(p.text, ids);
    }
}

const std::string* PipelineTokenizer::tokenFor(int32_t id) const
{
    if (const auto* t = added_->idToToken(id)) return t;
    return model_->idToToken(id);
}

std::string PipelineTokenizer::decode(std::span<const int32_t> ids, bool skipSpecialTokens) const
{
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int32_t id : ids) {
        // Unknown ids are skipped, as the crate does; special tokens are recognised by their text.
        const std::string* t = tokenFor(id);
        if (!t || (skipSpecialTokens && added_->isSpecialContent(*t))) continue;
        tokens.push_back(*t);
    }
    std::string out;
    if (!decoder_) {
        for (size_t i = 0; i < tokens.size(); ++i) {
            if (i) out.push_back(' ');
            out += tokens[i];
        }
        return out;
    }
    decoder_->decodeChain(tokens);
    for (const auto& t : tokens) out += t;
    return out;
}

size_t PipelineTokenizer::vocabSize() const
{
    size_t overlapping = 0;
    for (const auto& [content, id] : added_->byContent())
        if (model_->tokenToId(content)) ++overlapping;
    return model_->vocabSize() + added_->size() - overlapping;
}

std::optional<int32_t> PipelineTokenizer::tokenToId(std::string_view token) const
{
    if (auto id = added_->tokenToId(token)) return id;
    return model_->tokenToId(token);
}

std::string PipelineTokenizer::idToToken(int32_t id) const
{
    const std::string* t = tokenFor(id);
    return t ? *t : std::string();
}

}  // namespace lora::tok
