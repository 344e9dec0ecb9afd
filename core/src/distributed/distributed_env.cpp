// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT as torchrun and Slurm scripts set them.
#include "lora/distributed.h"

#include "lora/error.h"

#include <charconv>
#include <cstdlib>

namespace lora {

namespace {

constexpr const char* kHowToLaunch =
    " — launch with torchrun (torchrun --nproc-per-node N --no-python lora-cli train ...), which sets RANK, "
    "WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT, or set them yourself";

[[noreturn]] void throwVariableError(const std::string& name, const std::string& problem)
{
    throw Error("environment variable " + name + ": " + problem + kHowToLaunch);
}

int wholeNumber(const EnvironmentLookup& lookup, const std::string& name, int low, int high)
{
    const auto value = lookup(name);
    if (!value || value->empty())
        throwVariableError(name, "is not set, but WORLD_SIZE asks for data-parallel training");
    int n = 0;
    const char* end = value->data() + value->size();
    const auto [ptr, ec] = std::from_chars(value->data(), end, n);
    if (ec != std::errc() || ptr != end)
        throwVariableError(name, "'" + *value + "' is not a whole number");
    if (n < low || n > high)
        throwVariableError(name, "'" + *value + "' is out of range (" + std::to_string(low) + " to " +
                                     std::to_string(high) + ")");
    return n;
}

}  // namespace

DistributedEnv parseDistributedEnv(const EnvironmentLookup& lookup)
{
    DistributedEnv env;
    const auto world = lookup("WORLD_SIZE");
    if (!world || world->empty())
        return env;
    constexpr int kMostRanks = 1 << 20;
    env.worldSize = wholeNumber(lookup, "WORLD_SIZE", 1, kMostRanks);
    if (env.worldSize == 1)
        return env;
    env.rank = wholeNumber(lookup, "RANK", 0, env.worldSize - 1);
    const auto local = lookup("LOCAL_RANK");
    env.localRank = local && !local->empty() ? wholeNumber(lookup, "LOCAL_RANK", 0, env.worldSize - 1) : env.rank;
    const auto addr = lookup("MASTER_ADDR");
    if (!addr || addr->empty())
        throwVariableError("MASTER_ADDR", "is not set (the host name or address of the machine running rank 0)");
    env.masterAddr = *addr;
    env.masterPort = wholeNumber(lookup, "MASTER_PORT", 1, 65535);
    env.launcherHostsStore = lookup("TORCHELASTIC_USE_AGENT_STORE") == std::optional<std::string>("True");
    return env;
}

DistributedEnv distributedEnvFromProcess()
{
    return parseDistributedEnv([](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value)
            return std::nullopt;
        return std::string(value);
    });
}

}  // namespace lora
