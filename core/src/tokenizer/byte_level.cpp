#include "tokenizer/byte_level.h"

#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

char32_t codepointForByte(int b)
{
    // Printable Latin-1 bytes stand for themselves; the rest are shifted past 255 in byte order.
    static const std::array<char32_t, 256> table = [] {
        std::array<char32_t, 256> t{};
        int n = 0;
        for (int i = 0; i < 256; ++i) {
            const bool printable = (i >= 33 && i <= 126) || (i >= 161 && i <= 172) || (i >= 174 && i <= 255);
            t[i] = printable ? static_cast<char32_t>(i) : static_cast<char32_t>(256 + n++);
        }
        return t;
    }();
    return table[b];
}

}  // namespace

const std::array<std::string, 256>& byteToChar()
{
    static const std::array<std::string, 256> table = [] {
        std::array<std::string, 256> t;
        for (int i = 0; i < 256; ++i) appendUtf8(t[i], codepointForByte(i));
        return t;
    }();
    return table;
}

std::optional<unsigned char> charToByte(char32_t c)
{
    static constexpr size_t kRange = 256 + 68;  // the 68 non-printable bytes are shifted to 256..323
    static const std::array<int, kRange> reverse = [] {
        std::array<int, kRange> r{};
        r.fill(-1);
        for (int i = 0; i < 256; ++i) r[codepointForByte(i)] = i;
        return r;
    }();
    if (c >= kRange || reverse[c] < 0) return std::nullopt;
    return static_cast<unsigned char>(reverse[c]);
}

std::string bytesToChars(std::string_view bytes)
{
    const auto& table = byteToChar();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) out.append(table[b]);
    return out;
}

}  // namespace lora::tok
