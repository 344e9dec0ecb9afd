#pragma once
// Text generation with a loaded causal LM (and whatever LoRA adapter is attached to it): greedy or sampled
// (temperature, top-k, top-p), with a KV cache so each new token costs one single-token forward pass.
// Torch-free: the UI and the CLI call this from a worker thread and get text pieces back as they are made.
#include "lora/model.h"
#include "lora/tokenizer.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lora {

struct GenerationOptions {
    int maxNewTokens = 128;
    // Sampling, applied in transformers' order: repetition penalty, temperature, top-k, top-p. The defaults are
    // transformers' GenerationConfig defaults for do_sample=True.
    bool greedy = false;             // argmax instead of sampling (the repetition penalty still applies)
    double temperature = 1.0;        // > 0; divides the logits
    int topK = 50;                   // keep the k most likely tokens (ties kept); 0 = off
    double topP = 1.0;               // in (0, 1]: keep the smallest set whose probability reaches p; 1 = off
    double repetitionPenalty = 1.0;  // > 0; CTRL-style, over the prompt and generated tokens; 1 = off
    std::optional<uint64_t> seed;    // none: a random seed, reported in the result so the run can be repeated
    bool stopAtEos = true;
    // Tokens that end generation. Empty: eos_token_id of the model folder's generation_config.json, else of
    // its config.json.
    std::vector<int64_t> eosTokenIds;
    // Checked before every token is emitted: once set, no further token is produced.
    const std::atomic<bool>* cancel = nullptr;
};

enum class StopReason {
    Eos,           // an end-of-sequence token was generated (it is the last of tokenIds)
    MaxNewTokens,  // maxNewTokens were generated
    ContextLimit,  // the model cannot embed another position (GPT-2's n_positions)
    Cancelled,
};
const char* stopReasonName(StopReason);  // "eos", "max-new-tokens", "context-limit", "cancelled"

// One generated token as it is produced. `text` is what it adds to the output; it is empty while the token's
// bytes do not yet complete a UTF-8 character (the text comes with a later token). After the last token, one
// more call with tokenId -1 carries any text still held back. Without a tokenizer, text is always empty.
struct GeneratedToken {
    int64_t tokenId = -1;
    std::string text;
};
using TokenCallback = std::function<void(const GeneratedToken&)>;

struct GenerationResult {
    std::string text;               // the generated text: every GeneratedToken::text, concatenated
    std::vector<int64_t> tokenIds;  // the generated tokens only (EOS included when it stopped generation)
    int64_t promptTokens = 0;
    StopReason stopReason = StopReason::MaxNewTokens;
    uint64_t seed = 0;              // the seed sampling used
    double seconds = 0;             // prompt processing and generation
    double tokensPerSecond = 0;     // generated tokens / seconds
};

// Encodes `prompt` with the tokenizer (special tokens added, e.g. Llama's <s>), then generates. Runs on the
// calling thread under torch's inference mode. Throws lora::Error for a model that is not a causal LM, an
// empty prompt, a prompt longer than the model can embed, or invalid options.
GenerationResult generate(const Model& model, const Tokenizer& tokenizer, std::string_view prompt,
                          const GenerationOptions& options, const TokenCallback& onToken = {});

// The same from token ids; `tokenizer` (optional) only turns the generated ids into text.
GenerationResult generate(const Model& model, const std::vector<int64_t>& promptIds, const GenerationOptions& options,
                          const TokenCallback& onToken = {}, const Tokenizer* tokenizer = nullptr);

}  // namespace lora
