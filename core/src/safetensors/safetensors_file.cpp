#include "lora/error.h"
#include "lora/safetensors.h"
#include "safetensors/safetensors_header.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lora {
namespace {

class FdCloser {
public:
    explicit FdCloser(int fd) : fd_(fd) {}
    ~FdCloser() { ::close(fd_); }
    FdCloser(const FdCloser&) = delete;
    FdCloser& operator=(const FdCloser&) = delete;

private:
    int fd_;
};

uint64_t readLittleEndian64(const std::byte* p)
{
    uint64_t value = 0;
    std::memcpy(&value, p, sizeof value);
    if constexpr (std::endian::native == std::endian::big)
        value = __builtin_bswap64(value);
    return value;
}

std::string mib(uint64_t bytes)
{
    return std::to_string(bytes >> 20) + " MiB";
}

}  // namespace

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& file)
{
    // O_NONBLOCK so that a FIFO given as a model file is refused below instead of hanging the open.
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throwFileError(file, std::string("cannot open: ") + std::strerror(errno));
    FdCloser closer(fd);

    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throwFileError(file, std::string("cannot read its size: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        throwFileError(file, "not a regular file");
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size < 8)
        throwFileError(file, "file is too short to be safetensors (" + std::to_string(size) +
                                 " bytes; the header length alone takes 8)");
    if (size > std::numeric_limits<size_t>::max())
        throwFileError(file, "file is too large to map into memory");

    // Constructed before mapping so that every later throw unmaps through the destructor.
    std::shared_ptr<SafetensorsFile> result(new SafetensorsFile());
    result->path_ = file;
    // MAP_PRIVATE so that nothing done through the mapping can ever reach the file. The mapping stays valid
    // after close(); if another process truncates the file while it is mapped, reading the lost pages raises
    // SIGBUS — a known limit of mmap that no header check can prevent.
    void* map = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        throwFileError(file, std::string("cannot map into memory: ") + std::strerror(errno));
    result->map_ = static_cast<const std::byte*>(map);
    result->mapSize_ = static_cast<size_t>(size);

    const uint64_t headerSize = readLittleEndian64(result->map_);
    if (headerSize > kMaxSafetensorsHeaderBytes)
        throwFileError(file, "header length " + std::to_string(headerSize) + " bytes is over the " +
                                 mib(kMaxSafetensorsHeaderBytes) +
                                 " limit; this is not a safetensors file or it is corrupt");
    if (headerSize > size - 8)
        throwFileError(file, "header length " + std::to_string(headerSize) + " bytes runs past the end of the file (" +
                                 std::to_string(size) + " bytes); the file is truncated or not safetensors");

    const auto* headerStart = reinterpret_cast<const char*>(result->map_ + 8);
    const uint64_t dataSize = size - 8 - headerSize;
    auto header = safetensors_detail::parseSafetensorsHeader(
        file, std::string_view(headerStart, static_cast<size_t>(headerSize)), dataSize);
    result->data_ = result->map_ + 8 + headerSize;
    result->tensors_ = std::move(header.tensors);
    result->index_ = std::move(header.index);
    result->metadata_ = std::move(header.metadata);
    return result;
}

SafetensorsFile::~SafetensorsFile()
{
    if (map_ != nullptr)
        ::munmap(const_cast<std::byte*>(map_), mapSize_);
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const
{
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : &tensors_[it->second];
}

void SafetensorsFile::release(const TensorInfo& tensor) const
{
    const auto span = bytes(tensor);
    // Only whole pages inside the tensor: its neighbours may still be read from the pages at its ends.
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = (reinterpret_cast<uintptr_t>(span.data()) + page - 1) / page * page;
    const auto end = (reinterpret_cast<uintptr_t>(span.data()) + span.size()) / page * page;
    // MADV_DONTNEED on a private, never-written file mapping drops the pages; the next access reads the
    // file again. Advice only: a failure changes nothing but memory use.
    if (end > begin)
        ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

std::span<const std::byte> SafetensorsFile::bytes(const TensorInfo& tensor) const
{
    // Offsets were validated for this file's own TensorInfos; this guards against one from another file.
    const auto dataSize = static_cast<uint64_t>(mapSize_ - static_cast<size_t>(data_ - map_));
    if (tensor.begin > tensor.end || tensor.end > dataSize)
        throwFileError(path_, "tensor " + safetensors_detail::quoteName(tensor.name) +
                                  " does not belong to this file (its offsets lie outside the data area)");
    return {data_ + tensor.begin, static_cast<size_t>(tensor.end - tensor.begin)};
}

}  // namespace lora
