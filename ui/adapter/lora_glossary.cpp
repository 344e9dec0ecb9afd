#include "adapter/lora_glossary.h"

#include <QCoreApplication>

namespace glossary {
namespace {
QString tr(const char* text) { return QCoreApplication::translate("LoraGlossary", text); }
}  // namespace

QString rank()
{
    return tr("<b>Rank r</b>: the inner size of the learned update ΔW = B·A, with B of d×r and A of r×k. A higher "
              "rank can express richer changes but trains more parameters; 4 to 16 is typical.");
}
QString alpha()
{
    return tr("<b>Alpha (lora_alpha)</b>: scales the update — the layer adds (α/r)·B·A·x. A larger α makes the "
              "adapter's effect stronger, much like a larger learning rate for it; α = 2r is a common choice.");
}
QString scaling()
{
    return tr("<b>Scaling</b>: the factor the adapter's output is multiplied by, α/r (α/√r with rsLoRA). It keeps "
              "the update's size comparable when you change r.");
}
QString dropout()
{
    return tr("<b>Dropout (lora_dropout)</b>: randomly zeroes the adapter branch's inputs while training (never "
              "when generating), which reduces overfitting on small datasets.");
}
QString rslora()
{
    return tr("<b>rsLoRA</b> (rank-stabilised LoRA, Kalajdzievski 2023): scales by α/√r instead of α/r. With α/r "
              "the update shrinks as r grows, so high ranks learn little; α/√r lets them learn.");
}
QString dora()
{
    return tr("<b>DoRA</b> (weight-decomposed LoRA, Liu et al. 2024): splits each weight into a magnitude per output "
              "and a direction; the magnitude is trained directly (d extra parameters per module) and the "
              "direction through LoRA. Often better at low rank, somewhat slower.");
}
QString init()
{
    return tr("<b>Initialisation</b> of A and B. Default: A random (Kaiming-uniform), B zero, so B·A = 0 and "
              "training starts exactly from the base model. Gaussian: A drawn from a normal distribution with "
              "standard deviation 1/r, B zero.");
}
QString targetModules()
{
    return tr("<b>Target modules</b>: the linear layers that get an adapter (PEFT's target_modules). The LoRA paper "
              "adapted only the attention's query and value projections; adapting every linear layer usually "
              "learns more, at a higher cost.");
}
QString layers()
{
    return tr("<b>Layers</b>: the transformer blocks, numbered from the input. Later blocks hold more task-specific "
              "features, so adapting only the last N is cheaper and often nearly as good.");
}
QString regex()
{
    return tr("<b>Target regex</b> (for experts): a Python regular expression that must match a module's whole "
              "name, e.g. <tt>.*\\.(q|v)_proj</tt> or <tt>model\\.layers\\.[0-3]\\..*</tt>; <tt>all-linear</tt> "
              "means every linear layer except the output head. While it is filled it replaces the grid.");
}
QString trainable()
{
    return tr("<b>Trainable parameters</b>: r·(d + k) per adapted module (its A and B), plus d with DoRA, plus any "
              "module trained whole (a classifier head). The percentage is of all parameters, as PEFT prints it.");
}
QString adapterSize()
{
    return tr("<b>Adapter size</b>: the saved adapter file, trainable parameters × 4 bytes (float32). The base "
              "model is not copied: the adapter is applied on top of it.");
}
QString memory()
{
    return tr("<b>Training memory (estimate)</b>, float32 with AdamW: all weights + gradients and two AdamW moments "
              "for the trainable parameters + activations ≈ batch × sequence × hidden × layers × 17 values, plus "
              "the logits and their gradient. LoRA saves the gradients and optimizer state of the frozen weights, "
              "not the activations.");
}
}  // namespace glossary
