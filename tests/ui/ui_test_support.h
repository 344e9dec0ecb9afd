#pragma once
// Shared by the UI tests that drive the whole window: settings and run folders kept out of the user's, the
// fixture model and a dataset loaded as a user would load them, and an event-loop probe on the GUI thread.
#include "data/data_page.h"
#include "main_window.h"
#include "model_page.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTimer>
#include <QtTest>

namespace uitest {

inline const QString kModels = QStringLiteral(LORA_FIXTURES_DIR "/models");
inline const QString kTrainModel = kModels + "/llama_train";  // its vocabulary fits its tokenizer.json
// An instruction dataset in the bundled moods format (instruction/input/output), written into `dir`, short
// enough for the fixture model's 128 positions (the bundled stories are longer).
inline QString writeInstructionDataset(const QString& dir)
{
    const QString path = dir + "/instructions.jsonl";
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    const char* names[] = {"Tom", "Mia", "Ben", "Ava"};
    for (int i = 0; i < 240; ++i) {
        const bool happy = i % 2 == 0;
        file.write(QStringLiteral("{\"instruction\": \"Was it a happy day or a sad day?\", \"input\": \"%1 played in "
                                  "the park on day %2 and was %3.\", \"output\": \"It was a %4 day.\"}\n")
                       .arg(names[i % 4]).arg(i).arg(happy ? "glad" : "lonely", happy ? "happy" : "sad")
                       .toUtf8());
    }
    return path;
}

// QSettings and AppDataLocation (where runs go) inside `dir`.
inline void isolate(const QString& dir)
{
    qputenv("XDG_CONFIG_HOME", (dir + "/config").toUtf8());
    qputenv("XDG_DATA_HOME", (dir + "/data").toUtf8());
    QCoreApplication::setOrganizationName("LoRA Studio Tests");
    QCoreApplication::setApplicationName("LoRA Studio Tests");
}

// Opens the model folder as File → Open Model Folder does; true once it loaded.
inline bool openModel(MainWindow& w, const QString& folder)
{
    QSignalSpy loaded(w.modelPage(), &ModelPage::modelLoaded);
    w.openModelFolder(folder);
    return loaded.wait(60000);
}

// Opens the dataset as the Data page's Open button does; true once it loaded with the current tokenizer.
inline bool openDataset(MainWindow& w, const QString& file)
{
    QSignalSpy loaded(w.dataPage(), &DataPage::datasetLoaded);
    w.openDatasetFile(file);
    return loaded.wait(60000) || (w.dataPage()->dataset() && !w.dataPage()->isLoading());
}

// Counts how often the GUI thread's event loop gets round to a 5 ms timer, and the longest gap between two ticks.
class EventLoopProbe {
public:
    EventLoopProbe()
    {
        timer_.setInterval(5);
        QObject::connect(&timer_, &QTimer::timeout, [this] {
            const qint64 now = clock_.nsecsElapsed();
            maxGapNs_ = std::max(maxGapNs_, now - last_);
            last_ = now;
            ++ticks_;
        });
        clock_.start();
        last_ = 0;
        timer_.start();
    }
    int ticks() const { return ticks_; }
    double maxGapMs() const { return maxGapNs_ / 1e6; }
    double elapsedMs() const { return clock_.nsecsElapsed() / 1e6; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = 0;
    qint64 maxGapNs_ = 0;
    int ticks_ = 0;
};

}  // namespace uitest
