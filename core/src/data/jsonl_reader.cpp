#include "data/example_builder.h"
#include "data/line_reader.h"
#include "data/prompt_format.h"
#include "data/readers.h"
#include "data/utf8.h"

#include <nlohmann/json.hpp>

#include <exception>
#include <variant>

namespace lora::data {

namespace {

using nlohmann::json;

// nlohmann says "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error ...";
// a row is one line, so only the column and the reason are worth showing.
std::string describeJsonError(const json::parse_error& e)
{
    std::string what = e.what();
    std::string reason = what;
    if (const size_t column = what.find("column "); column != std::string::npos) {
        if (const size_t colon = what.find(": ", column); colon != std::string::npos) reason = what.substr(colon + 2);
    }
    return "invalid JSON at column " + std::to_string(e.byte) + ": " + reason;
}

std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

// Empty problem when `out` was set. A missing optional field, or null, reads as "".
std::string readString(const json& object, std::string_view name, bool required, std::string& out,
                       const std::string& where = {})
{
    const auto it = object.find(std::string(name));
    if (it == object.end() || (it->is_null() && !required)) {
        if (required) return where + "missing field " + quoted(name);
        out.clear();
        return {};
    }
    if (!it->is_string()) return where + "field " + quoted(name) + " must be a string, not " + it->type_name();
    out = it->get<std::string>();
    return {};
}

std::variant<std::vector<Segment>, std::string> textRow(const json& row)
{
    std::string text;
    if (auto problem = readString(row, "text", true, text); !problem.empty()) return problem;
    if (isBlank(text)) return std::string("field \"text\" is empty");
    return std::vector<Segment>{{std::move(text), true, true}};
}

std::variant<std::vector<Segment>, std::string> instructionRow(const json& row)
{
    std::string instruction, input, output;
    if (auto problem = readString(row, "instruction", true, instruction); !problem.empty()) return problem;
    if (auto problem = readString(row, "input", false, input); !problem.empty()) return problem;
    if (auto problem = readString(row, "output", true, output); !problem.empty()) return problem;
    if (isBlank(instruction)) return std::string("field \"instruction\" is empty");
    if (isBlank(output)) return std::string("field \"output\" is empty: there is no response to learn");
    if (isBlank(input)) input.clear();
    return renderInstruction(instruction, input, output);
}

std::variant<std::vector<Segment>, std::string> messagesRow(const json& row)
{
    const json& messages = row["messages"];
    if (!messages.is_array()) {
        return "field \"messages\" must be a list of {\"role\", \"content\"} objects, not " +
               std::string(messages.type_name());
    }
    if (messages.empty()) return std::string("field \"messages\" is empty");
    std::vector<ChatTurn> turns;
    turns.reserve(messages.size());
    bool anyAssistant = false;
    for (size_t i = 0; i < messages.size(); ++i) {
        const json& message = messages[i];
        const std::string where = "messages[" + std::to_string(i) + "]: ";
        if (!message.is_object()) {
            return where + "must be an object with \"role\" and \"content\", not " + message.type_name();
        }
        ChatTurn turn;
        if (auto problem = readString(message, "role", true, turn.role, where); !problem.empty()) return problem;
        if (auto problem = readString(message, "content", true, turn.content, where); !problem.empty()) return problem;
        if (!isKnownChatRole(turn.role)) {
            return where + "unknown role \"" + turn.role + "\" (expected \"system\", \"user\" or \"assistant\")";
        }
        anyAssistant = anyAssistant || (turn.role == "assistant" && !isBlank(turn.content));
        turns.push_back(std::move(turn));
    }
    if (!anyAssistant) return std::string("no assistant message with content: there is nothing to learn");
    return renderChat(turns);
}

std::variant<std::vector<Segment>, std::string> renderRow(const json& row)
{
    if (!row.is_object()) return "a row must be a JSON object, not " + std::string(row.type_name());
    if (row.contains("messages")) return messagesRow(row);
    if (row.contains("instruction") || row.contains("output")) return instructionRow(row);
    if (row.contains("text")) return textRow(row);
    return std::string(
        "the row has none of the fields \"text\", \"instruction\" and \"output\", or \"messages\"");
}

}  // namespace

void readJsonlDataset(const LoadContext& context, Dataset& dataset)
{
    const DatasetOptions& options = context.options;
    LineReader reader(context.file, options.maxLineBytes);
    LineReader::Line line;
    while (reader.next(line)) {
        if (line.tooLong) {
            context.badRows.report(line.number, lineTooLongProblem(options.maxLineBytes));
            continue;
        }
        if (isBlank(line.text)) continue;
        if (auto bad = findInvalidUtf8(line.text)) {
            context.badRows.report(line.number, describeInvalidUtf8(line.text, *bad));
            continue;
        }
        std::string problem;
        std::variant<std::vector<Segment>, std::string> rendered;
        try {
            rendered = renderRow(json::parse(line.text));
        } catch (const json::parse_error& e) {
            problem = describeJsonError(e);
        } catch (const json::exception& e) {
            // e.g. out_of_range for a number like 1e999
            std::string what = e.what();
            if (const size_t end = what.find("] "); end != std::string::npos) what.erase(0, end + 2);
            problem = "invalid JSON: " + what;
        }
        if (problem.empty() && std::holds_alternative<std::string>(rendered)) problem = std::get<std::string>(rendered);
        if (!problem.empty()) {
            context.badRows.report(line.number, problem);
            continue;
        }
        std::variant<Example, std::string> built;
        try {
            built = buildCausalExample(context.tokenizer, std::get<std::vector<Segment>>(rendered), context.eosId,
                                       options.maxLength);
        } catch (const std::exception& e) {
            built = std::string("the tokenizer failed: ") + e.what();
        }
        if (auto* failure = std::get_if<std::string>(&built)) {
            context.badRows.report(line.number, *failure);
            continue;
        }
        Example& example = std::get<Example>(built);
        example.line = line.number;
        dataset.examples.push_back(std::move(example));
    }
}

}  // namespace lora::data
