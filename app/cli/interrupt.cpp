#include "interrupt.h"

#include <atomic>
#include <csignal>

namespace lora::cli {
namespace {

std::atomic<bool> requested{false};

extern "C" void onInterrupt(int)
{
    requested = true;
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

}  // namespace

void catchInterrupt() { std::signal(SIGINT, onInterrupt); }
void releaseInterrupt() { std::signal(SIGINT, SIG_DFL); }
bool interruptRequested() { return requested.load(); }

}  // namespace lora::cli
