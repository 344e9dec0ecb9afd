#pragma once
// Each training term explained where it is set or shown: the Train page teaches as it is used.
#include <QObject>
#include <QString>

namespace trainTip {
inline QString steps() { return QObject::tr("<b>Steps</b>: optimizer updates to make. Each step reads one batch, computes the loss, and moves the adapter's weights a little against its gradient."); }
inline QString batch() { return QObject::tr("<b>Batch size</b>: examples per step. Larger batches give smoother gradients and use more memory; the loss is averaged over every learned token of the batch."); }
inline QString lr() { return QObject::tr("<b>Learning rate</b>: how far each step moves the weights (AdamW). LoRA tolerates higher rates than full fine-tuning (1e-4 to 1e-2); too high makes the loss jump or diverge."); }
inline QString schedule() { return QObject::tr("<b>Schedule</b>: how the learning rate changes over the run. Constant keeps it; linear decays it to zero at the last step; cosine decays it along a half cosine. All start after the warmup."); }
inline QString warmup() { return QObject::tr("<b>Warmup steps</b>: the learning rate rises linearly from 0 over these first steps, so the freshly initialised adapter is not shaken by large early updates."); }
inline QString weightDecay() { return QObject::tr("<b>Weight decay</b>: AdamW shrinks every trained weight by lr × decay each step, a gentle pull towards zero that curbs overfitting."); }
inline QString evalEvery() { return QObject::tr("<b>Evaluate every</b>: measure the loss on the validation split every N steps (and at the end). 0 evaluates only at the end. A validation loss rising while the training loss falls means memorising."); }
inline QString validation() { return QObject::tr("<b>Validation fraction</b>: the share of examples held out of training to measure the validation loss. Shared with the Data page's split."); }
inline QString seed() { return QObject::tr("<b>Seed</b>: fixes the adapter's initial weights, the train/validation split, the shuffling and the dropout, so a run can be repeated exactly."); }
inline QString output() { return QObject::tr("<b>Output folder</b>: where the adapter (a PEFT folder: adapter_config.json + adapter_model.safetensors) and checkpoints are written. Empty (automatic): a new folder runs/&lt;date-time&gt; in LoRA Studio's data folder."); }
inline QString loss() { return QObject::tr("<b>Loss</b>: cross-entropy of the next token, averaged over the learned tokens. The raw line is each step's batch; the smoothed line is its moving average; dots are the validation loss on held-out examples."); }
inline QString gradNorm() { return QObject::tr("<b>Gradient norm</b>: the size of the gradient of all trained weights before clipping (to 1.0). Spikes warn of a learning rate that is too high."); }
inline QString speed() { return QObject::tr("<b>Tokens/s</b>: real (non-padding) tokens trained on per second since Start, pauses excluded."); }
}  // namespace trainTip
