#pragma once
// Who owns a running run: this process's pid, its start time (to tell a reused pid apart) and the host name.
#include <cstdint>
#include <string>

namespace lora::store {

struct ProcessOwner {
    int64_t pid = 0;
    int64_t startTime = 0;  // /proc/<pid>/stat field 22 (clock ticks since boot); 0 when unknown
    std::string host;
};

ProcessOwner thisProcess();
std::string hostName();
// False when the process is gone on this host, or its pid now belongs to a process started at another time.
bool isAlive(const ProcessOwner& owner);

}  // namespace lora::store
