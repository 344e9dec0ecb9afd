// Test helper: makes a LoRA Studio adapter with every tensor non-zero and saves it as a PEFT folder, so the
// Python reference tests can check that PEFT computes what we compute. A freshly initialised adapter has B = 0
// and would prove nothing; here every tensor gets seeded noise after creation.
//   make_test_adapter MODEL OUT [--targets a,b] [--regex] [--rank N] [--alpha X] [--dora] [--rslora]
//                     [--task SEQ_CLS] [--init default|gaussian|pissa] [--raw] [--no-noise] [--seed S]
//                     [--ids 1,2,3 --logits-out FILE]
// --logits-out writes the logits of MODEL with the adapter attached (in memory, so a PiSSA residual base too).
// --raw saves a PiSSA adapter unconverted.
#include "adapter/adapter_impl.h"
#include "adapter/peft_folder.h"
#include "lora/adapter.h"
#include "lora/error.h"
#include "lora/safetensors.h"

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <iostream>
#include <sstream>

namespace {

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        out.push_back(item);
    return out;
}

// B ~ N(0, 0.3²)-ish noise on everything; DoRA magnitudes and head copies keep their scale (multiplied/offset).
void addNoise(lora::adapter::LoraAdapter& adapter, uint64_t seed)
{
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(seed);
    for (auto& [name, t] : adapter.namedTensors()) {
        const auto noise = torch::randn(t.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat32)).to(t.dtype());
        if (name.find("lora_magnitude_vector") != std::string::npos)
            t.mul_(1 + 0.2 * noise);
        else if (name.find(".lora_") != std::string::npos)
            t.add_(0.3 * noise);
        else
            t.add_(0.2 * noise);  // a modules_to_save copy
    }
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"make a non-trivial LoRA Studio adapter for reference tests"};
    std::string model, out, targets = "q_proj,v_proj", task = "CAUSAL_LM", init = "default", ids, logitsOut;
    int rank = 4;
    double alpha = 8;
    bool dora = false, rslora = false, regex = false, raw = false, noNoise = false;
    uint64_t seed = 1;
    app.add_option("model", model)->required();
    app.add_option("out", out)->required();
    app.add_option("--targets", targets);
    app.add_flag("--regex", regex);
    app.add_option("--rank", rank);
    app.add_option("--alpha", alpha);
    app.add_flag("--dora", dora);
    app.add_flag("--rslora", rslora);
    app.add_option("--task", task);
    app.add_option("--init", init);
    app.add_flag("--raw", raw);
    app.add_flag("--no-noise", noNoise);
    app.add_option("--seed", seed);
    app.add_option("--ids", ids);
    app.add_option("--logits-out", logitsOut);
    CLI11_PARSE(app, argc, argv);
    try {
        lora::LoraConfig config;
        config.r = rank;
        config.alpha = alpha;
        config.useDora = dora;
        config.useRslora = rslora;
        config.taskType = task;
        config.init = init == "pissa" ? lora::LoraInit::Pissa : init == "gaussian" ? lora::LoraInit::Gaussian
                                                                                   : lora::LoraInit::Default;
        if (regex) {
            config.targetRegex = targets;
            config.targetModules.clear();
        } else {
            config.targetModules = splitList(targets);
        }
        auto m = lora::Model::load(model);
        auto adapter = lora::Adapter::create(*m, config, seed);
        if (!noNoise)
            addNoise(*adapter->impl().lora, seed + 1000);
        lora::adapter::savePeftFolder(*adapter->impl().lora, out, /*convertPissa=*/!raw);
        if (!logitsOut.empty()) {
            std::vector<int64_t> tokens;
            for (const auto& s : splitList(ids))
                tokens.push_back(std::stoll(s));
            m->setAdapter(adapter);
            const auto logits = m->logits(tokens);
            lora::writeSafetensors(logitsOut,
                                   {{"logits", lora::DType::F32, logits.shape,
                                     std::as_bytes(std::span(logits.values.data(), logits.values.size()))}},
                                   {{"format", "pt"}});
        }
        std::cout << "saved " << adapter->targets().size() << " LoRA modules to " << out << "\n";
    } catch (const std::exception& e) {
        std::cerr << "make_test_adapter: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
