#pragma once
// Shuffles that are identical on every platform and standard library: std::shuffle and the std::
// distributions leave their algorithms unspecified, which would make a split or an epoch order depend
// on the compiler a run happened to use.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace lora::data {

// SplitMix64 (Steele, Lea, Flood 2014), as in the reference splitmix64.c.
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}

    uint64_t next()
    {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, bound) by rejection, without modulo bias; bound > 0.
    uint64_t below(uint64_t bound)
    {
        const uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
        for (;;) {
            const uint64_t r = next();
            if (r >= threshold) return r % bound;
        }
    }

private:
    uint64_t state_;
};

// One stream per (seed, stream) pair, e.g. per epoch, so epochs are independent of each other.
inline uint64_t mixSeed(uint64_t seed, uint64_t stream)
{
    SplitMix64 a(seed);
    SplitMix64 b(a.next() ^ stream);
    return b.next();
}

// Fisher-Yates, from the back.
template <typename T>
void shuffleInPlace(std::vector<T>& items, uint64_t seed)
{
    SplitMix64 rng(seed);
    for (size_t i = items.size(); i > 1; --i) {
        const auto j = static_cast<size_t>(rng.below(i));
        std::swap(items[i - 1], items[j]);
    }
}

}  // namespace lora::data
