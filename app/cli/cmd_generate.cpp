// lora-cli generate: text from a causal LM, streamed to stdout as it is generated.
#include "commands.h"
#include "id_list.h"

#include "lora/adapter.h"
#include "lora/error.h"
#include "lora/generation.h"
#include "lora/model.h"
#include "lora/tokenizer.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace lora::cli {
namespace {

struct GenerateCliOptions {
    std::string model;
    std::string prompt;
    std::string ids;
    std::string adapter;
    std::string device = "cpu";
    std::string dtype = "float32";
    double adapterScale = 1.0;
    uint64_t seed = 0;
    bool ignoreEos = false;
    bool json = false;
    GenerationOptions generation;
};

// The model folder's tokenizer, or null when it has none and the prompt is given as ids (test fixtures).
std::shared_ptr<const Tokenizer> loadTokenizer(const GenerateCliOptions& o)
{
    const auto file = std::filesystem::path(o.model) / "tokenizer.json";
    std::error_code ec;
    if (std::filesystem::exists(file, ec))
        return Tokenizer::fromFile(file);
    if (o.ids.empty())
        throwFileError(file, "not found; a text prompt needs the model's tokenizer (or give token ids with --ids)");
    return nullptr;
}

int generateCommand(GenerateCliOptions o)
{
    if (o.prompt.empty() == o.ids.empty())
        throw Error("give either a prompt or --ids 1,2,3 (not both)");
    o.generation.stopAtEos = !o.ignoreEos;
    const auto tokenizer = loadTokenizer(o);
    LoadOptions load;
    load.device = o.device;
    load.dtype = o.dtype;
    const auto model = Model::load(o.model, load);
    if (!o.adapter.empty())
        model->setAdapter(Adapter::load(*model, o.adapter));
    model->setAdapterScale(o.adapterScale);

    // Streaming: text as it comes; without a tokenizer the ids themselves, so the output is still readable.
    TokenCallback stream;
    if (!o.json)
        stream = [&tokenizer](const GeneratedToken& t) {
            if (tokenizer)
                std::cout << t.text << std::flush;
            else if (t.tokenId >= 0)
                std::cout << t.tokenId << ' ' << std::flush;
        };
    const GenerationResult r =
        o.ids.empty() ? generate(*model, *tokenizer, o.prompt, o.generation, stream)
                      : generate(*model, parseIdList(o.ids), o.generation, stream, tokenizer.get());

    if (o.json) {
        const nlohmann::json j = {{"ids", r.tokenIds},
                                  {"text", r.text},
                                  {"prompt_tokens", r.promptTokens},
                                  {"stop", stopReasonName(r.stopReason)},
                                  {"seed", r.seed},
                                  {"seconds", r.seconds},
                                  {"tokens_per_second", r.tokensPerSecond}};
        std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
        std::cout << "\n";
        std::cerr << r.tokenIds.size() << " tokens, " << r.tokensPerSecond << " tokens/s, stop: "
                  << stopReasonName(r.stopReason) << ", seed " << r.seed << "\n";
    }
    return 0;
}

}  // namespace

void addGenerateCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("generate", "Generate text with a causal LM, streamed as it is produced");
    auto o = std::make_shared<GenerateCliOptions>();
    auto& g = o->generation;
    cmd->add_option("model", o->model, "Hugging Face model folder")->required();
    cmd->add_option("--adapter", o->adapter, "PEFT LoRA adapter folder to generate with")->check(CLI::ExistingDirectory);
    cmd->add_option("--adapter-scale", o->adapterScale,
                    "Multiplier on the adapter's LoRA scaling: 0 = base model, 1 = as trained")
        ->capture_default_str();
    auto* prompt = cmd->add_option("prompt", o->prompt, "Prompt text, encoded with the model's tokenizer.json");
    auto* ids = cmd->add_option("--ids", o->ids, "Prompt as comma-separated token ids, e.g. 1,2,3");
    ids->excludes(prompt);
    cmd->add_option("--max-new-tokens", g.maxNewTokens, "Tokens to generate at most")->capture_default_str();
    cmd->add_flag("--greedy", g.greedy, "Always take the most likely token instead of sampling");
    cmd->add_option("--temperature", g.temperature, "Sampling temperature (> 0)")->capture_default_str();
    cmd->add_option("--top-k", g.topK, "Sample from the k most likely tokens; 0 = all")->capture_default_str();
    cmd->add_option("--top-p", g.topP, "Nucleus sampling: smallest set of tokens reaching this probability")
        ->capture_default_str();
    cmd->add_option("--repetition-penalty", g.repetitionPenalty, "Penalise tokens already seen; 1 = off")
        ->capture_default_str();
    auto* seed = cmd->add_option("--seed", o->seed, "Random seed (default: a fresh one, printed at the end)");
    cmd->add_flag("--ignore-eos", o->ignoreEos, "Do not stop at the end-of-sequence token");
    cmd->add_option("--device", o->device, "cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--dtype", o->dtype, "float32, bfloat16 or float16")->capture_default_str();
    cmd->add_flag("--json", o->json, "Print one JSON line (ids, text, stop reason, speed) instead of streaming");
    cmd->callback([&selected, o, seed] {
        if (seed->count() > 0)
            o->generation.seed = o->seed;
        selected = [o] { return generateCommand(*o); };
    });
}

}  // namespace lora::cli
