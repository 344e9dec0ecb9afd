#include "lora/error.h"
#include "lora/safetensors.h"
#include "safetensors/safetensors_header.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace lora {
namespace {

namespace fs = std::filesystem;
using safetensors_detail::quoteName;

constexpr const char* kSingleName = "model.safetensors";
constexpr const char* kIndexName = "model.safetensors.index.json";
// The largest real indexes (a few hundred thousand tensors) are around 10 MiB.
constexpr uintmax_t kMaxIndexBytes = 64u << 20;
constexpr int kMaxIndexJsonDepth = 64;

bool endsWith(const std::string& s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isPickleName(const std::string& name)
{
    for (std::string_view ext : {".bin", ".pt", ".pth", ".ckpt", ".pkl"}) {
        if (endsWith(name, ext))
            return true;
    }
    return false;
}

bool isIndexName(const std::string& name)
{
    return endsWith(name, ".safetensors.index.json");
}

[[noreturn]] void refusePickles(const fs::path& where, const std::vector<std::string>& pickles)
{
    std::string list;
    for (const auto& name : pickles)
        list += (list.empty() ? "" : ", ") + name;
    const bool isDir = fs::is_directory(where);
    const fs::path folder = isDir ? where : where.parent_path();
    const std::string dir = folder.empty() ? std::string(".") : folder.string();
    throwFileError(where,
                   (isDir ? "only pickle checkpoints here (" + list + ")" : std::string("a pickle checkpoint")) +
                       ", and LoRA Studio never loads pickle files: unpickling can run arbitrary code hidden in "
                       "the file. Convert the model to safetensors first, for example:\n"
                       "  python -c \"from transformers import AutoModel; AutoModel.from_pretrained('" +
                       dir + "').save_pretrained('" + dir +
                       "', safe_serialization=True)\"\n"
                       "(use the model's own class, e.g. AutoModelForCausalLM, to keep its head), or download the "
                       "model's safetensors weights instead");
}

std::string readIndexText(const fs::path& index)
{
    std::error_code ec;
    const auto size = fs::file_size(index, ec);
    if (ec)
        throwFileError(index, "cannot read: " + ec.message());
    if (size > kMaxIndexBytes)
        throwFileError(index, "index is " + std::to_string(size) + " bytes, over the " +
                                  std::to_string(kMaxIndexBytes >> 20) + " MiB limit");
    std::ifstream in(index, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in)
        throwFileError(index, "cannot read");
    return text.str();
}

// weight_map only: the rest of the index (its "metadata") is never kept, so a hostile index cannot make us
// build a large JSON tree.
std::map<std::string, std::string> readWeightMap(const fs::path& index)
{
    const std::string text = readIndexText(index);
    // A NUL would end nlohmann's input early; raw NUL is never valid JSON.
    if (text.find('\0') != std::string::npos)
        throwFileError(index, "not valid JSON: it contains a NUL byte");
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text, [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
            using E = nlohmann::json::parse_event_t;
            if ((event == E::object_start || event == E::array_start) && depth >= kMaxIndexJsonDepth)
                throwFileError(index, "JSON is nested more than " + std::to_string(kMaxIndexJsonDepth) +
                                          " levels deep");
            if (event == E::key && depth == 1)
                return parsed.is_string() && parsed.get_ref<const std::string&>() == "weight_map";
            return true;
        });
    } catch (const nlohmann::json::exception& e) {
        throwFileError(index, "not valid JSON: " + safetensors_detail::jsonErrorText(e));
    }
    if (!doc.is_object() || !doc.contains("weight_map") || !doc["weight_map"].is_object())
        throwFileError(index, "not a safetensors index: it needs a \"weight_map\" object mapping tensor names "
                              "to shard files");
    std::map<std::string, std::string> weightMap;
    for (const auto& [tensor, shard] : doc["weight_map"].items()) {
        if (!shard.is_string())
            throwFileError(index, "weight_map entry for tensor " + quoteName(tensor) + " is not a file name");
        weightMap.emplace(tensor, shard.get<std::string>());
    }
    if (weightMap.empty())
        throwFileError(index, "weight_map lists no tensors");
    return weightMap;
}

// A shard must be a file beside the index: a name with a directory part could make an index read files
// anywhere on disk (including pickles, or files the user never meant to share with a model).
void checkShardName(const fs::path& index, const std::string& tensor, const std::string& shard)
{
    const bool plain = !shard.empty() && shard != "." && shard != ".." &&
                       shard.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
    if (!plain)
        throwFileError(index, "weight_map puts tensor " + quoteName(tensor) + " in " + quoteName(shard) +
                                  ", which is not a plain file name in the model folder");
    if (!endsWith(shard, ".safetensors"))
        throwFileError(index, "weight_map puts tensor " + quoteName(tensor) + " in " + quoteName(shard) +
                                  ", which is not a .safetensors file");
}

struct FolderListing {
    std::vector<std::string> safetensors;
    std::vector<std::string> indexes;
    std::vector<std::string> pickles;
};

FolderListing listFolder(const fs::path& dir)
{
    FolderListing listing;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        // is_regular_file follows symlinks, which Hugging Face's cache uses for every file.
        std::error_code typeEc;
        if (!entry.is_regular_file(typeEc))
            continue;
        const std::string name = entry.path().filename().string();
        if (endsWith(name, ".safetensors"))
            listing.safetensors.push_back(name);
        else if (isIndexName(name))
            listing.indexes.push_back(name);
        else if (isPickleName(name))
            listing.pickles.push_back(name);
    }
    if (ec)
        throwFileError(dir, "cannot list the folder: " + ec.message());
    std::sort(listing.safetensors.begin(), listing.safetensors.end());
    std::sort(listing.indexes.begin(), listing.indexes.end());
    std::sort(listing.pickles.begin(), listing.pickles.end());
    return listing;
}

std::string joined(const std::vector<std::string>& names)
{
    std::string list;
    for (const auto& name : names)
        list += (list.empty() ? "" : ", ") + name;
    return list;
}

}  // namespace

SafetensorsCheckpoint SafetensorsCheckpoint::open(const fs::path& modelDirOrFile)
{
    std::error_code ec;
    const auto status = fs::status(modelDirOrFile, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        throwFileError(modelDirOrFile, "cannot access: " + ec.message());
    if (!fs::exists(status))
        throwFileError(modelDirOrFile, "no such file or folder");

    fs::path single;
    fs::path index;
    if (fs::is_directory(status)) {
        const fs::path dir = modelDirOrFile;
        const FolderListing listing = listFolder(dir);
        auto has = [](const std::vector<std::string>& names, const char* name) {
            return std::find(names.begin(), names.end(), name) != names.end();
        };
        // The order transformers uses: the single file, then the standard index.
        if (has(listing.safetensors, kSingleName)) {
            single = dir / kSingleName;
        } else if (has(listing.indexes, kIndexName)) {
            index = dir / kIndexName;
        } else if (listing.indexes.size() == 1) {
            index = dir / listing.indexes.front();
        } else if (listing.indexes.size() > 1) {
            throwFileError(dir, "several safetensors indexes (" + joined(listing.indexes) +
                                    ") and no " + kIndexName + "; cannot tell which one holds the model");
        } else if (listing.safetensors.size() == 1) {
            single = dir / listing.safetensors.front();
        } else if (listing.safetensors.size() > 1) {
            throwFileError(dir, "several .safetensors files (" + joined(listing.safetensors) + ") but no " +
                                    kSingleName + " and no " + kIndexName + " saying how they fit together");
        } else if (!listing.pickles.empty()) {
            refusePickles(dir, listing.pickles);
        } else {
            throwFileError(dir, std::string("no model weights found: expected ") + kSingleName + " or " +
                                    kIndexName + " (sharded) in this folder");
        }
    } else {
        const std::string name = modelDirOrFile.filename().string();
        if (isIndexName(name))
            index = modelDirOrFile;
        else if (endsWith(name, ".safetensors"))
            single = modelDirOrFile;
        else if (isPickleName(name))
            refusePickles(modelDirOrFile, {name});
        else
            throwFileError(modelDirOrFile, "not a .safetensors file, a safetensors index or a model folder");
    }

    SafetensorsCheckpoint checkpoint;
    if (!single.empty()) {
        auto file = SafetensorsFile::open(single);
        for (const auto& info : file->tensors())
            checkpoint.entries_.emplace(info.name, Entry{file.get(), &info});
        checkpoint.files_.push_back(std::move(file));
        return checkpoint;
    }

    const auto weightMap = readWeightMap(index);
    const fs::path dir = index.parent_path();
    std::map<std::string, std::shared_ptr<const SafetensorsFile>> shards;  // each shard is mapped once
    for (const auto& [tensor, shard] : weightMap) {
        checkShardName(index, tensor, shard);
        auto& file = shards[shard];
        if (!file) {
            const fs::path shardPath = dir / shard;
            std::error_code shardEc;
            if (!fs::is_regular_file(shardPath, shardEc))
                throwFileError(index, "shard " + quoteName(shard) + " (holding tensor " + quoteName(tensor) +
                                          ") is missing: " + shardPath.string() + " does not exist");
            file = SafetensorsFile::open(shardPath);
        }
        const TensorInfo* info = file->find(tensor);
        if (!info)
            throwFileError(index, "tensor " + quoteName(tensor) + " is listed in shard " + quoteName(shard) +
                                      ", but " + (dir / shard).string() + " does not contain it");
        // weight_map is authoritative: a shard's tensors that the index does not list are not part of the model.
        checkpoint.entries_.emplace(tensor, Entry{file.get(), info});
    }
    for (auto& [name, file] : shards)
        checkpoint.files_.push_back(std::move(file));
    return checkpoint;
}

const SafetensorsCheckpoint::Entry* SafetensorsCheckpoint::find(const std::string& name) const
{
    const auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> SafetensorsCheckpoint::names() const
{
    std::vector<std::string> result;
    result.reserve(entries_.size());
    for (const auto& [name, entry] : entries_)
        result.push_back(name);
    return result;
}

}  // namespace lora
