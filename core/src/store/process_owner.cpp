#include "store/process_owner.h"

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/types.h>
#include <unistd.h>

namespace lora::store {
namespace {

int64_t startTimeOf(int64_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    // Fields after the name start at field 3 (state); starttime is field 22.
    for (int i = 3; i <= 22 && fields >> field; ++i)
        if (i == 22)
            return std::stoll(field);
    return 0;
}

}  // namespace

std::string hostName()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0)
        return "";
    return name;
}

ProcessOwner thisProcess()
{
    const int64_t pid = ::getpid();
    return {pid, startTimeOf(pid), hostName()};
}

bool isAlive(const ProcessOwner& owner)
{
    if (owner.pid <= 0)
        return false;
    if (::kill(static_cast<pid_t>(owner.pid), 0) != 0 && errno == ESRCH)
        return false;
    const int64_t start = startTimeOf(owner.pid);
    if (owner.startTime != 0 && start != 0 && start != owner.startTime)
        return false;  // the pid was reused by a newer process
    // A zombie (killed, not yet reaped by its parent) is dead too.
    std::ifstream in("/proc/" + std::to_string(owner.pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z')
        return false;
    return true;
}

}  // namespace lora::store
