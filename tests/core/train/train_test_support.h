#pragma once
// Shared by the training tests: a small JSONL dataset written into a temporary folder, and a run on the
// gpt2_train fixture (a tiny GPT-2 whose vocabulary fits the gpt2_bytelevel fixture tokenizer it carries).
#include "lora/training.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <string>

namespace lora::test {

inline std::filesystem::path fixtureModel(const std::string& name)
{
    return std::filesystem::path(LORA_FIXTURES_DIR) / "models" / name;
}

inline std::filesystem::path tempPath(const QTemporaryDir& dir) { return dir.path().toStdString(); }

// `rows` {"text": ...} lines with varied lengths, so batches need padding.
inline std::filesystem::path writeTextRows(const std::filesystem::path& dir, int rows)
{
    static const char* words[] = {"the", "adapter", "learns", "a", "low", "rank", "update", "of", "each",
                                  "projection", "while", "base", "weights", "stay", "frozen", "during", "training"};
    const auto file = dir / "train.jsonl";
    std::ofstream out(file, std::ios::binary);
    for (int r = 0; r < rows; ++r) {
        std::string text;
        for (int w = 0; w < 4 + (r * 5) % 9; ++w)
            text += std::string(w ? " " : "") + words[(r * 7 + w * 3) % 17];
        out << "{\"text\": \"" << text << "\"}\n";
    }
    return file;
}

// A short deterministic LoRA run: c_attn rank 4, constant learning rate, checkpoints off.
inline TrainingConfig smallRun(const std::filesystem::path& data, const std::filesystem::path& out)
{
    TrainingConfig c;
    c.modelDir = fixtureModel("gpt2_train");
    c.dataFile = data;
    c.outputDir = out;
    c.lora.targetModules = {"c_attn"};
    c.lora.r = 4;
    c.lora.alpha = 8;
    c.maxSteps = 12;
    c.batchSize = 2;
    c.learningRate = 1e-2;
    c.schedule = LearningRateSchedule::Constant;
    c.seed = 7;
    c.threads = 1;
    return c;
}

}  // namespace lora::test
