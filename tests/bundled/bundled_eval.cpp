// lora-bundled-eval: measurements on the bundled model with core's public API, for the bundled tests and for
// resources/models/measure_lora_defaults.py. Prints one JSON object on stdout.
//
//   lora-bundled-eval loss RUN.json [--adapter DIR] [--all]
//       mean token loss on the run's validation split (core's loader and split), or on every example (--all);
//       the model is the run's "model", with the PEFT adapter DIR attached when given
//   lora-bundled-eval exact-match MODEL HELDOUT.jsonl [--adapter DIR] [--limit N]
//       greedy answers to instruction/input/output rows, exact match against "output"
//   --threads N (any command): intra-op threads, default 1 (the figures do not depend on it beyond the last bits)
#include "bundled_support.h"

#include "lora/adapter.h"
#include "lora/device.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

using namespace lora;

namespace {

std::string optionValue(std::vector<std::string>& args, const std::string& name)
{
    for (size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == name) {
            std::string v = args[i + 1];
            args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
            return v;
        }
    return {};
}

bool flag(std::vector<std::string>& args, const std::string& name)
{
    for (size_t i = 0; i < args.size(); ++i)
        if (args[i] == name) {
            args.erase(args.begin() + static_cast<long>(i));
            return true;
        }
    return false;
}

void attach(Model& model, const std::string& adapterDir)
{
    if (!adapterDir.empty())
        model.setAdapter(Adapter::load(model, adapterDir));
}

int usage()
{
    std::cerr << "usage: lora-bundled-eval loss RUN.json [--adapter DIR] [--all]\n"
                 "       lora-bundled-eval exact-match MODEL HELDOUT.jsonl [--adapter DIR] [--limit N]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty())
        return usage();
    const std::string command = args.front();
    args.erase(args.begin());
    try {
        const std::string adapter = optionValue(args, "--adapter");
        const std::string threads = optionValue(args, "--threads");
        setComputeThreads(threads.empty() ? 1 : std::stoi(threads));
        nlohmann::json out;
        if (command == "loss") {
            const bool all = flag(args, "--all");
            if (args.size() != 1)
                return usage();
            const auto data = bundled::loadRunData(args[0], all);
            const auto model = Model::load(data.config.modelDir);
            attach(*model, adapter);
            const auto r = bundled::exampleLoss(*model, data.dataset.examples, data.indices);
            char text[64];
            std::snprintf(text, sizeof text, "%.17g", r.loss);
            out = {{"loss", r.loss}, {"loss_text", text}, {"examples", r.examples}, {"tokens", r.tokens},
                   {"split", all ? "all" : "validation"}};
        } else if (command == "exact-match") {
            const std::string limit = optionValue(args, "--limit");
            if (args.size() != 2)
                return usage();
            const auto model = Model::load(args[0]);
            attach(*model, adapter);
            const auto tokenizer = Tokenizer::fromFile(std::filesystem::path(args[0]) / "tokenizer.json");
            const auto r = bundled::exactMatch(*model, *tokenizer, args[1], limit.empty() ? 0 : std::stoul(limit));
            nlohmann::json answers = nlohmann::json::array();
            for (const auto& a : r.answers)
                answers.push_back({{"input", a.input}, {"expected", a.expected}, {"answer", a.answer},
                                   {"match", a.match}});
            out = {{"exact_match", r.rate}, {"matches", r.matches}, {"rows", r.answers.size()},
                   {"answers", answers}};
        } else {
            return usage();
        }
        std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "lora-bundled-eval: " << e.what() << "\n";
        return 1;
    }
}
