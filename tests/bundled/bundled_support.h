#pragma once
// Measurements on the bundled model (resources/models/studio-llama-2m) and datasets, through core's public
// API only: the validation loss of a run's split, and exact match of greedy answers on an instruction set.
// Shared by lora-bundled-eval (the tool the bundled tests and resources/models/measure_lora_defaults.py call)
// and the adapter-switching test.
#include "lora/dataset.h"
#include "lora/error.h"
#include "lora/generation.h"
#include "lora/model.h"
#include "lora/tokenizer.h"
#include "lora/training.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

namespace lora::bundled {

struct LossResult {
    double loss = 0;      // mean next-token cross-entropy (nats) over every learned position
    int64_t examples = 0;
    int64_t tokens = 0;   // learned positions counted
};

// The causal-LM loss of `model` (with whatever adapter is attached) on the given examples, one forward pass per
// example, exactly the tokens core's trainer counts: labels[i] != kIgnoreIndex for i >= 1, predicted from i - 1.
inline LossResult exampleLoss(const Model& model, std::span<const Example> examples, const std::vector<size_t>& which)
{
    LossResult r;
    double sum = 0;
    for (const size_t index : which) {
        const Example& e = examples[index];
        const std::vector<int64_t> ids(e.inputIds.begin(), e.inputIds.end());
        const FloatArray logits = model.logits(ids);
        const int64_t vocab = logits.shape.back();
        for (size_t i = 1; i < e.labels.size(); ++i) {
            if (e.labels[i] == kIgnoreIndex)
                continue;
            const float* row = logits.values.data() + static_cast<int64_t>(i - 1) * vocab;
            const double top = *std::max_element(row, row + vocab);
            double z = 0;
            for (int64_t v = 0; v < vocab; ++v)
                z += std::exp(static_cast<double>(row[v]) - top);
            sum += top + std::log(z) - static_cast<double>(row[e.labels[i]]);
            ++r.tokens;
        }
        ++r.examples;
    }
    r.loss = r.tokens > 0 ? sum / static_cast<double>(r.tokens) : 0.0;
    return r;
}

// The examples of a run file's data and the indices of its validation split (core's loader and split: the
// same examples the trainer evaluates on). allExamples: every example instead (a held-out file).
struct RunData {
    TrainingConfig config;
    Dataset dataset;
    std::vector<size_t> indices;
};

inline RunData loadRunData(const std::filesystem::path& runFile, bool allExamples)
{
    RunData d;
    d.config = readTrainingConfig(runFile);
    const auto tokenizerFile =
        d.config.tokenizerFile.empty() ? d.config.modelDir / "tokenizer.json" : d.config.tokenizerFile;
    const auto tokenizer = Tokenizer::fromFile(tokenizerFile);
    d.dataset = loadDataset(d.config.dataFile, *tokenizer, d.config.dataset);
    if (allExamples) {
        for (size_t i = 0; i < d.dataset.examples.size(); ++i)
            d.indices.push_back(i);
    } else {
        d.indices = splitTrainValidation(d.dataset.examples.size(), d.config.validationFraction, d.config.seed)
                        .validation;
        if (d.indices.empty())
            throwFileError(runFile, "has no validation split (validation_fraction is 0)");
    }
    return d;
}

// core's JSONL instruction prompt (see lora/dataset.h): what the trainer masks, and what generation continues.
inline std::string instructionPrompt(const std::string& instruction, const std::string& input)
{
    std::string p = "### Instruction:\n" + instruction + "\n\n";
    if (!input.empty())
        p += "### Input:\n" + input + "\n\n";
    return p + "### Response:\n";
}

inline std::string strip(const std::string& s)
{
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

struct Answer {
    std::string input;
    std::string expected;
    std::string answer;  // greedy generation, cut at EOS or the first newline, stripped
    bool match = false;
};

struct ExactMatch {
    double rate = 0;
    int64_t matches = 0;
    std::vector<Answer> answers;  // in file order
};

// Exact match of greedy answers to {"instruction", "input", "output"} rows (at most `limit` rows; 0: all).
inline ExactMatch exactMatch(const Model& model, const Tokenizer& tokenizer, const std::filesystem::path& jsonl,
                             size_t limit = 0, int maxNewTokens = 16)
{
    std::ifstream in(jsonl);
    if (!in)
        throwFileError(jsonl, "cannot be read");
    GenerationOptions options;
    options.greedy = true;
    options.maxNewTokens = maxNewTokens;
    ExactMatch result;
    std::string line;
    while (std::getline(in, line) && (limit == 0 || result.answers.size() < limit)) {
        if (strip(line).empty())
            continue;
        const auto row = nlohmann::json::parse(line);
        Answer a;
        a.input = row.value("input", std::string());
        a.expected = strip(row.at("output").get<std::string>());
        const auto generated =
            generate(model, tokenizer, instructionPrompt(row.at("instruction").get<std::string>(), a.input), options);
        a.answer = strip(generated.text.substr(0, generated.text.find('\n')));
        a.match = a.answer == a.expected;
        result.matches += a.match ? 1 : 0;
        result.answers.push_back(std::move(a));
    }
    if (result.answers.empty())
        throwFileError(jsonl, "has no rows");
    result.rate = static_cast<double>(result.matches) / static_cast<double>(result.answers.size());
    return result;
}

}  // namespace lora::bundled
