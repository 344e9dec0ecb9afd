// transformers' learning-rate lambdas (optimization.py), so a schedule here and there give the same rates.
#include "lora/training.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace lora {

double learningRateFactor(LearningRateSchedule schedule, int64_t step, int64_t warmupSteps, int64_t totalSteps)
{
    // _get_*_schedule_with_warmup_lr_lambda: linear warmup from 0 over warmupSteps, max(1, .) guards zero.
    if (step < warmupSteps)
        return static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmupSteps));
    const double remaining = static_cast<double>(std::max<int64_t>(1, totalSteps - warmupSteps));
    switch (schedule) {
    case LearningRateSchedule::Constant:
        return 1.0;
    case LearningRateSchedule::Linear:
        return std::max(0.0, static_cast<double>(totalSteps - step) / remaining);
    case LearningRateSchedule::Cosine: {
        // num_cycles = 0.5: half a cosine from 1 down to 0.
        const double progress = static_cast<double>(step - warmupSteps) / remaining;
        return std::max(0.0, 0.5 * (1.0 + std::cos(std::numbers::pi * 0.5 * 2.0 * progress)));
    }
    }
    return 1.0;
}

}  // namespace lora
