#include "commands.h"
#include "id_list.h"

#include "lora/adapter.h"
#include "lora/error.h"
#include "lora/model.h"
#include "lora/safetensors.h"
#include "lora/tokenizer.h"

#include <algorithm>
#include <iostream>

namespace lora::cli {
namespace {

struct LogitsOptions {
    std::string model;
    std::string ids;
    std::string text;
    std::string out;
    std::string device = "cpu";
    std::string adapter;
};

int logits(const LogitsOptions& o)
{
    std::vector<int64_t> ids;
    if (!o.ids.empty()) {
        ids = parseIdList(o.ids);
    } else {
        const auto tokenizer = Tokenizer::fromFile(std::filesystem::path(o.model) / "tokenizer.json");
        for (int32_t id : tokenizer->encode(o.text))
            ids.push_back(id);
    }
    if (ids.empty())
        throw Error("no input tokens: give --ids 1,2,3 or --text \"...\"");
    LoadOptions load;
    load.device = o.device;
    const auto model = Model::load(o.model, load);
    if (!o.adapter.empty()) {
        const auto adapter = Adapter::load(*model, o.adapter);
        model->setAdapter(adapter);
        std::cout << "adapter " << o.adapter << ": " << adapter->targets().size() << " LoRA modules\n";
    }
    const FloatArray result = model->logits(ids);

    std::cout << "logits shape [";
    for (size_t i = 0; i < result.shape.size(); ++i)
        std::cout << (i ? ", " : "") << result.shape[i];
    std::cout << "]\n";
    const int64_t width = result.shape.back();
    const float* last = result.values.data() + result.values.size() - width;
    std::cout << "last position argmax " << (std::max_element(last, last + width) - last) << "\n";

    if (!o.out.empty()) {
        std::vector<TensorToWrite> tensors;
        tensors.push_back({"logits", DType::F32, result.shape,
                           std::as_bytes(std::span(result.values.data(), result.values.size()))});
        writeSafetensors(o.out, tensors, {{"format", "pt"}});
        std::cout << "wrote " << o.out << "\n";
    }
    return 0;
}

}  // namespace

void addLogitsCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("logits", "Run one forward pass and print (or save) the logits, to check parity");
    auto o = std::make_shared<LogitsOptions>();
    cmd->add_option("model", o->model, "Hugging Face model folder")->required();
    auto* ids = cmd->add_option("--ids", o->ids, "Comma-separated token ids, e.g. 1,2,3");
    auto* text = cmd->add_option("--text", o->text, "Text, encoded with the model's tokenizer.json");
    ids->excludes(text);
    cmd->add_option("--out", o->out, "Write the logits to this .safetensors file (tensor name 'logits', F32)");
    cmd->add_option("--device", o->device, "cpu, cuda or cuda:N");
    cmd->add_option("--adapter", o->adapter, "PEFT adapter folder to apply (adapter_config.json + adapter_model.safetensors)");
    cmd->callback([&selected, o] { selected = [o] { return logits(*o); }; });
}

}  // namespace lora::cli
