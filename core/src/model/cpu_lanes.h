#pragma once
// Loop shapes for the fused CPU kernels (model/cpu_fused_*.cpp) that compilers vectorise at -O2 without -ffast-math:
// a row is walked in blocks of kLanes with a fixed inner count (GCC's and Clang's cheapest vectoriser cost model
// takes only loops whose vector form replaces the scalar one whole), and a sum keeps kLanes partial sums, which
// vectorises without reassociating any float addition. Callers pass __restrict pointers so no runtime alias check
// is needed; and row kernels are kept out of line (LORA_ROW_KERNEL), since inlined into a parallel_for lambda GCC 12
// no longer vectorised them.
#include <cstdint>

#if defined(__GNUC__)
#define LORA_ROW_KERNEL __attribute__((noinline))
#else
#define LORA_ROW_KERNEL
#endif

namespace lora::model::fused {

inline constexpr int64_t kLanes = 8;

// body(j) for every j in [0, n).
template <typename Body>
inline void forEachLane(int64_t n, Body&& body)
{
    int64_t j = 0;
    for (; j + kLanes <= n; j += kLanes)
        for (int64_t k = 0; k < kLanes; ++k)
            body(j + k);
    for (; j < n; ++j)
        body(j);
}

// Σ term(j) over [0, n).
template <typename Term>
inline float sumLanes(int64_t n, Term&& term)
{
    float partial[kLanes] = {};
    int64_t j = 0;
    for (; j + kLanes <= n; j += kLanes)
        for (int64_t k = 0; k < kLanes; ++k)
            partial[k] += term(j + k);
    float sum = 0;
    for (const float p : partial)
        sum += p;
    for (; j < n; ++j)
        sum += term(j);
    return sum;
}

}  // namespace lora::model::fused
