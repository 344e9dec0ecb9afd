#pragma once
// The Inside-the-adapter page's computations, run on a pool thread (QtConcurrent) so the GUI thread never waits on
// torch. Each takes what it needs by value, catches core's errors and hands back plain results for the page.
#include "lora/analysis.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace lora {
class Model;
}

struct SpectraOutcome {
    QString error;
    QString folder;  // the adapter folder, or the run folder replayed
    bool replay = false;
    std::vector<lora::AdapterSpectra> frames;  // one per checkpoint (oldest first), or the one adapter
    std::vector<QString> frameFolders;         // the folder each frame was read from
};
// `folder` is a PEFT adapter folder, a checkpoint, or a run's output folder (every checkpoint is replayed).
SpectraOutcome computeSpectra(std::shared_ptr<lora::Model> model, QString folder, lora::SpectrumOptions options);

struct MatricesOutcome {
    QString error;
    QString module;
    int rank = 0;
    lora::ModuleMatrices matrices;
};
MatricesOutcome computeMatrices(std::shared_ptr<lora::Model> model, QString folder, QString module, int maxSide);

struct SimilarityOutcome {
    QString error;
    QStringList commonModules;  // both adapters adapt these
    lora::SubspaceSimilarity phi;  // for `module` (the first common one when it was empty)
};
SimilarityOutcome computeSimilarity(std::shared_ptr<lora::Model> model, QString first, QString second,
                                    QString module);
