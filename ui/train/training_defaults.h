#pragma once
// What the GUI starts with: the bundled base model and dataset, and the training settings a model folder
// recommends in its lora_defaults.json (resources/models/studio-llama-2m has one), so that the first click on
// Train just works. QSettings (the user's last choices) win over these.
#include <QString>
#include <QStringList>

struct TrainingDefaults {
    // lora_defaults.json's keys; a key the file lacks keeps the value below.
    QStringList targetModules;  // "target_modules"; empty: keep the Adapter page's preset
    int r = 8;                  // "r"
    double loraAlpha = 16;      // "lora_alpha"
    double loraDropout = 0.05;  // "lora_dropout"
    double learningRate = 2e-4; // "learning_rate"
    double weightDecay = 0.01;  // "weight_decay"
    int steps = 60;             // "steps"
    int batchSize = 8;          // "batch_size"
    int blockSize = 128;        // "block_size"
    int maxLength = 256;        // "max_length"
    int warmupSteps = 0;        // "warmup_steps"
    QString schedule = QStringLiteral("linear");  // "schedule": constant, linear, cosine
    int evalEvery = 20;         // "eval_every"
    double validationFraction = 0.1;  // "validation_fraction"
    quint64 seed = 42;          // "seed"

    QString file;   // the file read; empty when none was found
    QString error;  // why it could not be read (the values above are then the built-in ones)
};

// Reads <modelFolder>/lora_defaults.json. A missing file is not an error (file stays empty).
TrainingDefaults readTrainingDefaults(const QString& modelFolder);

// LORA_SOURCE_DIR/resources/models/studio-llama-2m and LORA_SOURCE_DIR/datasets/moods/moods.jsonl.
QString bundledModelFolder();
QString bundledDefaultDataset();

// <AppDataLocation>/runs/<yyyyMMdd-HHmmss>: where a run's adapter and checkpoints go unless the user says.
QString defaultRunFolder();
