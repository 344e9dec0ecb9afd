#include "model/config.h"

#include "lora/error.h"
#include "lora/model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace lora::model {
namespace {

using json = nlohmann::json;

// Reads keys of one JSON object, turning every problem into "<config.json>: <problem naming the key>".
// A key present as null counts as absent: transformers writes null for unset optional fields.
class Reader {
public:
    Reader(const json& object, std::filesystem::path file, std::string context = {})
        : j_(object), file_(std::move(file)), context_(std::move(context))
    {
    }

    [[noreturn]] void fail(const std::string& problem) const { throwFileError(file_, problem); }

    std::string key(const std::string& k) const { return "'" + context_ + k + "'"; }

    bool has(const std::string& k) const { return j_.contains(k) && !j_.at(k).is_null(); }

    // The first of several spellings present (GPT-2's n_embd is hidden_size elsewhere).
    std::string pick(std::initializer_list<const char*> names) const
    {
        for (const char* n : names)
            if (has(n))
                return n;
        return *names.begin();
    }

    int64_t integer(const std::string& k) const
    {
        if (!has(k))
            fail("missing key " + key(k));
        const json& v = j_.at(k);
        if (v.is_number_integer())
            return v.get<int64_t>();
        // Some exporters write 4096.0; accept floats that are whole numbers.
        // The range check comes first: casting 1e300 to int64 is undefined behaviour.
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (std::abs(d) < 9.0e15 && d == std::trunc(d))
                return static_cast<int64_t>(d);
        }
        fail("key " + key(k) + " must be an integer, got " + v.dump());
    }

    int64_t positive(const std::string& k) const
    {
        const int64_t n = integer(k);
        if (n <= 0)
            fail("key " + key(k) + " must be a positive integer, got " + std::to_string(n));
        return n;
    }

    int64_t positive(const std::string& k, int64_t fallback) const { return has(k) ? positive(k) : fallback; }

    double number(const std::string& k, double fallback) const
    {
        if (!has(k))
            return fallback;
        const json& v = j_.at(k);
        if (!v.is_number())
            fail("key " + key(k) + " must be a number, got " + v.dump());
        return v.get<double>();
    }

    // A fallback of 0 makes the key required.
    double positiveNumber(const std::string& k, double fallback) const
    {
        if (!has(k) && !(fallback > 0))
            fail("missing key " + key(k));
        const double x = number(k, fallback);
        if (!(x > 0))
            fail("key " + key(k) + " must be a positive number, got " + std::to_string(x));
        return x;
    }

    bool boolean(const std::string& k, bool fallback) const
    {
        if (!has(k))
            return fallback;
        const json& v = j_.at(k);
        if (!v.is_boolean())
            fail("key " + key(k) + " must be true or false, got " + v.dump());
        return v.get<bool>();
    }

    std::string string(const std::string& k, const std::string& fallback) const
    {
        if (!has(k))
            return fallback;
        const json& v = j_.at(k);
        if (!v.is_string())
            fail("key " + key(k) + " must be a string, got " + v.dump());
        return v.get<std::string>();
    }

    const json& object(const std::string& k) const
    {
        const json& v = j_.at(k);
        if (!v.is_object())
            fail("key " + key(k) + " must be an object, got " + v.dump());
        return v;
    }

    const json& raw(const std::string& k) const { return j_.at(k); }
    const std::filesystem::path& file() const { return file_; }

private:
    const json& j_;
    std::filesystem::path file_;
    std::string context_;
};

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& s : items)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

void checkHeads(const Reader& r, ModelConfig& c, const std::string& headsKey, const std::string& hiddenKey)
{
    if (c.hiddenSize % c.numHeads != 0)
        r.fail("key " + r.key(headsKey) + " (" + std::to_string(c.numHeads) + ") must divide " + r.key(hiddenKey) +
               " (" + std::to_string(c.hiddenSize) + ")");
    c.headDim = c.hiddenSize / c.numHeads;
}

// transformers 5 writes "rope_parameters": {"rope_type", "rope_theta", ...}; older configs "rope_theta" at the
// top level and an optional "rope_scaling": {"type" or "rope_type", "factor", ...}.
RopeConfig parseRope(const Reader& r)
{
    RopeConfig rope;
    rope.theta = r.positiveNumber("rope_theta", 10000.0);
    std::string section;
    if (r.has("rope_parameters"))
        section = "rope_parameters";
    else if (r.has("rope_scaling"))
        section = "rope_scaling";
    if (section.empty())
        return rope;
    const Reader s(r.object(section), r.file(), section + ".");
    rope.theta = s.positiveNumber("rope_theta", rope.theta);
    rope.type = s.string("rope_type", s.string("type", "default"));
    if (s.has("partial_rotary_factor") && s.number("partial_rotary_factor", 1.0) != 1.0)
        s.fail("key " + s.key("partial_rotary_factor") + " is not supported (only 1.0, a full rotary head)");
    if (rope.type == "default")
        return rope;
    if (rope.type == "linear") {
        rope.factor = s.positiveNumber("factor", 0.0);
        return rope;
    }
    if (rope.type == "llama3") {
        rope.factor = s.positiveNumber("factor", 0.0);
        rope.lowFreqFactor = s.positiveNumber("low_freq_factor", 0.0);
        rope.highFreqFactor = s.positiveNumber("high_freq_factor", 0.0);
        if (rope.highFreqFactor == rope.lowFreqFactor)
            s.fail("keys " + s.key("low_freq_factor") + " and " + s.key("high_freq_factor") + " must differ");
        rope.originalMaxPositionEmbeddings =
            s.positive("original_max_position_embeddings", r.positive("max_position_embeddings", 0));
        if (rope.originalMaxPositionEmbeddings <= 0)
            s.fail("missing key " + s.key("original_max_position_embeddings"));
        return rope;
    }
    s.fail("key " + s.key("rope_type") + " is '" + rope.type +
           "', which is not supported; supported RoPE types: default, linear, llama3");
}

void parseGpt2(const Reader& r, ModelConfig& c)
{
    const auto hidden = r.pick({"n_embd", "hidden_size"});
    const auto layers = r.pick({"n_layer", "num_hidden_layers"});
    const auto heads = r.pick({"n_head", "num_attention_heads"});
    const auto positions = r.pick({"n_positions", "max_position_embeddings"});
    c.vocabSize = r.positive("vocab_size");
    c.hiddenSize = r.positive(hidden);
    c.numLayers = r.positive(layers);
    c.numHeads = r.positive(heads);
    c.maxPositionEmbeddings = r.positive(positions);
    checkHeads(r, c, heads, hidden);
    c.numKeyValueHeads = c.numHeads;
    c.intermediateSize = r.positive("n_inner", 4 * c.hiddenSize);
    c.hiddenAct = r.string("activation_function", "gelu_new");
    c.normEps = r.positiveNumber("layer_norm_epsilon", 1e-5);
    c.scaleAttnWeights = r.boolean("scale_attn_weights", true);
    c.scaleAttnByInverseLayerIdx = r.boolean("scale_attn_by_inverse_layer_idx", false);
    c.tieWordEmbeddings = r.boolean("tie_word_embeddings", true);
    if (r.boolean("add_cross_attention", false))
        r.fail("key 'add_cross_attention' is true: GPT-2 with cross-attention (an encoder-decoder part) is not supported");
}

void parseLlamaFamily(const Reader& r, ModelConfig& c)
{
    c.vocabSize = r.positive("vocab_size");
    c.hiddenSize = r.positive("hidden_size");
    c.numLayers = r.positive("num_hidden_layers");
    c.numHeads = r.positive("num_attention_heads");
    c.intermediateSize = r.positive("intermediate_size");
    c.numKeyValueHeads = r.positive("num_key_value_heads", c.numHeads);
    if (c.numHeads % c.numKeyValueHeads != 0)
        r.fail("key 'num_key_value_heads' (" + std::to_string(c.numKeyValueHeads) +
               ") must divide 'num_attention_heads' (" + std::to_string(c.numHeads) + ")");
    if (r.has("head_dim"))
        c.headDim = r.positive("head_dim");
    else
        checkHeads(r, c, "num_attention_heads", "hidden_size");
    if (c.headDim % 2 != 0)
        r.fail("key 'head_dim' must be even for rotary embeddings, got " + std::to_string(c.headDim));
    c.maxPositionEmbeddings = 0;
    c.hiddenAct = r.string("hidden_act", "silu");
    c.normEps = r.positiveNumber("rms_norm_eps", 1e-6);
    c.tieWordEmbeddings = r.boolean("tie_word_embeddings", false);
    c.mlpBias = r.boolean("mlp_bias", false);
    c.attentionBias = r.boolean("attention_bias", false);
    c.qkvBias = c.attentionBias || c.modelType == "qwen2";
    c.rope = parseRope(r);

    if (r.has("pretraining_tp") && r.integer("pretraining_tp") != 1)
        r.fail("key 'pretraining_tp' must be 1 (tensor-parallel slicing of the original Llama code is not supported)");

    // Which layers use a sliding window: mistral applies sliding_window to all layers; qwen2 only when
    // use_sliding_window is set, from max_window_layers on, or as layer_types says (transformers 5).
    c.slidingLayers.assign(static_cast<size_t>(c.numLayers), false);
    std::optional<int64_t> window;
    if (r.has("sliding_window"))
        window = r.positive("sliding_window");
    if (c.modelType == "qwen2" && !r.boolean("use_sliding_window", false))
        window.reset();
    if (r.has("layer_types")) {
        const json& types = r.raw("layer_types");
        if (!types.is_array() || static_cast<int64_t>(types.size()) != c.numLayers)
            r.fail("key 'layer_types' must be a list of " + std::to_string(c.numLayers) + " strings");
        for (size_t i = 0; i < types.size(); ++i) {
            const std::string t = types[i].is_string() ? types[i].get<std::string>() : std::string();
            if (t != "full_attention" && t != "sliding_attention")
                r.fail("key 'layer_types' entry " + std::to_string(i) + " is " + types[i].dump() +
                       "; supported: \"full_attention\", \"sliding_attention\"");
            c.slidingLayers[i] = window.has_value() && t == "sliding_attention";
        }
    } else if (window) {
        const int64_t from = c.modelType == "qwen2" ? r.integer("max_window_layers") : 0;
        for (int64_t i = std::max<int64_t>(from, 0); i < c.numLayers; ++i)
            c.slidingLayers[static_cast<size_t>(i)] = true;
    }
    if (std::find(c.slidingLayers.begin(), c.slidingLayers.end(), true) != c.slidingLayers.end())
        c.slidingWindow = window;
}

void parseBert(const Reader& r, ModelConfig& c)
{
    c.vocabSize = r.positive("vocab_size");
    c.hiddenSize = r.positive("hidden_size");
    c.numLayers = r.positive("num_hidden_layers");
    c.numHeads = r.positive("num_attention_heads");
    checkHeads(r, c, "num_attention_heads", "hidden_size");
    c.numKeyValueHeads = c.numHeads;
    c.intermediateSize = r.positive("intermediate_size");
    c.maxPositionEmbeddings = r.positive("max_position_embeddings");
    c.typeVocabSize = r.positive("type_vocab_size", 2);
    c.hiddenAct = r.string("hidden_act", "gelu");
    c.normEps = r.positiveNumber("layer_norm_eps", 1e-12);
    c.padTokenId = r.has("pad_token_id") ? r.integer("pad_token_id") : -1;
    const std::string positions = r.string("position_embedding_type", "absolute");
    if (positions != "absolute")
        r.fail("key 'position_embedding_type' is '" + positions + "'; only 'absolute' is supported");
    if (r.boolean("is_decoder", false))
        r.fail("key 'is_decoder' is true: BERT as a decoder is not supported");
    // transformers derives num_labels from id2label; "num_labels" itself is not normally saved.
    if (r.has("id2label")) {
        c.numLabels = static_cast<int64_t>(r.object("id2label").size());
        if (c.numLabels <= 0)
            r.fail("key 'id2label' must name at least one label");
    } else {
        c.numLabels = r.positive("num_labels", 2);
    }
    c.tieWordEmbeddings = false;  // a classifier has no LM head to tie
}

}  // namespace

ModelConfig parseModelConfig(const std::string& text, const std::filesystem::path& file)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for a number such as 1e2048
        throwFileError(file, std::string("not valid JSON (") + e.what() + ")");
    }
    if (!j.is_object())
        throwFileError(file, "must hold a JSON object, got " + std::string(j.type_name()));
    const Reader r(j, file);

    ModelConfig c;
    c.file = file;
    if (!r.has("model_type"))
        r.fail("missing key 'model_type'; supported model types: " + joined(supportedModelTypes()));
    c.modelType = r.string("model_type", "");
    const auto supported = supportedModelTypes();
    if (std::find(supported.begin(), supported.end(), c.modelType) == supported.end())
        r.fail("model_type '" + c.modelType + "' is not supported; supported model types: " + joined(supported));
    if (r.has("architectures")) {
        const json& a = r.raw("architectures");
        if (!a.is_array())
            r.fail("key 'architectures' must be a list of strings, got " + a.dump());
        for (const auto& name : a)
            if (name.is_string())
                c.architectures.push_back(name.get<std::string>());
    }
    c.initializerRange = r.positiveNumber("initializer_range", 0.02);

    if (c.modelType == "gpt2")
        parseGpt2(r, c);
    else if (c.modelType == "bert")
        parseBert(r, c);
    else
        parseLlamaFamily(r, c);
    return c;
}

ModelConfig loadModelConfig(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throwFileError(file, "not found; a Hugging Face model folder needs config.json beside its .safetensors files");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throwFileError(file, "cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    return parseModelConfig(text.str(), file);
}

}  // namespace lora::model

namespace lora {

// The model_type values config.json may name; model_registry.cpp builds one architecture for each.
std::vector<std::string> supportedModelTypes() { return {"gpt2", "llama", "mistral", "qwen2", "bert"}; }

}  // namespace lora
