#include "train/checkpoint.h"

#include "common/json_integer.h"
#include "engine/tensor_io.h"
#include "lora/atomic_file.h"
#include "lora/error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace lora::train {

using json = nlohmann::json;

namespace {

constexpr int kFormatVersion = 1;
constexpr const char* kStateFile = "trainer_state.json";

std::string folderName(int64_t step)
{
    char name[32];
    std::snprintf(name, sizeof name, "step-%06lld", static_cast<long long>(step));
    return name;
}

std::string hex(uint64_t v)
{
    char s[32];
    std::snprintf(s, sizeof s, "%016llx", static_cast<unsigned long long>(v));
    return s;
}

json readJson(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throwFileError(file, "cannot be opened (an incomplete or foreign checkpoint folder?)");
    std::ostringstream s;
    s << in.rdbuf();
    try {
        return json::parse(s.str());
    } catch (const json::exception& e) {
        throwFileError(file, std::string("not valid JSON: ") + e.what());
    }
}

bool isCuda(const torch::Device& device) { return device.is_cuda(); }

at::Generator defaultGenerator(const torch::Device& device)
{
    return at::globalContext().defaultGenerator(device);
}

}  // namespace

std::filesystem::path writeCheckpoint(const std::filesystem::path& checkpointsDir, const TrainerState& state,
                                      const Trainable& trainable, const AdamW& optimizer, const TrainingConfig& config,
                                      const torch::Device& device)
{
    const auto name = folderName(state.step);
    const auto final = checkpointsDir / name;
    const auto temp = checkpointsDir / ("." + name + ".partial");
    std::error_code ec;
    std::filesystem::remove_all(temp, ec);
    std::filesystem::create_directories(temp, ec);
    if (ec)
        throwFileError(temp, "cannot create the checkpoint folder: " + ec.message());

    // A failed write (a full disk) must not leave a half checkpoint behind: the previous ones stay the way back.
    struct RemoveUnlessMoved {
        const std::filesystem::path& dir;
        ~RemoveUnlessMoved()
        {
            std::error_code ignored;
            std::filesystem::remove_all(dir, ignored);
        }
    } cleanup{temp};

    torch::NoGradGuard noGrad;
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    std::vector<std::pair<std::string, torch::Tensor>> moments;
    json steps = json::object();
    const auto& named = trainable.named();
    for (size_t i = 0; i < named.size(); ++i) {
        tensors.emplace_back(named[i].first, named[i].second.detach());
        const auto& s = optimizer.state()[i];
        steps[named[i].first] = s.step;
        if (s.expAvg.defined()) {
            moments.emplace_back(named[i].first + ".exp_avg", s.expAvg);
            moments.emplace_back(named[i].first + ".exp_avg_sq", s.expAvgSq);
        }
    }
    writeTensors(temp / "trainable.safetensors", tensors, {{"format", "pt"}});
    writeTensors(temp / "optimizer.safetensors", moments, {{"format", "pt"}});

    std::vector<std::pair<std::string, torch::Tensor>> rng;
    rng.emplace_back("cpu", at::detail::getDefaultCPUGenerator().get_state());
    if (isCuda(device))
        rng.emplace_back("cuda", defaultGenerator(device).get_state());
    writeTensors(temp / "rng.safetensors", rng, {});

    if (trainable.mode() == TrainingMode::Lora)
        trainable.save(temp / "adapter");

    json j;
    j["format_version"] = kFormatVersion;
    j["step"] = state.step;
    j["tokens"] = state.tokens;
    j["data_epoch"] = state.data.epoch;
    j["data_batch"] = state.data.batch;
    j["data_fingerprint"] = hex(state.dataFingerprint);
    j["elapsed_seconds"] = state.elapsedSeconds;
    j["last_loss"] = state.lastLoss;
    j["optimizer_steps"] = steps;
    j["config"] = json::parse(trainingConfigToJson(config));
    writeFileAtomically(temp / kStateFile, j.dump(2) + "\n");

    // Replace an older checkpoint of the same step (a resumed run that stops where it started).
    std::filesystem::remove_all(final, ec);
    std::filesystem::rename(temp, final, ec);
    if (ec)
        throwFileError(final, "cannot move the finished checkpoint into place: " + ec.message());
    return final;
}

TrainerState readTrainerState(const std::filesystem::path& dir)
{
    const auto file = dir / kStateFile;
    const auto j = readJson(file);
    try {
        if (jsonInteger<int>(j.at("format_version")) != kFormatVersion)
            throwFileError(file, "was written by another version of LoRA Studio's trainer");
        const auto count = [&](const char* key) {
            const auto n = jsonInteger<int64_t>(j.at(key));
            if (!n || *n < 0)
                throwFileError(file, std::string("\"") + key + "\" must be a count, got " + j.at(key).dump());
            return *n;
        };
        TrainerState s;
        s.step = count("step");
        s.tokens = count("tokens");
        s.data.epoch = static_cast<uint64_t>(count("data_epoch"));
        s.data.batch = static_cast<uint64_t>(count("data_batch"));
        s.dataFingerprint = std::stoull(j.at("data_fingerprint").get<std::string>(), nullptr, 16);
        s.elapsedSeconds = j.at("elapsed_seconds").get<double>();
        s.lastLoss = j.at("last_loss").get<double>();
        return s;
    } catch (const json::exception& e) {
        throwFileError(file, std::string("is missing a value or has one of the wrong type: ") + e.what());
    } catch (const std::logic_error&) {
        throwFileError(file, "\"data_fingerprint\" is not a hexadecimal number");
    }
}

TrainerState restoreCheckpoint(const std::filesystem::path& dir, Trainable& trainable, AdamW& optimizer,
                               const torch::Device& device)
{
    const auto state = readTrainerState(dir);
    const auto stateJson = readJson(dir / kStateFile);
    const auto source = dir.string();
    const auto tensors = readAllTensors(dir / "trainable.safetensors");
    trainable.load(tensors, source);

    const auto moments = readAllTensors(dir / "optimizer.safetensors");
    const auto& steps = stateJson.at("optimizer_steps");
    const auto& named = trainable.named();
    for (size_t i = 0; i < named.size(); ++i) {
        const auto& name = named[i].first;
        auto& s = optimizer.state()[i];
        if (!steps.contains(name))
            throwFileError(dir / kStateFile, "has no optimizer step for '" + name + "'");
        const auto step = jsonInteger<int64_t>(steps[name]);
        if (!step || *step < 0)
            throwFileError(dir / kStateFile, "has an optimizer step for '" + name + "' that is not a count");
        s.step = *step;
        const auto avg = moments.find(name + ".exp_avg");
        const auto avgSq = moments.find(name + ".exp_avg_sq");
        if (avg == moments.end() || avgSq == moments.end()) {
            if (s.step != 0)
                throwFileError(dir / "optimizer.safetensors", "has no moments for '" + name + "'");
            s.expAvg = torch::Tensor();
            s.expAvgSq = torch::Tensor();
            continue;
        }
        const auto& p = named[i].second;
        s.expAvg = avg->second.to(p.device(), p.scalar_type()).contiguous();
        s.expAvgSq = avgSq->second.to(p.device(), p.scalar_type()).contiguous();
    }

    const auto rng = readAllTensors(dir / "rng.safetensors");
    const auto cpu = rng.find("cpu");
    if (cpu == rng.end())
        throwFileError(dir / "rng.safetensors", "has no \"cpu\" generator state");
    {
        auto gen = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(gen.mutex());
        gen.set_state(cpu->second);
    }
    if (isCuda(device)) {
        const auto cuda = rng.find("cuda");
        if (cuda != rng.end()) {
            auto gen = defaultGenerator(device);
            std::lock_guard<std::mutex> lock(gen.mutex());
            gen.set_state(cuda->second);
        }
    }
    return state;
}

void pruneCheckpoints(const std::filesystem::path& checkpointsDir, int64_t keep)
{
    if (keep <= 0)
        return;
    std::vector<std::filesystem::path> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(checkpointsDir, ec)) {
        const auto name = entry.path().filename().string();
        if (entry.is_directory() && name.rfind("step-", 0) == 0 && name.size() > 5 &&
            name.find_first_not_of("0123456789", 5) == std::string::npos &&
            std::filesystem::exists(entry.path() / kStateFile))
            found.push_back(entry.path());
    }
    // By step number: names are zero-padded to 6 digits, but a longer run has longer names.
    const auto stepOf = [](const std::filesystem::path& p) { return std::stoll(p.filename().string().substr(5)); };
    std::sort(found.begin(), found.end(), [&](const auto& a, const auto& b) { return stepOf(a) < stepOf(b); });
    for (size_t i = 0; i + static_cast<size_t>(keep) < found.size(); ++i)
        std::filesystem::remove_all(found[i], ec);
}

}  // namespace lora::train

namespace lora {

TrainingConfig readCheckpointConfig(const std::filesystem::path& dir)
{
    const auto file = dir / train::kStateFile;
    const auto j = train::readJson(file);
    if (!j.contains("config"))
        throwFileError(file, "has no \"config\"");
    return trainingConfigFromJson(j["config"].dump(), file);
}

}  // namespace lora
