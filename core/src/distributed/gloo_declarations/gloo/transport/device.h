#pragma once
// Stand-in for gloo's header (see ../../README.md).

namespace gloo::transport {

class Device;  // created and used by libtorch only

class UnboundBuffer {
public:
    virtual ~UnboundBuffer();  // defined in libtorch_cpu
};

}  // namespace gloo::transport
