#include "data/line_reader.h"

#include "lora/error.h"

#include <cerrno>
#include <cstring>
#include <system_error>

namespace lora::data {

namespace {
constexpr size_t kChunkBytes = size_t{1} << 16;
}

LineReader::LineReader(const std::filesystem::path& file, size_t maxLineBytes)
    : file_(file), maxLineBytes_(maxLineBytes)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) throwFileError(file, "file not found");
    if (std::filesystem::is_directory(file, ec)) throwFileError(file, "is a folder, not a file");
    in_.open(file, std::ios::binary);
    if (!in_) throwFileError(file, std::string("cannot open: ") + std::strerror(errno));
}

bool LineReader::fill()
{
    if (eof_) return false;
    buffer_.resize(kChunkBytes);
    in_.read(buffer_.data(), static_cast<std::streamsize>(kChunkBytes));
    const auto got = static_cast<size_t>(in_.gcount());
    if (in_.bad()) throwFileError(file_, "read error");
    buffer_.resize(got);
    bufferPos_ = 0;
    if (got < kChunkBytes) eof_ = true;
    return got > 0;
}

bool LineReader::next(Line& line)
{
    line_.clear();
    bool tooLong = false;
    bool sawAnything = false;
    bool sawNewline = false;
    while (!sawNewline) {
        if (bufferPos_ >= buffer_.size() && !fill()) break;
        sawAnything = true;
        const char* begin = buffer_.data() + bufferPos_;
        const size_t available = buffer_.size() - bufferPos_;
        const void* nl = std::memchr(begin, '\n', available);
        const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - begin) : available;
        if (!tooLong) {
            // One byte of slack for the "\r" that a CRLF line carries past the limit.
            if (line_.size() + take > maxLineBytes_ + 1) {
                tooLong = true;
                line_.clear();
                line_.shrink_to_fit();
            } else {
                line_.append(begin, take);
            }
        }
        bufferPos_ += take;
        if (nl) {
            ++bufferPos_;
            sawNewline = true;
        }
    }
    if (!sawAnything) return false;
    ++number_;
    if (!tooLong && !line_.empty() && line_.back() == '\r') line_.pop_back();
    if (!tooLong && line_.size() > maxLineBytes_) {
        tooLong = true;
        line_.clear();
    }
    if (number_ == 1 && line_.starts_with("\xEF\xBB\xBF")) line_.erase(0, 3);
    line.text = line_;
    line.number = number_;
    line.tooLong = tooLong;
    return true;
}

}  // namespace lora::data
