// sha256 of files and folders (OpenSSL's EVP), for content hashes of models, data, checkpoints and adapters.
#include "lora/run_store.h"

#include "store/digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

namespace lora {
namespace {

struct Sha256 {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    Sha256()
    {
        if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
            throw Error("sha256: OpenSSL could not set up a digest");
    }
    void update(const void* data, size_t n) { EVP_DigestUpdate(ctx.get(), data, n); }
    std::string hex()
    {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_DigestFinal_ex(ctx.get(), out, &n);
        static const char* digits = "0123456789abcdef";
        std::string s;
        for (unsigned int i = 0; i < n; ++i) {
            s += digits[out[i] >> 4];
            s += digits[out[i] & 15];
        }
        return s;
    }
};

}  // namespace

std::string sha256Hex(std::span<const std::byte> bytes)
{
    Sha256 h;
    h.update(bytes.data(), bytes.size());
    return h.hex();
}

std::string fileSha256(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throwFileError(file, "cannot be read to compute its sha256");
    Sha256 h;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        h.update(buffer.data(), static_cast<size_t>(in.gcount()));
    }
    if (in.bad())
        throwFileError(file, "reading failed while computing its sha256");
    return h.hex();
}

std::string folderDigest(const std::filesystem::path& dirOrFile, int64_t* bytes)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_regular_file(dirOrFile, ec)) {
        if (bytes)
            *bytes = static_cast<int64_t>(fs::file_size(dirOrFile));
        return fileSha256(dirOrFile);
    }
    if (!fs::is_directory(dirOrFile, ec))
        throwFileError(dirOrFile, "does not exist (no file or folder to hash)");
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dirOrFile))
        if (entry.is_regular_file())
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    Sha256 h;
    int64_t total = 0;
    for (const auto& f : files) {
        const std::string line = fileSha256(f) + "  " + f.lexically_relative(dirOrFile).generic_string() + "\n";
        h.update(line.data(), line.size());
        total += static_cast<int64_t>(fs::file_size(f));
    }
    if (bytes)
        *bytes = total;
    return h.hex();
}

}  // namespace lora
