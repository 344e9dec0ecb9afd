#include "tokenizer/post_processors.h"

#include <map>
#include <optional>
#include <string>

namespace lora::tok {
namespace {

constexpr const char* kSection = "post_processor";

class SequenceProcessor final : public PostProcessor {
public:
    explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> parts) : parts_(std::move(parts)) {}
    std::vector<int32_t> process(std::vector<int32_t> ids, bool addSpecialTokens) const override
    {
        for (const auto& p : parts_) ids = p->process(std::move(ids), addSpecialTokens);
        return ids;
    }

private:
    std::vector<std::unique_ptr<PostProcessor>> parts_;
};

// ByteLevel's post-processing only trims offsets, which ids do not carry.
class IdentityProcessor final : public PostProcessor {
public:
    std::vector<int32_t> process(std::vector<int32_t> ids, bool) const override { return ids; }
};

// Bert/Roberta (single sequence): cls + ids + sep.
class WrapProcessor final : public PostProcessor {
public:
    WrapProcessor(int32_t cls, int32_t sep) : cls_(cls), sep_(sep) {}
    std::vector<int32_t> process(std::vector<int32_t> ids, bool addSpecialTokens) const override
    {
        if (!addSpecialTokens) return ids;
        std::vector<int32_t> out;
        out.reserve(ids.size() + 2);
        out.push_back(cls_);
        out.insert(out.end(), ids.begin(), ids.end());
        out.push_back(sep_);
        return out;
    }

private:
    int32_t cls_;
    int32_t sep_;
};

class TemplateProcessor final : public PostProcessor {
public:
    // Each element: the ids of a special token, or nullopt for the sequence itself ($A).
    explicit TemplateProcessor(std::vector<std::optional<std::vector<int32_t>>> single) : single_(std::move(single)) {}
    std::vector<int32_t> process(std::vector<int32_t> ids, bool addSpecialTokens) const override
    {
        if (!addSpecialTokens) return ids;
        std::vector<int32_t> out;
        out.reserve(ids.size() + single_.size());
        for (const auto& piece : single_) {
            if (piece) out.insert(out.end(), piece->begin(), piece->end());
            else out.insert(out.end(), ids.begin(), ids.end());
        }
        return out;
    }

private:
    std::vector<std::optional<std::vector<int32_t>>> single_;
};

int32_t pairId(const Json& j, const char* key, const char* section)
{
    const Json& p = required(j, key, section);
    if (!p.is_array() || p.size() != 2) throw ConfigError(std::string(section) + ": \"" + key + "\" must be [token, id]");
    return toId(p[1], section);
}

std::unique_ptr<PostProcessor> makeTemplate(const Json& j)
{
    const char* section = "TemplateProcessing";
    std::map<std::string, std::vector<int32_t>> specials;
    const Json& st = required(j, "special_tokens", section);
    if (!st.is_object()) throw ConfigError("TemplateProcessing: \"special_tokens\" must be an object");
    for (const auto& [name, spec] : st.items()) {
        std::vector<int32_t> ids;
        for (const auto& id : required(spec, "ids", section)) ids.push_back(toId(id, section));
        specials[name] = std::move(ids);
    }
    std::vector<std::optional<std::vector<int32_t>>> single;
    const Json& tpl = required(j, "single", section);
    if (!tpl.is_array()) throw ConfigError("TemplateProcessing: \"single\" must be an array");
    for (const auto& piece : tpl) {
        if (const auto it = piece.find("SpecialToken"); it != piece.end()) {
            const std::string id = stringOr(*it, "id", "");
            const auto sp = specials.find(id);
            if (sp == specials.end()) throw ConfigError("TemplateProcessing: special token '" + id + "' is not in special_tokens");
            single.emplace_back(sp->second);
        } else if (const auto seq = piece.find("Sequence"); seq != piece.end()) {
            // A single sequence fills $A; the crate rejects $B in a single template, so it never occurs.
            single.emplace_back(std::nullopt);
        } else {
            throw ConfigError("TemplateProcessing: template piece " + piece.dump() + " is neither SpecialToken nor Sequence");
        }
    }
    return std::make_unique<TemplateProcessor>(std::move(single));
}

}  // namespace

std::unique_ptr<PostProcessor> makePostProcessor(const Json& j)
{
    if (j.is_null()) return nullptr;
    const std::string type = componentType(j, kSection);
    if (type == "Sequence") {
        std::vector<std::unique_ptr<PostProcessor>> parts;
        for (const auto& part : required(j, "processors", kSection)) {
            if (auto p = makePostProcessor(part)) parts.push_back(std::move(p));
        }
        return std::make_unique<SequenceProcessor>(std::move(parts));
    }
    if (type == "ByteLevel") return std::make_unique<IdentityProcessor>();
    if (type == "BertProcessing" || type == "RobertaProcessing") {
        const char* section = type == "BertProcessing" ? "BertProcessing" : "RobertaProcessing";
        return std::make_unique<WrapProcessor>(pairId(j, "cls", section), pairId(j, "sep", section));
    }
    if (type == "TemplateProcessing") return makeTemplate(j);
    unsupported(kSection, type);
}

}  // namespace lora::tok
