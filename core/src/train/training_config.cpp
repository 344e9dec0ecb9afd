// TrainingConfig <-> JSON (run files for `lora-cli train --config`, the config stored in every checkpoint).
// Key names follow transformers' TrainingArguments where it has one, so a run file reads familiar.
#include "lora/training.h"

#include "common/json_integer.h"
#include "lora/error.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

namespace lora {

using json = nlohmann::json;

std::string scheduleName(LearningRateSchedule s)
{
    switch (s) {
    case LearningRateSchedule::Constant: return "constant";
    case LearningRateSchedule::Linear: return "linear";
    case LearningRateSchedule::Cosine: return "cosine";
    }
    return "linear";
}

LearningRateSchedule parseSchedule(const std::string& name)
{
    // transformers spells the warmup variant of constant "constant_with_warmup"; here warmup is separate.
    if (name == "constant" || name == "constant_with_warmup")
        return LearningRateSchedule::Constant;
    if (name == "linear")
        return LearningRateSchedule::Linear;
    if (name == "cosine")
        return LearningRateSchedule::Cosine;
    throw Error("learning-rate schedule '" + name + "' is not known; use constant, linear or cosine");
}

std::string trainingModeName(TrainingMode m) { return m == TrainingMode::Full ? "full" : "lora"; }

TrainingMode parseTrainingMode(const std::string& name)
{
    if (name == "lora")
        return TrainingMode::Lora;
    if (name == "full")
        return TrainingMode::Full;
    throw Error("training mode '" + name + "' is not known; use lora or full");
}

std::string statusName(TrainingStatus s)
{
    switch (s) {
    case TrainingStatus::Completed: return "completed";
    case TrainingStatus::Stopped: return "stopped";
    case TrainingStatus::Failed: return "failed";
    }
    return "failed";
}

namespace {

const char* badRowName(BadRowPolicy p) { return p == BadRowPolicy::Skip ? "skip" : "fail"; }
const char* documentsName(TextDocuments d) { return d == TextDocuments::BlankLines ? "blank_lines" : "whole_file"; }

json datasetToJson(const DatasetOptions& d)
{
    json j;
    j["format"] = std::string(datasetFormatName(d.format));
    j["bad_rows"] = badRowName(d.badRows);
    j["block_size"] = d.blockSize;
    j["max_length"] = d.maxLength;
    j["text_documents"] = documentsName(d.textDocuments);
    j["eos_id"] = d.eosId ? json(*d.eosId) : json(nullptr);
    j["labels"] = d.labels;
    return j;
}

[[noreturn]] void bad(const std::filesystem::path& file, const std::string& key, const std::string& problem)
{
    throwFileError(file, "\"" + key + "\" " + problem);
}

template <class Int>
Int integer(const json& v, const std::string& key, const std::filesystem::path& file)
{
    const auto n = jsonInteger<Int>(v);
    if (!n)
        bad(file, key, "must be an integer from " + std::to_string(std::numeric_limits<Int>::min()) + " to " +
                           std::to_string(std::numeric_limits<Int>::max()) + ", got " + v.dump());
    return *n;
}

// One optional setting into its field; integers are range-checked (see common/json_integer.h).
template <class T>
void setting(const json& j, const char* key, T& field, const std::filesystem::path& file)
{
    if (!j.contains(key))
        return;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
        field = integer<T>(j[key], key, file);
    else
        field = j[key].get<T>();
}

void rejectUnknown(const json& j, const std::set<std::string>& known, const std::filesystem::path& file,
                   const std::string& where)
{
    for (const auto& [key, value] : j.items())
        if (!known.count(key)) {
            std::string list;
            for (const auto& k : known)
                list += (list.empty() ? "" : ", ") + k;
            bad(file, where + key, "is not a known setting (known: " + list + ")");
        }
}

DatasetFormat parseFormat(const std::string& s, const std::filesystem::path& file)
{
    for (auto f : {DatasetFormat::Auto, DatasetFormat::Text, DatasetFormat::Jsonl, DatasetFormat::Csv, DatasetFormat::Tsv})
        if (datasetFormatName(f) == s)
            return f;
    bad(file, "dataset.format", "is \"" + s + "\"; use auto, text, jsonl, csv or tsv");
}

DatasetOptions datasetFromJson(const json& j, const std::filesystem::path& file)
{
    rejectUnknown(j, {"format", "bad_rows", "block_size", "max_length", "text_documents", "eos_id", "labels"}, file,
                  "dataset.");
    DatasetOptions d;
    if (j.contains("format"))
        d.format = parseFormat(j["format"].get<std::string>(), file);
    if (j.contains("bad_rows")) {
        const auto v = j["bad_rows"].get<std::string>();
        if (v != "fail" && v != "skip")
            bad(file, "dataset.bad_rows", "is \"" + v + "\"; use fail or skip");
        d.badRows = v == "skip" ? BadRowPolicy::Skip : BadRowPolicy::Fail;
    }
    setting(j, "block_size", d.blockSize, file);
    setting(j, "max_length", d.maxLength, file);
    if (j.contains("text_documents")) {
        const auto v = j["text_documents"].get<std::string>();
        if (v != "whole_file" && v != "blank_lines")
            bad(file, "dataset.text_documents", "is \"" + v + "\"; use whole_file or blank_lines");
        d.textDocuments = v == "blank_lines" ? TextDocuments::BlankLines : TextDocuments::WholeFile;
    }
    if (j.contains("eos_id") && !j["eos_id"].is_null())
        d.eosId = integer<int32_t>(j["eos_id"], "dataset.eos_id", file);
    if (j.contains("labels"))
        d.labels = j["labels"].get<std::vector<std::string>>();
    return d;
}

const std::set<std::string> kKeys = {
    "model", "tokenizer", "data", "dataset", "mode", "lora", "max_steps", "num_train_epochs",
    "per_device_train_batch_size", "gradient_accumulation_steps", "shuffle", "learning_rate", "weight_decay",
    "adam_beta1", "adam_beta2", "adam_epsilon", "warmup_steps", "lr_scheduler_type", "max_grad_norm", "eval_steps",
    "eval_batches", "validation_fraction", "seed", "device", "dtype", "bf16", "threads", "output_dir", "save_steps",
    "save_total_limit", "resume_from_checkpoint", "save_initial_adapter"};

}  // namespace

std::string trainingConfigToJson(const TrainingConfig& c)
{
    json j;
    j["model"] = c.modelDir.string();
    j["tokenizer"] = c.tokenizerFile.string();
    j["data"] = c.dataFile.string();
    j["dataset"] = datasetToJson(c.dataset);
    j["mode"] = trainingModeName(c.mode);
    auto lora = json::parse(toAdapterConfigJson(c.lora, false));
    // Facts of a saved adapter, not settings of a run.
    for (const char* key : {"peft_type", "inference_mode", "fan_in_fan_out", "bias"})
        lora.erase(key);
    j["lora"] = lora;
    j["max_steps"] = c.maxSteps;
    j["num_train_epochs"] = c.epochs;
    j["per_device_train_batch_size"] = c.batchSize;
    j["gradient_accumulation_steps"] = c.gradientAccumulation;
    j["shuffle"] = c.shuffle;
    j["learning_rate"] = c.learningRate;
    j["weight_decay"] = c.weightDecay;
    j["adam_beta1"] = c.beta1;
    j["adam_beta2"] = c.beta2;
    j["adam_epsilon"] = c.epsilon;
    j["warmup_steps"] = c.warmupSteps;
    j["lr_scheduler_type"] = scheduleName(c.schedule);
    j["max_grad_norm"] = c.maxGradNorm;
    j["eval_steps"] = c.evalSteps;
    j["eval_batches"] = c.evalBatches;
    j["validation_fraction"] = c.validationFraction;
    j["seed"] = c.seed;
    j["device"] = c.device;
    j["dtype"] = c.dtype;
    j["bf16"] = c.bf16Autocast;
    j["threads"] = c.threads;
    j["output_dir"] = c.outputDir.string();
    j["save_steps"] = c.saveSteps;
    j["save_total_limit"] = c.saveTotalLimit;
    j["resume_from_checkpoint"] = c.resumeFrom.string();
    j["save_initial_adapter"] = c.saveInitialAdapter;
    return j.dump(2) + "\n";
}

TrainingConfig trainingConfigFromJson(const std::string& text, const std::filesystem::path& file)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throwFileError(file, std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object())
        throwFileError(file, "expected a JSON object of training settings");
    rejectUnknown(j, kKeys, file, "");

    TrainingConfig c;
    try {
        c.modelDir = j.value("model", std::string());
        c.tokenizerFile = j.value("tokenizer", std::string());
        c.dataFile = j.value("data", std::string());
        if (j.contains("dataset"))
            c.dataset = datasetFromJson(j["dataset"], file);
        if (j.contains("mode"))
            c.mode = parseTrainingMode(j["mode"].get<std::string>());
        if (j.contains("lora"))
            c.lora = parseAdapterConfigJson(j["lora"].dump(), file);
        setting(j, "max_steps", c.maxSteps, file);
        setting(j, "num_train_epochs", c.epochs, file);
        setting(j, "per_device_train_batch_size", c.batchSize, file);
        setting(j, "gradient_accumulation_steps", c.gradientAccumulation, file);
        setting(j, "shuffle", c.shuffle, file);
        setting(j, "learning_rate", c.learningRate, file);
        setting(j, "weight_decay", c.weightDecay, file);
        setting(j, "adam_beta1", c.beta1, file);
        setting(j, "adam_beta2", c.beta2, file);
        setting(j, "adam_epsilon", c.epsilon, file);
        setting(j, "warmup_steps", c.warmupSteps, file);
        if (j.contains("lr_scheduler_type"))
            c.schedule = parseSchedule(j["lr_scheduler_type"].get<std::string>());
        setting(j, "max_grad_norm", c.maxGradNorm, file);
        setting(j, "eval_steps", c.evalSteps, file);
        setting(j, "eval_batches", c.evalBatches, file);
        setting(j, "validation_fraction", c.validationFraction, file);
        setting(j, "seed", c.seed, file);
        setting(j, "device", c.device, file);
        setting(j, "dtype", c.dtype, file);
        setting(j, "bf16", c.bf16Autocast, file);
        setting(j, "threads", c.threads, file);
        c.outputDir = j.value("output_dir", std::string());
        setting(j, "save_steps", c.saveSteps, file);
        setting(j, "save_total_limit", c.saveTotalLimit, file);
        c.resumeFrom = j.value("resume_from_checkpoint", std::string());
        setting(j, "save_initial_adapter", c.saveInitialAdapter, file);
    } catch (const json::exception& e) {
        throwFileError(file, std::string("a value has the wrong type: ") + e.what());
    } catch (const Error& e) {
        // parseSchedule / parseTrainingMode do not know the file.
        const std::string what = e.what();
        if (what.rfind(file.string(), 0) == 0)
            throw;
        throwFileError(file, what);
    }
    return c;
}

TrainingConfig readTrainingConfig(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throwFileError(file, "cannot be opened");
    std::ostringstream s;
    s << in.rdbuf();
    return trainingConfigFromJson(s.str(), file);
}

}  // namespace lora
