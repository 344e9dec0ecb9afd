#include "data/prompt_format.h"

namespace lora::data {

std::vector<Segment> renderInstruction(std::string_view instruction, std::string_view input, std::string_view output)
{
    std::string prompt = "### Instruction:\n";
    prompt += instruction;
    prompt += "\n\n";
    if (!input.empty()) {
        prompt += "### Input:\n";
        prompt += input;
        prompt += "\n\n";
    }
    prompt += "### Response:\n";
    std::vector<Segment> segments;
    segments.push_back({std::move(prompt), false, false});
    segments.push_back({std::string(output), true, true});
    return segments;
}

std::vector<Segment> renderChat(const std::vector<ChatTurn>& turns)
{
    std::vector<Segment> segments;
    for (const ChatTurn& turn : turns) {
        const bool learned = turn.role == "assistant";
        segments.push_back({"<|" + turn.role + "|>\n", false, false});
        segments.push_back({turn.content + "\n", learned, learned});
    }
    return segments;
}

bool isKnownChatRole(std::string_view role)
{
    return role == "system" || role == "user" || role == "assistant";
}

}  // namespace lora::data
