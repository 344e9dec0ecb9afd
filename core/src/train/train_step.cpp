#include "train/train_step.h"

#include "adapter/lora_branch.h"
#include "train/autocast_scope.h"
#include "train/head_loss.h"
#include "train/loss.h"
#include "train/out_of_memory.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace lora::train {

namespace {

// The global 2-norm of all gradients, as clip_grad_norm_ computes it, without clipping.
double gradientNorm(const std::vector<torch::Tensor>& params)
{
    std::vector<torch::Tensor> norms;
    for (const auto& p : params)
        if (p.grad().defined())
            norms.push_back(p.grad().norm(2));
    if (norms.empty())
        return 0.0;
    return torch::stack(norms).norm(2).item<double>();
}

std::string number(double v)
{
    if (std::isnan(v))
        return "NaN";  // printf would say "-nan" for some NaNs, which reads like a bug in the message
    char s[32];
    std::snprintf(s, sizeof s, "%g", v);
    return s;
}

std::string nonFiniteLoss(const std::string& stepName, double value)
{
    return stepName + ": the training loss is " + number(value) +
           "; training stopped before this step changed any weight (a learning rate too high for the model, or "
           "data the model cannot represent?).";
}

// The chunked head loss (train/head_loss.h) applies when the LM head is a plain frozen projection: no LoRA
// branch on it, no bias, not trained (full fine-tuning needs its weight gradient), nn.Linear layout, and no
// autocast (which would change the head's dtype). Anything else takes the plain logits path.
model::LinearImpl* chunkableHead(model::LanguageModel& network, const BatchTensors& batch, bool autocast)
{
    auto* head = network.outputHead();
    if (!head || autocast || !batch.labels.defined() || head->lora() || head->hasBias() || head->fanInFanOut() ||
        head->weight.requires_grad())
        return nullptr;
    return head;
}

}  // namespace

StepResult trainStep(model::LanguageModel& network, AdamW& optimizer, const std::vector<BatchTensors>& micro,
                     const StepSettings& settings)
{
    int64_t items = settings.globalLossItems;
    if (!settings.allReduce)
        for (const auto& m : micro)
            items += m.lossItems;
    const double divisor = static_cast<double>(std::max<int64_t>(1, items));
    const std::string stepName = "step " + std::to_string(settings.stepNumber);

    StepResult result;
    double lossSum = 0;
    double norm = 0;
    const auto& params = optimizer.params();
    const auto outOfMemory = [&](const std::exception& e) {
        optimizer.zeroGrad();  // gives back what the partial backward held
        result.error = stepName + ": out of memory (" + outOfMemoryLine(e) +
                       "); training stopped before this step changed any weight.";
        result.outOfMemory = true;
    };
    try {
        optimizer.zeroGrad();
        for (const auto& m : micro) {
            if (m.inputIds.size(0) == 0)
                continue;  // a data-parallel rank's share of a short last batch: it still joins the all-reduce
            // Either the hidden states and their gradient (chunked head), or the summed loss to backpropagate.
            torch::Tensor hidden, hiddenGrad, summed;
            double value = 0;
            if (auto* head = chunkableHead(network, m, settings.bf16Autocast)) {
                hidden = network.forwardHidden(m.inputIds, m.attentionMask);
                auto loss = causalLmHeadLoss(hidden, head->weight, m.labels, 1.0 / divisor, /*withGrad=*/true);
                value = loss.summed.item<double>();
                hiddenGrad = std::move(loss.hiddenGrad);
            } else {
                {
                    AutocastScope autocast(settings.bf16Autocast);
                    summed = summedLoss(network.forward(m.inputIds, m.attentionMask), m);
                }
                value = summed.item<double>();
            }
            if (!std::isfinite(value)) {
                result.error = nonFiniteLoss(stepName, value);
                if (!settings.allReduce)
                    return result;
                lossSum += value;  // the other ranks wait for this one: the summed loss carries the problem to them
                continue;
            }
            if (hidden.defined()) {
                if (hidden.requires_grad())  // false only when nothing below the head is trained
                    hidden.backward(hiddenGrad);
            } else {
                (summed / divisor).backward();
            }
            lossSum += value;
        }
    } catch (const std::exception& e) {
        if (!isOutOfMemory(e))
            throw;
        outOfMemory(e);
        if (!settings.allReduce)
            return result;
        // Data-parallel: the other ranks wait at this step's all-reduce; a NaN loss joins it so every rank
        // stops at the same step instead of waiting for the process group's timeout.
        lossSum = std::numeric_limits<double>::quiet_NaN();
    }
    try {
        if (settings.allReduce) {
            lossSum = settings.allReduce(params, lossSum);
            if (result.outOfMemory)
                return result;
            if (!std::isfinite(lossSum)) {
                result.error = nonFiniteLoss(stepName, lossSum);
                return result;
            }
        }
        norm = settings.maxGradNorm > 0 ? torch::nn::utils::clip_grad_norm_(params, settings.maxGradNorm)
                                        : gradientNorm(params);
    } catch (const std::exception& e) {
        if (!isOutOfMemory(e))
            throw;
        outOfMemory(e);
        return result;
    }
    if (!std::isfinite(norm)) {
        result.error = stepName + ": the gradient norm is " + number(norm) +
                       "; training stopped before this step changed any weight.";
        return result;
    }
    optimizer.step(settings.learningRate);
    optimizer.zeroGrad();  // frees the gradients' memory between steps
    result.loss = lossSum / divisor;
    result.gradNorm = norm;
    return result;
}

double summedLossNoGrad(model::LanguageModel& network, const BatchTensors& batch, bool bf16Autocast)
{
    torch::NoGradGuard noGrad;  // thread-local: this is the training thread
    if (auto* head = chunkableHead(network, batch, bf16Autocast)) {
        const auto hidden = network.forwardHidden(batch.inputIds, batch.attentionMask);
        return causalLmHeadLoss(hidden, head->weight, batch.labels, 1.0, /*withGrad=*/false).summed.item<double>();
    }
    AutocastScope autocast(bf16Autocast);
    return summedLoss(network.forward(batch.inputIds, batch.attentionMask), batch).item<double>();
}

}  // namespace lora::train
