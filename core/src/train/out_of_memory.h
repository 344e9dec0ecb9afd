#pragma once
// Running out of memory in a step is not a bug in the run: the user can free memory and resume, or change a
// setting. torch reports it as c10::OutOfMemoryError on CUDA but as a plain c10::Error from the CPU allocator
// (alloc_cpu.cpp), so both are recognised here, with std::bad_alloc.
#include <exception>
#include <string>

namespace lora::train {

bool isOutOfMemory(const std::exception& e);

// One line for the user: the allocator's own sentence (how much it tried to allocate, and on CUDA how much was
// free), without torch's "[enforce fail at ...]" prefix, CUDA's allocator statistics or the C++ stack trace.
std::string outOfMemoryLine(const std::exception& e);

}  // namespace lora::train
