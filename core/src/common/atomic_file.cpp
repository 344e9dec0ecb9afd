#include "lora/atomic_file.h"

#include "lora/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <string>
#include <unistd.h>

namespace lora {
namespace {

std::filesystem::path temporarySibling(const std::filesystem::path& path)
{
    std::random_device rd;
    return path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(rd()));
}

// Makes the rename itself durable.
void syncDirectory(const std::filesystem::path& dir)
{
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

[[noreturn]] void throwErrno(const std::filesystem::path& path, const std::string& what)
{
    throwFileError(path, what + ": " + std::strerror(errno) + " (the previous file, if any, is unchanged)");
}

}  // namespace

void writeFileAtomically(const std::filesystem::path& path, const std::function<void(const ByteSink&)>& write)
{
    const auto tmp = temporarySibling(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        throwErrno(path, "cannot create a temporary file beside it");

    try {
        write([&](std::span<const std::byte> bytes) {
            const std::byte* p = bytes.data();
            size_t left = bytes.size();
            while (left > 0) {
                ssize_t n = ::write(fd, p, left);
                if (n < 0) {
                    if (errno == EINTR)
                        continue;
                    throwErrno(path, "write failed");
                }
                p += n;
                left -= static_cast<size_t>(n);
            }
        });
        if (::fsync(fd) != 0)
            throwErrno(path, "flushing to disk failed");
    } catch (...) {
        ::close(fd);
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw;
    }
    if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const int saved = errno;
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        errno = saved;
        throwErrno(path, "moving the new file into place failed");
    }
    syncDirectory(path.parent_path());
}

void writeFileAtomically(const std::filesystem::path& path, std::string_view content)
{
    writeFileAtomically(path, [&](const ByteSink& sink) {
        sink(std::as_bytes(std::span(content.data(), content.size())));
    });
}

}  // namespace lora
