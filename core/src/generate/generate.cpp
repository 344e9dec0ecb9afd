// lora::generate: prefill the prompt into a KV cache, then one single-token forward per new token.
#include "lora/generation.h"

#include "engine/model_impl.h"
#include "generate/eos.h"
#include "generate/sampling.h"
#include "generate/text_stream.h"
#include "lora/error.h"
#include "model/kv_cache.h"

#include <algorithm>
#include <chrono>
#include <random>

namespace lora {
namespace {

uint64_t randomSeed()
{
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
}

bool cancelled(const GenerationOptions& o) { return o.cancel && o.cancel->load(std::memory_order_relaxed); }

}  // namespace

const char* stopReasonName(StopReason reason)
{
    switch (reason) {
    case StopReason::Eos:
        return "eos";
    case StopReason::MaxNewTokens:
        return "max-new-tokens";
    case StopReason::ContextLimit:
        return "context-limit";
    case StopReason::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

GenerationResult generate(const Model& model, const std::vector<int64_t>& promptIds, const GenerationOptions& options,
                          const TokenCallback& onToken, const Tokenizer* tokenizer)
{
    generation::validateOptions(options);
    auto& impl = model.impl();
    auto& network = *impl.network;
    if (network.task() != model::Task::CausalLM)
        throw Error(impl.description.architecture + " is not a causal language model; it cannot generate text");
    if (promptIds.empty())
        throw Error("cannot generate from an empty prompt: it needs at least one token");

    // Per call and per thread: InferenceMode is thread-local, and the GUI generates from a worker thread.
    c10::InferenceMode inference;
    const auto start = std::chrono::steady_clock::now();

    GenerationResult result;
    result.promptTokens = static_cast<int64_t>(promptIds.size());
    result.seed = options.seed ? *options.seed : randomSeed();
    const auto eos = options.stopAtEos ? (options.eosTokenIds.empty() ? generation::eosTokenIds(impl.directory)
                                                                      : options.eosTokenIds)
                                       : std::vector<int64_t>{};
    generation::Sampler sampler(options, result.seed);
    generation::TextStream stream(tokenizer, promptIds);
    auto emit = [&](int64_t id, std::string text) {
        result.text += text;
        if (onToken)
            onToken(GeneratedToken{id, std::move(text)});
    };

    // The last generated token is never run through the model, so the cache needs one position less than
    // prompt + new tokens; models with learned positions cannot hold more than they embed.
    const int64_t limit = network.maxPositions();
    int64_t capacity = result.promptTokens + std::max(options.maxNewTokens - 1, 0);
    if (limit > 0)
        capacity = std::min(capacity, std::max(limit, result.promptTokens));
    model::KvCache cache(capacity);

    std::vector<int64_t> history = promptIds;
    result.stopReason = StopReason::MaxNewTokens;
    if (options.maxNewTokens > 0 && cancelled(options))
        result.stopReason = StopReason::Cancelled;
    else if (options.maxNewTokens > 0) {
        const auto prompt = torch::tensor(promptIds, torch::TensorOptions().dtype(torch::kInt64))
                                .view({1, result.promptTokens})
                                .to(impl.device);
        auto logits = network.forwardCached(prompt, cache, /*lastOnly=*/true);
        for (int step = 0;; ++step) {
            const int64_t next = sampler.next(logits, history);
            // Checked after the forward pass: a cancel that arrived during it drops the token it produced.
            if (cancelled(options)) {
                result.stopReason = StopReason::Cancelled;
                break;
            }
            history.push_back(next);
            result.tokenIds.push_back(next);
            emit(next, stream.push(next));
            if (std::find(eos.begin(), eos.end(), next) != eos.end()) {
                result.stopReason = StopReason::Eos;
                break;
            }
            if (step + 1 >= options.maxNewTokens)
                break;
            if (limit > 0 && cache.length() >= limit) {
                result.stopReason = StopReason::ContextLimit;
                break;
            }
            if (cancelled(options)) {  // set by onToken, say: spare the forward pass
                result.stopReason = StopReason::Cancelled;
                break;
            }
            const auto input = torch::full({1, 1}, next, torch::TensorOptions().dtype(torch::kInt64).device(impl.device));
            logits = network.forwardCached(input, cache, /*lastOnly=*/true);
        }
    }
    if (auto rest = stream.finish(); !rest.empty())
        emit(-1, std::move(rest));

    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.tokensPerSecond = result.seconds > 0 ? static_cast<double>(result.tokenIds.size()) / result.seconds : 0;
    return result;
}

GenerationResult generate(const Model& model, const Tokenizer& tokenizer, std::string_view prompt,
                          const GenerationOptions& options, const TokenCallback& onToken)
{
    std::vector<int64_t> ids;
    for (int32_t id : tokenizer.encode(prompt, /*addSpecialTokens=*/true))
        ids.push_back(id);
    if (ids.empty())
        throw Error("the prompt encodes to no tokens; enter some text");
    return generate(model, ids, options, onToken, &tokenizer);
}

}  // namespace lora
