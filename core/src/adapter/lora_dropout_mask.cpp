#include "adapter/lora_dropout_mask.h"

#include "model/cpu_lanes.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <limits>
#include <mutex>

namespace lora::adapter {
namespace {

// Chris Wellons' lowbias32: a 32-bit bijection with near-ideal avalanche, multiplies only in 32 bits, so a block
// of lanes vectorises.
inline uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

// Elements whose hash is below the threshold are dropped.
uint32_t dropThreshold(double p)
{
    const double limit = static_cast<double>(std::numeric_limits<uint32_t>::max());
    return static_cast<uint32_t>(std::min(std::ldexp(p, 32), limit));
}

// Row r's hash of column j: the column through the key's low word, then the row (with the key's high word) added
// and mixed again. Distinct (row, column) pairs collide only as a random 32-bit hash would.
uint32_t rowKey(uint64_t key, int64_t row)
{
    const auto r = static_cast<uint64_t>(row);
    return mix32(static_cast<uint32_t>(r) ^ static_cast<uint32_t>(key >> 32)) + mix32(static_cast<uint32_t>(r >> 32));
}

// Plain counted loops, branch-free (the mask multiplies, as torch::dropout's noise does): GCC vectorises them with
// the cheap cost model core/CMakeLists.txt gives this file (at -O2 its default, very cheap, model leaves loops that
// need an epilogue scalar), and the hash's 32-bit multiplies vectorise too.
LORA_ROW_KERNEL void dropRow(float* __restrict y, uint8_t* __restrict keep, const float* __restrict x, int64_t n,
                             uint32_t columnKey, uint32_t row, uint32_t threshold, float scale)
{
    for (int64_t j = 0; j < n; ++j) {
        const bool kept = mix32(mix32(static_cast<uint32_t>(j) ^ columnKey) + row) >= threshold;
        keep[j] = kept;
        y[j] = x[j] * (kept ? scale : 0.0f);
    }
}

LORA_ROW_KERNEL void keptRow(float* __restrict y, const uint8_t* __restrict keep, const float* __restrict x, int64_t n,
                             float scale)
{
    for (int64_t j = 0; j < n; ++j)
        y[j] = x[j] * (keep[j] ? scale : 0.0f);
}

LORA_ROW_KERNEL void addKeptRow(float* __restrict dst, const uint8_t* __restrict keep, const float* __restrict src,
                                int64_t n, float scale)
{
    for (int64_t j = 0; j < n; ++j)
        dst[j] += src[j] * (keep[j] ? scale : 0.0f);
}

float keptScale(double p) { return static_cast<float>(1.0 / (1.0 - p)); }

void checkOperand(const torch::Tensor& t, const char* what, torch::ScalarType dtype = torch::kFloat32)
{
    TORCH_CHECK(t.dim() == 2 && t.is_contiguous() && t.device().is_cpu() && t.scalar_type() == dtype,
                "LoRA dropout: ", what, " must be a contiguous 2-D CPU tensor of ", dtype, ", got ", t.scalar_type(),
                " ", t.sizes());
}

// body(row, offset) for every row, split across LibTorch's intra-op threads.
template <typename Body>
void forEachRow(int64_t rows, int64_t n, Body&& body)
{
    const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(n, 1));
    at::parallel_for(0, rows, grain, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r)
            body(r, r * n);
    });
}

// kernel(out row, mask row, in row, n, 1/(1 − p)) for every row of out, in and keep (the same [rows, n]).
void forEachMaskedRow(torch::Tensor& out, const torch::Tensor& in, const torch::Tensor& keep, double p,
                      void (*kernel)(float* __restrict, const uint8_t* __restrict, const float* __restrict, int64_t,
                                     float))
{
    checkOperand(out, "the output");
    checkOperand(in, "the input");
    checkOperand(keep, "the mask", torch::kBool);
    TORCH_CHECK(in.sizes() == out.sizes() && keep.sizes() == out.sizes(), "LoRA dropout: the input ", in.sizes(),
                " and the mask ", keep.sizes(), " must both be ", out.sizes());
    const int64_t n = out.size(1);
    auto* op = out.data_ptr<float>();
    const auto* kp = reinterpret_cast<const uint8_t*>(keep.data_ptr<bool>());
    const auto* ip = in.data_ptr<float>();
    const float scale = keptScale(p);
    forEachRow(out.size(0), n,
               [&](int64_t, int64_t offset) { kernel(op + offset, kp + offset, ip + offset, n, scale); });
}

}  // namespace

DroppedInput dropoutWithFreshMask(const torch::Tensor& x, double p)
{
    checkOperand(x, "the input");
    TORCH_CHECK(p > 0.0 && p < 1.0, "LoRA dropout: p must lie in (0, 1), got ", p);
    uint64_t key = 0;
    {
        auto generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        key = at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
    }
    DroppedInput out{torch::empty_like(x), torch::empty(x.sizes(), x.options().dtype(torch::kBool))};
    const int64_t n = x.size(1);
    const auto columnKey = static_cast<uint32_t>(key);
    const auto threshold = dropThreshold(p);
    const float scale = keptScale(p);
    auto* yp = out.dropped.data_ptr<float>();
    auto* kp = reinterpret_cast<uint8_t*>(out.keep.data_ptr<bool>());
    const auto* xp = x.data_ptr<float>();
    forEachRow(x.size(0), n, [&](int64_t r, int64_t offset) {
        dropRow(yp + offset, kp + offset, xp + offset, n, columnKey, rowKey(key, r), threshold, scale);
    });
    return out;
}

torch::Tensor applyKeepMask(const torch::Tensor& x, const torch::Tensor& keep, double p)
{
    auto y = torch::empty_like(x);
    forEachMaskedRow(y, x, keep, p, keptRow);
    return y;
}

void addWithKeepMask(torch::Tensor& dst, const torch::Tensor& src, const torch::Tensor& keep, double p)
{
    forEachMaskedRow(dst, src, keep, p, addKeptRow);
}

}  // namespace lora::adapter
