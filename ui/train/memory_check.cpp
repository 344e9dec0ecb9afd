#include "train/memory_check.h"

#include "lora/error.h"
#include "lora/memory_estimate.h"

#include <QCoreApplication>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("MemoryCheck", text); }
QString mem(int64_t bytes) { return QString::fromStdString(lora::formatMemory(bytes)); }

}  // namespace

MemoryCheck checkTrainingMemory(const lora::ModelDescription& model, const lora::TrainingConfig& config,
                                int64_t sequenceLength, int64_t available)
{
    MemoryCheck check;
    check.available = available;
    lora::MemoryEstimateSettings s;
    s.mode = config.mode;
    s.lora = config.lora;
    s.batchSize = config.batchSize;
    s.sequenceLength = sequenceLength;
    s.dtype = config.dtype;
    s.device = config.device;
    lora::MemoryEstimate e;
    try {
        e = lora::estimateTrainingMemory(model, s);
    } catch (const lora::Error& error) {
        check.summary = tr("Memory estimate unavailable: %1").arg(QString::fromStdString(error.what()));
        return check;
    }
    check.needed = e.total();
    check.summary = available > 0 ? tr("Estimated memory: %1 of %2 available").arg(mem(e.total()), mem(available))
                                  : tr("Estimated memory: %1").arg(mem(e.total()));
    const bool full = config.mode == lora::TrainingMode::Full;
    QString rows;
    auto row = [&rows](const QString& name, int64_t bytes, const QString& why) {
        rows += QStringLiteral("<tr><td>%1</td><td align=right>&nbsp;%2&nbsp;</td><td><i>%3</i></td></tr>")
                    .arg(name, mem(bytes), why);
    };
    row(tr("Model weights"), e.weights, tr("the base model in %1").arg(QString::fromStdString(config.dtype)));
    if (!full)
        row(tr("LoRA parameters"), e.loraParameters, tr("A and B of every adapted module"));
    row(tr("Gradients"), e.gradients, full ? tr("one per weight: every weight trains") : tr("one per LoRA parameter"));
    row(tr("AdamW state"), e.optimizerStates, tr("two running averages per trained parameter"));
    row(tr("Activations"), e.activations,
        tr("what the forward pass keeps for backward: grows with batch size (%1) × sequence length (%2)")
            .arg(config.batchSize).arg(sequenceLength));
    row(tr("Loss head"), e.lossHead, full ? tr("the full logits over the vocabulary") : tr("logits, a chunk at a time"));
    row(tr("Fixed overhead"), e.fixedOverhead, tr("LibTorch itself (the CUDA context on a GPU)"));
    check.breakdown = tr("<b>Training memory, estimated before the run</b> (%1 training, %2 trainable parameters):"
                         "<table>%3</table><b>Total: %4</b>. A smaller batch size or shorter examples (Data page: "
                         "max length / block size) shrink the activations.")
                          .arg(full ? tr("full") : tr("LoRA"))
                          .arg(e.trainableParameters)
                          .arg(rows, mem(e.total()));
    return check;
}
