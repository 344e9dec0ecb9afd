#include "train/training_defaults.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

TrainingDefaults readTrainingDefaults(const QString& modelFolder)
{
    TrainingDefaults d;
    QFile file(QDir(modelFolder).filePath(QStringLiteral("lora_defaults.json")));
    if (!file.exists())
        return d;
    d.file = file.fileName();
    if (!file.open(QIODevice::ReadOnly)) {
        d.error = QObject::tr("%1: cannot be read (%2)").arg(d.file, file.errorString());
        return d;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject()) {
        d.error = QObject::tr("%1: not a JSON object (%2)").arg(d.file, parseError.errorString());
        return d;
    }
    const QJsonObject o = doc.object();
    // Unknown keys are for other tools (and for whoever adds settings later): ignored.
    auto number = [&o](const char* key, auto& value) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isDouble())
            value = static_cast<std::remove_reference_t<decltype(value)>>(v.toDouble());
    };
    const QJsonValue targets = o.value(QLatin1String("target_modules"));
    if (targets.isArray()) {
        for (const QJsonValue& t : targets.toArray())
            if (t.isString())
                d.targetModules << t.toString();
    } else if (targets.isString()) {
        d.targetModules << targets.toString();
    }
    number("r", d.r);
    number("lora_alpha", d.loraAlpha);
    number("lora_dropout", d.loraDropout);
    number("learning_rate", d.learningRate);
    number("weight_decay", d.weightDecay);
    number("steps", d.steps);
    number("batch_size", d.batchSize);
    number("block_size", d.blockSize);
    number("max_length", d.maxLength);
    number("warmup_steps", d.warmupSteps);
    number("eval_every", d.evalEvery);
    number("validation_fraction", d.validationFraction);
    number("seed", d.seed);
    if (o.value(QLatin1String("schedule")).isString())
        d.schedule = o.value(QLatin1String("schedule")).toString();
    return d;
}

QString bundledModelFolder() { return QDir::cleanPath(QStringLiteral(LORA_SOURCE_DIR "/resources/models/studio-llama-2m")); }

QString bundledDefaultDataset() { return QDir::cleanPath(QStringLiteral(LORA_SOURCE_DIR "/datasets/moods/moods.jsonl")); }

QString defaultRunFolder()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(base).filePath(QStringLiteral("runs/") +
                               QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
}
