#include "data/rng.h"
#include "lora/dataset.h"
#include "lora/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lora {

SplitIndices splitTrainValidation(size_t count, double validationFraction, uint64_t seed)
{
    if (!(validationFraction >= 0.0 && validationFraction < 1.0)) {
        throw Error("validation fraction must be at least 0 and below 1, not " + std::to_string(validationFraction));
    }
    std::vector<size_t> order(count);
    std::iota(order.begin(), order.end(), size_t{0});
    data::shuffleInPlace(order, seed);

    // One IEEE multiply and a round: the same count on every machine.
    auto validation = static_cast<size_t>(std::llround(static_cast<double>(count) * validationFraction));
    if (validationFraction > 0.0 && validation == 0 && count >= 2) validation = 1;
    if (count > 0 && validation >= count) validation = count - 1;

    SplitIndices split;
    split.validation.assign(order.begin(), order.begin() + static_cast<ptrdiff_t>(validation));
    split.train.assign(order.begin() + static_cast<ptrdiff_t>(validation), order.end());
    std::sort(split.validation.begin(), split.validation.end());
    std::sort(split.train.begin(), split.train.end());
    return split;
}

}  // namespace lora
