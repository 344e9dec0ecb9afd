#pragma once
// Stand-in for gloo's header (see ../README.md).
#include "gloo/transport/device.h"

#include <chrono>

namespace gloo {

class Context {
public:
    void setTimeout(std::chrono::milliseconds timeout);  // defined in libtorch_cpu
};

}  // namespace gloo
