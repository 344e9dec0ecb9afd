// Which errors mean "out of memory", and the one line the user reads for each: CUDA's caching allocator (as its
// message reads in torch 2.x: thrown here the way it throws it, since this machine has no GPU), the CPU allocator,
// std::bad_alloc; and that other errors are not mistaken for one. core.train.out_of_memory runs the whole path on
// the CPU; a CUDA run reaches the same handler with the first of these.
#include "train/out_of_memory.h"

#include <c10/util/Exception.h>

#include <QtTest>

#include <new>
#include <stdexcept>

using namespace lora::train;

namespace {

constexpr const char* kCudaMessage =
    "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.06 GiB is "
    "free. Including non-PyTorch memory, this process has 78.12 GiB memory in use. Of the allocated memory 76.40 GiB "
    "is allocated by PyTorch, and 1.20 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory "
    "is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See "
    "documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)";

template <typename Throw>
std::exception_ptr caught(Throw&& doThrow)
{
    try {
        doThrow();
    } catch (...) {
        return std::current_exception();
    }
    return {};
}

// Runs `check` on the exception in `error`.
template <typename Check>
void with(const std::exception_ptr& error, Check&& check)
{
    QVERIFY(error);
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        check(e);
    }
}

}  // namespace

class TestOutOfMemoryErrors final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cudaAllocatorError()
    {
        // CUDACachingAllocator throws with TORCH_CHECK_WITH(OutOfMemoryError, false, ...).
        const auto error = caught([] { TORCH_CHECK_WITH(OutOfMemoryError, false, kCudaMessage); });
        with(error, [](const std::exception& e) {
            QVERIFY(dynamic_cast<const c10::OutOfMemoryError*>(&e));
            QVERIFY(isOutOfMemory(e));
            QCOMPARE(outOfMemoryLine(e), std::string("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a "
                                                     "total capacity of 79.19 GiB of which 1.06 GiB is free."));
        });
    }

    void cpuAllocatorError()
    {
        // alloc_cpu.cpp: CAFFE_ENFORCE with "DefaultCPUAllocator: not enough memory: you tried to allocate N bytes."
        const auto error = caught([] {
            TORCH_CHECK(false, "[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not enough memory: "
                               "you tried to allocate 18874368 bytes.");
        });
        with(error, [](const std::exception& e) {
            QVERIFY(isOutOfMemory(e));
            QCOMPARE(outOfMemoryLine(e), std::string("not enough memory: you tried to allocate 18874368 bytes."));
        });
    }

    void badAlloc()
    {
        const auto error = caught([] { throw std::bad_alloc(); });
        with(error, [](const std::exception& e) { QVERIFY(isOutOfMemory(e)); });
    }

    void otherErrorsAreNotOutOfMemory()
    {
        for (const auto& error : {caught([] { TORCH_CHECK(false, "shape '[2, 3]' is invalid for input of size 5"); }),
                                  caught([] { throw std::runtime_error("memory.safetensors: not found"); })})
            with(error, [](const std::exception& e) { QVERIFY(!isOutOfMemory(e)); });
    }
};

QTEST_GUILESS_MAIN(TestOutOfMemoryErrors)
#include "test_out_of_memory_errors.moc"
