// One LoRA training run with core, timed: core's side of the training-step benchmark. bench/train_step.py does
// the same work with PEFT + transformers; bench/run_train_step.py runs both and compares.
//
// Loads the model folder (fp32) with lora::Model::load, attaches a LoRA adapter as a training run does
// (train::Trainable::lora: PEFT's initialisation, base frozen), then runs `warmup + steps` optimizer steps of
// train::trainStep, the function Trainer::step calls, on the batches in TOKENS (int64 [count, batch, seq],
// cycled), labels = input ids, all-ones attention mask. Only the last `steps` are timed. The thread setting is
// made in the thread that trains, as the trainer does. Prints one JSON line; peak RSS is ru_maxrss, LibTorch's
// start-up and the model load included.
#include "engine/model_impl.h"
#include "lora/device.h"
#include "lora/memory_estimate.h"
#include "lora/model.h"
#include "train/adamw.h"
#include "train/batch_tensors.h"
#include "train/loss.h"
#include "train/train_step.h"
#include "train/trainable.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Args {
    std::string model, tokens, targets;
    int64_t batch = 4, seq = 256;
    int rank = 8;
    double alpha = 16;
    double dropout = 0;  // LoRA dropout
    int threads = 2, warmup = 2, steps = 5;
    bool plainLoss = false;
    bool full = false;  // full fine-tuning (train::Trainable::full) instead of a LoRA adapter
    std::string profile;  // a chrome trace of the timed steps (LibTorch's profiler), for bench/profile_ops.py
};

Args parse(int argc, char** argv)
{
    Args a;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << k << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (k == "--batch") a.batch = std::stoll(value());
        else if (k == "--seq") a.seq = std::stoll(value());
        else if (k == "--targets") a.targets = value();
        else if (k == "--rank") a.rank = std::stoi(value());
        else if (k == "--alpha") a.alpha = std::stod(value());
        else if (k == "--dropout") a.dropout = std::stod(value());
        else if (k == "--threads") a.threads = std::stoi(value());
        else if (k == "--warmup") a.warmup = std::stoi(value());
        else if (k == "--steps") a.steps = std::stoi(value());
        else if (k == "--plain-loss") a.plainLoss = true;
        else if (k == "--full") a.full = true;
        else if (k == "--profile") a.profile = value();
        else positional.push_back(k);
    }
    if (positional.size() != 2 || a.targets.empty()) {
        std::cerr << "usage: bench_train_step MODEL_DIR TOKENS --targets a,b [--batch 4] [--seq 256] [--rank 8]\n"
                     "       [--alpha 16] [--dropout 0] [--threads 2] [--warmup 2] [--steps 5] [--plain-loss]\n"
                     "       [--full] [--profile TRACE.json]\n";
        std::exit(2);
    }
    a.model = positional[0];
    a.tokens = positional[1];
    return a;
}

std::vector<std::string> split(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        out.push_back(item);
    return out;
}

// int64 [count, batch, seq], little-endian, as bench/train_models.py writes it.
torch::Tensor readTokens(const std::string& file, int64_t batch, int64_t seq)
{
    const auto bytes = static_cast<int64_t>(std::filesystem::file_size(file));
    auto ids = torch::empty({bytes / 8 / (batch * seq), batch, seq}, torch::kInt64);
    std::ifstream in(file, std::ios::binary);
    in.read(reinterpret_cast<char*>(ids.data_ptr<int64_t>()), ids.numel() * 8);
    return ids;
}

// --plain-loss: the step as core computed it before train/head_loss.h (full [B, T, vocab] logits, cross_entropy,
// autograd through the head), to measure what the chunked head changes. Same clipping and AdamW.
double plainStep(lora::model::LanguageModel& network, lora::train::AdamW& optimizer,
                 const lora::train::BatchTensors& m)
{
    optimizer.zeroGrad();
    const auto summed = lora::train::summedLoss(network.forward(m.inputIds, m.attentionMask), m);
    const double loss = summed.item<double>() / static_cast<double>(m.lossItems);
    (summed / static_cast<double>(m.lossItems)).backward();
    torch::nn::utils::clip_grad_norm_(optimizer.params(), 1.0);
    optimizer.step(2e-4);
    optimizer.zeroGrad();
    return loss;
}

double rssMb()
{
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

double mb(int64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace

int main(int argc, char** argv)
{
    const Args args = parse(argc, argv);
    lora::setComputeThreads(args.threads);
    const auto ids = readTokens(args.tokens, args.batch, args.seq);
    // LibTorch started and its first CPU kernels run, nothing loaded: the memory estimate's fixed overhead.
    (void)torch::mm(torch::ones({64, 64}), torch::ones({64, 64})).sum().item<float>();
    const double rssStart = rssMb();

    auto model = lora::Model::load(args.model);
    lora::LoraConfig config;
    config.r = args.rank;
    config.alpha = args.alpha;
    config.dropout = args.dropout;
    config.targetModules = split(args.targets);
    torch::manual_seed(42);
    auto trainable = args.full ? lora::train::Trainable::full(*model) : lora::train::Trainable::lora(*model, config, 42);
    trainable->setTraining(true);
    // Core's estimate for this run, printed next to the measured peak (bench/estimate_memory.py compares them).
    lora::MemoryEstimateSettings estimateSettings;
    estimateSettings.mode = args.full ? lora::TrainingMode::Full : lora::TrainingMode::Lora;
    estimateSettings.lora = config;
    estimateSettings.batchSize = args.batch;
    estimateSettings.sequenceLength = args.seq;
    const auto estimate = lora::estimateTrainingMemory(model->description(), estimateSettings);
    lora::train::AdamW optimizer(trainable->tensors(), lora::train::AdamWOptions{0.9, 0.999, 1e-8, 0.01});
    auto& network = *model->impl().network;
    const double rssLoaded = rssMb();

    std::vector<double> times, losses;
    std::unique_ptr<torch::autograd::profiler::RecordProfile> profiler;
    for (int step = 0; step < args.warmup + args.steps; ++step) {
        if (step == args.warmup && !args.profile.empty())
            profiler = std::make_unique<torch::autograd::profiler::RecordProfile>(args.profile);
        const auto batch = ids[step % ids.size(0)];
        const auto t0 = std::chrono::steady_clock::now();
        // What toTensors() makes of an unpadded batch whose every token is learned.
        lora::train::BatchTensors m;
        m.inputIds = batch;
        m.attentionMask = torch::ones_like(batch);
        m.labels = batch;
        m.realTokens = args.batch * args.seq;
        m.lossItems = args.batch * (args.seq - 1);
        double loss = 0;
        if (args.plainLoss) {
            loss = plainStep(network, optimizer, m);
        } else {
            const auto result = lora::train::trainStep(network, optimizer, {m},
                                                       lora::train::StepSettings{2e-4, 1.0, false, step + 1});
            if (result.error) {
                std::cerr << *result.error << "\n";
                return 1;
            }
            loss = result.loss;
        }
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        losses.push_back(loss);
    }

    profiler.reset();  // writes the trace

    double timed = 0;
    std::ostringstream stepList, lossList;
    lossList.precision(9);
    for (size_t i = static_cast<size_t>(args.warmup); i < times.size(); ++i) {
        timed += times[i];
        stepList << (i > static_cast<size_t>(args.warmup) ? ", " : "") << times[i];
    }
    for (size_t i = 0; i < losses.size(); ++i)
        lossList << (i ? ", " : "") << losses[i];
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::cout.precision(10);
    std::cout << "{\"side\": \"" << (args.plainLoss ? "core-plain-loss" : args.full ? "core-full" : "core") << "\", \"tokens_per_s\": "
              << static_cast<double>(args.steps * args.batch * args.seq) / timed << ", \"step_s\": [" << stepList.str()
              << "], \"peak_rss_mb\": " << static_cast<double>(usage.ru_maxrss) / 1024
              << ", \"rss_start_mb\": " << rssStart << ", \"rss_after_load_mb\": " << rssLoaded << ", \"estimate_mb\": {\"total\": " << mb(estimate.total()) << ", \"weights\": " << mb(estimate.weights)
              << ", \"lora\": " << mb(estimate.loraParameters) << ", \"gradients\": " << mb(estimate.gradients)
              << ", \"optimizer\": " << mb(estimate.optimizerStates) << ", \"activations\": " << mb(estimate.activations)
              << ", \"loss_head\": " << mb(estimate.lossHead) << ", \"fixed\": " << mb(estimate.fixedOverhead)
              << "}, \"trainable\": " << trainable->parameterCount()
              << ", \"threads\": " << at::get_num_threads() << ", \"losses\": [" << lossList.str() << "]}"
              << std::endl;
    return 0;
}
