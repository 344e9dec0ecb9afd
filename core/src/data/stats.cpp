#include "data/example_builder.h"
#include "lora/dataset.h"

#include <algorithm>
#include <limits>

namespace lora {

DatasetStats computeStats(std::span<const Example> examples, size_t bins)
{
    DatasetStats stats;
    if (examples.empty()) return stats;
    stats.examples = static_cast<int64_t>(examples.size());
    stats.minLength = std::numeric_limits<int64_t>::max();
    for (const Example& ex : examples) {
        const auto length = static_cast<int64_t>(ex.inputIds.size());
        stats.totalTokens += length;
        stats.lossTokens += data::countLossTokens(ex);
        stats.minLength = std::min(stats.minLength, length);
        stats.maxLength = std::max(stats.maxLength, length);
        stats.truncated += ex.truncated;
    }
    stats.meanLength = static_cast<double>(stats.totalTokens) / static_cast<double>(stats.examples);

    if (bins == 0) return stats;
    // Integer-width bins so every length falls in exactly one bin and none is narrower than one token.
    const int64_t span = stats.maxLength - stats.minLength + 1;
    const auto binCount = std::min<int64_t>(static_cast<int64_t>(bins), span);
    const int64_t width = (span + binCount - 1) / binCount;
    for (int64_t lo = stats.minLength; lo <= stats.maxLength; lo += width) {
        stats.histogram.push_back({lo, std::min(lo + width - 1, stats.maxLength), 0});
    }
    for (const Example& ex : examples) {
        const auto length = static_cast<int64_t>(ex.inputIds.size());
        stats.histogram[static_cast<size_t>((length - stats.minLength) / width)].count += 1;
    }
    return stats;
}

}  // namespace lora
