#include "train/out_of_memory.h"

#include <c10/util/Exception.h>

#include <new>
#include <string_view>

namespace lora::train {

namespace {
constexpr std::string_view kCpuAllocator = "DefaultCPUAllocator: ";
// CUDA's caching allocator says how much it wanted and how much was free, then a paragraph of allocator
// statistics and tuning advice; the user's line ends with the free memory.
constexpr std::string_view kCudaFreeSentenceEnd = " is free.";
}  // namespace

bool isOutOfMemory(const std::exception& e)
{
    if (dynamic_cast<const c10::OutOfMemoryError*>(&e) || dynamic_cast<const std::bad_alloc*>(&e))
        return true;
    const std::string_view what = e.what();
    return what.find(kCpuAllocator) != std::string_view::npos &&
           (what.find("can't allocate memory") != std::string_view::npos ||
            what.find("not enough memory") != std::string_view::npos);
}

std::string outOfMemoryLine(const std::exception& e)
{
    const auto* error = dynamic_cast<const c10::Error*>(&e);
    std::string text = error ? error->msg() : e.what();  // msg() leaves out the backtrace
    if (const auto at = text.find(kCpuAllocator); at != std::string::npos)
        text.erase(0, at + kCpuAllocator.size());
    if (const auto end = text.find('\n'); end != std::string::npos)
        text.erase(end);
    if (const auto free = text.find(kCudaFreeSentenceEnd); free != std::string::npos)
        text.erase(free + kCudaFreeSentenceEnd.size());
    return text.empty() ? std::string("out of memory") : text;
}

}  // namespace lora::train
