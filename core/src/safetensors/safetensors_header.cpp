#include "safetensors/safetensors_header.h"

#include "lora/error.h"
#include "safetensors/tensor_size.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>

namespace lora::safetensors_detail {

std::string quoteName(std::string_view name)
{
    constexpr size_t kMaxShown = 200;
    const bool shortened = name.size() > kMaxShown;
    std::string shown(name.substr(0, kMaxShown));
    std::string result =
        nlohmann::json(shown).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (shortened)
        result += "...";
    return result;
}

std::string jsonErrorText(const std::exception& error)
{
    std::string what = error.what();
    if (const auto tagEnd = what.find("] "); what.rfind("[json.exception", 0) == 0 && tagEnd != std::string::npos)
        what.erase(0, tagEnd + 2);
    std::string text;
    for (unsigned char c : what) {
        if (c >= 0x20 && c < 0x7f) {
            text += static_cast<char>(c);
        } else {
            static const char digits[] = "0123456789abcdef";
            text += "\\x";
            text += digits[c >> 4];
            text += digits[c & 0xf];
        }
    }
    return text;
}

namespace {

using json = nlohmann::json;

std::string supportedDTypes()
{
    std::string list;
    for (DType d : {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32, DType::I16, DType::I8,
                    DType::U8, DType::Bool}) {
        if (!list.empty())
            list += ", ";
        list += dtypeName(d);
    }
    return list;
}

// Streams the header straight into TensorInfo records instead of building a json DOM: a DOM costs tens of
// bytes per JSON value, so a hostile 100 MiB header could make us allocate gigabytes. Here memory stays
// proportional to what a valid header describes, nesting is capped, and duplicate keys are caught (a DOM
// would silently keep the last one, so two tools could disagree about what the file contains).
class HeaderSax {
public:
    HeaderSax(const std::filesystem::path& file) : file_(file) {}

    ParsedHeader take() { return std::move(result_); }

    bool null() { return scalar("null"); }
    bool boolean(bool) { return scalar("a boolean"); }
    bool number_integer(json::number_integer_t value)
    {
        if (skipDepth_ > 0)
            return true;
        if (array_ != Array::None && value < 0)
            fail(arrayName() + " of tensor " + quoteName(tensor_.name) + " contains the negative number " +
                 std::to_string(value) + "; " + arrayRule());
        if (array_ != Array::None)
            return arrayItem(static_cast<uint64_t>(value));
        return scalar("a number");
    }
    bool number_unsigned(json::number_unsigned_t value)
    {
        if (skipDepth_ > 0)
            return true;
        if (array_ != Array::None)
            return arrayItem(value);
        return scalar("a number");
    }
    bool number_float(json::number_float_t, const std::string& text)
    {
        if (skipDepth_ == 0 && array_ != Array::None)
            fail(arrayName() + " of tensor " + quoteName(tensor_.name) + " contains " + quoteName(text) + "; " +
                 arrayRule());
        return scalar("a number");
    }
    bool binary(json::binary_t&) { return scalar("binary data"); }

    bool string(std::string& value)
    {
        if (skipDepth_ > 0)
            return true;
        switch (pending_) {
        case Pending::Dtype: {
            const auto dtype = dtypeFromName(value);
            if (!dtype)
                fail("tensor " + quoteName(tensor_.name) + " has unknown or unsupported dtype " + quoteName(value) +
                     " (LoRA Studio reads " + supportedDTypes() + ")");
            tensor_.dtype = *dtype;
            pending_ = Pending::None;
            return true;
        }
        case Pending::MetadataValue:
            result_.metadata.emplace(metadataKey_, std::move(value));
            pending_ = Pending::None;
            return true;
        default:
            return scalar("a string");
        }
    }

    bool start_object(std::size_t)
    {
        enter();
        if (skipDepth_ > 0) {
            ++skipDepth_;
            return true;
        }
        if (array_ != Array::None)
            fail(arrayName() + " of tensor " + quoteName(tensor_.name) + " contains a nested value; " + arrayRule());
        switch (pending_) {
        case Pending::Root:
            object_ = Object::Root;
            break;
        case Pending::Metadata:
            object_ = Object::Metadata;
            break;
        case Pending::Tensor:
            object_ = Object::Tensor;
            break;
        case Pending::Unknown:
            skipDepth_ = 1;
            break;
        default:
            wrongType("an object");
        }
        pending_ = Pending::None;
        return true;
    }

    bool end_object()
    {
        --depth_;
        if (skipDepth_ > 0) {
            --skipDepth_;
            return true;
        }
        if (object_ == Object::Tensor)
            finishTensor();
        object_ = object_ == Object::Root ? Object::None : Object::Root;
        return true;
    }

    bool key(std::string& name)
    {
        if (skipDepth_ > 0)
            return true;
        switch (object_) {
        case Object::Root:
            if (name == "__metadata__") {
                if (seenMetadata_)
                    fail("\"__metadata__\" appears twice");
                seenMetadata_ = true;
                pending_ = Pending::Metadata;
                return true;
            }
            if (result_.index.count(name) != 0)
                fail("tensor " + quoteName(name) + " appears twice in the header");
            if (result_.tensors.size() >= kMaxSafetensorsTensors)
                fail("the header lists more than " + std::to_string(kMaxSafetensorsTensors) +
                     " tensors, the most LoRA Studio accepts");
            tensor_ = TensorInfo{};
            tensor_.name = std::move(name);
            seen_ = {};
            pending_ = Pending::Tensor;
            return true;
        case Object::Metadata:
            if (result_.metadata.count(name) != 0)
                fail("\"__metadata__\" has the key " + quoteName(name) + " twice");
            metadataKey_ = std::move(name);
            pending_ = Pending::MetadataValue;
            return true;
        case Object::Tensor:
            pending_ = fieldFor(name);
            return true;
        case Object::None:
            break;
        }
        return true;
    }

    bool start_array(std::size_t)
    {
        enter();
        if (skipDepth_ > 0) {
            ++skipDepth_;
            return true;
        }
        if (array_ != Array::None)
            fail(arrayName() + " of tensor " + quoteName(tensor_.name) + " contains a nested value; " + arrayRule());
        if (pending_ == Pending::Shape) {
            array_ = Array::Shape;
        } else if (pending_ == Pending::Offsets) {
            array_ = Array::Offsets;
            offsetCount_ = 0;
        } else if (pending_ == Pending::Unknown) {
            skipDepth_ = 1;
        } else {
            wrongType("a list");
        }
        pending_ = Pending::None;
        return true;
    }

    bool end_array()
    {
        --depth_;
        if (skipDepth_ > 0) {
            --skipDepth_;
            return true;
        }
        if (array_ == Array::Offsets && offsetCount_ != 2)
            fail("data_offsets of tensor " + quoteName(tensor_.name) + " has " + std::to_string(offsetCount_) +
                 " numbers; it must be [begin, end]");
        array_ = Array::None;
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex)
    {
        fail("the header is not valid JSON (at byte " + std::to_string(position) + " of the header): " +
             jsonErrorText(ex));
    }

private:
    // What the next JSON value is expected to be.
    enum class Pending { None, Root, Metadata, MetadataValue, Tensor, Dtype, Shape, Offsets, Unknown };
    // The object whose keys are being read.
    enum class Object { None, Root, Metadata, Tensor };
    enum class Array { None, Shape, Offsets };
    struct Seen {
        bool dtype = false, shape = false, offsets = false;
    };

    [[noreturn]] void fail(const std::string& problem) const { throwFileError(file_, problem); }

    void enter()
    {
        if (++depth_ > kMaxHeaderJsonDepth)
            fail("the header's JSON is nested more than " + std::to_string(kMaxHeaderJsonDepth) +
                 " levels deep; a safetensors header needs 3");
    }

    Pending fieldFor(const std::string& field)
    {
        bool* seen = nullptr;
        Pending next = Pending::Unknown;
        if (field == "dtype") {
            seen = &seen_.dtype;
            next = Pending::Dtype;
        } else if (field == "shape") {
            seen = &seen_.shape;
            next = Pending::Shape;
        } else if (field == "data_offsets") {
            seen = &seen_.offsets;
            next = Pending::Offsets;
        } else {
            return Pending::Unknown;  // the reference crate ignores extra fields, so we do too
        }
        if (*seen)
            fail("tensor " + quoteName(tensor_.name) + " has \"" + field + "\" twice");
        *seen = true;
        return next;
    }

    std::string arrayName() const { return array_ == Array::Shape ? "shape" : "data_offsets"; }
    std::string arrayRule() const
    {
        return array_ == Array::Shape ? "dimensions must be non-negative integers"
                                      : "offsets must be non-negative integers";
    }

    bool arrayItem(uint64_t value)
    {
        if (array_ == Array::Shape) {
            if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                fail("shape of tensor " + quoteName(tensor_.name) + " has the dimension " + std::to_string(value) +
                     ", which overflows a 64-bit size");
            tensor_.shape.push_back(static_cast<int64_t>(value));
        } else {
            if (offsetCount_ == 0)
                tensor_.begin = value;
            else if (offsetCount_ == 1)
                tensor_.end = value;
            ++offsetCount_;
        }
        return true;
    }

    // A value of a type that is wrong wherever it appears (or is skipped inside an unknown field).
    bool scalar(const char* what)
    {
        if (skipDepth_ > 0)
            return true;
        if (array_ != Array::None)
            fail(arrayName() + " of tensor " + quoteName(tensor_.name) + " contains " + what + "; " + arrayRule());
        if (pending_ == Pending::Unknown || (pending_ == Pending::Metadata && std::string_view(what) == "null")) {
            pending_ = Pending::None;  // unknown fields are ignored; "__metadata__": null is what the crate accepts
            return true;
        }
        wrongType(what);
    }

    [[noreturn]] void wrongType(const std::string& found) const
    {
        switch (pending_) {
        case Pending::Root:
            fail("the header must be a JSON object, not " + found);
        case Pending::Metadata:
            fail("\"__metadata__\" must be an object mapping strings to strings, not " + found);
        case Pending::MetadataValue:
            fail("\"__metadata__\" value for key " + quoteName(metadataKey_) + " must be a string, not " + found);
        case Pending::Tensor:
            fail("the entry for tensor " + quoteName(tensor_.name) + " must be an object, not " + found);
        case Pending::Dtype:
            fail("dtype of tensor " + quoteName(tensor_.name) + " must be a string, not " + found);
        case Pending::Shape:
        case Pending::Offsets:
            fail(std::string(pending_ == Pending::Shape ? "shape" : "data_offsets") + " of tensor " +
                 quoteName(tensor_.name) + " must be a list of non-negative integers, not " + found);
        default:
            fail(found + " where the header format has none");
        }
    }

    void finishTensor()
    {
        const std::string name = quoteName(tensor_.name);
        if (!seen_.dtype)
            fail("tensor " + name + " has no dtype");
        if (!seen_.shape)
            fail("tensor " + name + " has no shape");
        if (!seen_.offsets)
            fail("tensor " + name + " has no data_offsets");
        result_.index.emplace(tensor_.name, result_.tensors.size());
        result_.tensors.push_back(std::move(tensor_));
    }

    const std::filesystem::path& file_;
    ParsedHeader result_;
    TensorInfo tensor_;
    Seen seen_;
    std::string metadataKey_;
    bool seenMetadata_ = false;
    Pending pending_ = Pending::Root;
    Object object_ = Object::None;
    Array array_ = Array::None;
    size_t offsetCount_ = 0;
    size_t depth_ = 0;
    size_t skipDepth_ = 0;  // > 0 while inside the value of an ignored field
};

std::string span(uint64_t begin, uint64_t end)
{
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

void checkEntry(const std::filesystem::path& file, const TensorInfo& t, uint64_t dataSize)
{
    const std::string name = quoteName(t.name);
    const auto bytes = tensorByteSize(t.shape, t.dtype);
    if (!bytes)
        throwFileError(file, "shape of tensor " + name + " overflows: its size in bytes does not fit in 64 bits");
    if (t.begin > t.end)
        throwFileError(file, "data_offsets of tensor " + name + " are reversed: begin " + std::to_string(t.begin) +
                                 " is after end " + std::to_string(t.end));
    if (t.end > dataSize)
        throwFileError(file, "data_offsets of tensor " + name + " " + span(t.begin, t.end) +
                                 " run past the end of the data area (" + std::to_string(dataSize) +
                                 " bytes); the file may be truncated");
    if (t.end - t.begin != *bytes)
        throwFileError(file, "tensor " + name + " has " + std::to_string(t.end - t.begin) +
                                 " bytes of data, which does not match its shape and dtype " + dtypeName(t.dtype) +
                                 " (" + std::to_string(*bytes) + " bytes)");
}

// The reference crate (0.8) requires the tensors, sorted by offsets, to tile the data area with no
// overlap, no hole and nothing after the last tensor: the spec forbids holes so that a file cannot hide a
// second payload (a polyglot). We match it, so a file we accept loads everywhere and vice versa.
void checkLayout(const std::filesystem::path& file, const std::vector<TensorInfo>& tensors, uint64_t dataSize)
{
    std::vector<size_t> order(tensors.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return std::pair(tensors[a].begin, tensors[a].end) < std::pair(tensors[b].begin, tensors[b].end);
    });
    uint64_t covered = 0;
    const TensorInfo* previous = nullptr;
    for (size_t i : order) {
        const TensorInfo& t = tensors[i];
        if (t.begin < covered)
            throwFileError(file, "tensor " + quoteName(t.name) + " at bytes " + span(t.begin, t.end) +
                                     " overlaps tensor " + quoteName(previous->name) + " at bytes " +
                                     span(previous->begin, previous->end));
        if (t.begin > covered)
            throwFileError(file, "bytes " + span(covered, t.begin) + " of the data area (before tensor " +
                                     quoteName(t.name) +
                                     ") belong to no tensor; safetensors files must not have holes");
        covered = t.end;
        previous = &t;
    }
    if (covered != dataSize)
        throwFileError(file, "the last " + std::to_string(dataSize - covered) +
                                 " bytes of the data area belong to no tensor; safetensors files must not have "
                                 "holes (the file may have been written incompletely or altered)");
}

}  // namespace

ParsedHeader parseSafetensorsHeader(const std::filesystem::path& file, std::string_view text, uint64_t dataSize)
{
    // nlohmann's lexer takes a NUL byte for the end of input and would ignore whatever follows it; raw NUL
    // is never valid JSON, and the reference crate refuses it, so we refuse it before parsing.
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        throwFileError(file, "the header is not valid JSON: it contains a NUL byte at byte " + std::to_string(nul) +
                                 " of the header");
    HeaderSax sax(file);
    // nlohmann's parser is iterative, so deep nesting cannot overflow our stack before enter() refuses it.
    json::sax_parse(text.data(), text.data() + text.size(), &sax);
    ParsedHeader header = sax.take();
    for (const TensorInfo& t : header.tensors)
        checkEntry(file, t, dataSize);
    checkLayout(file, header.tensors, dataSize);
    return header;
}

}  // namespace lora::safetensors_detail
