#pragma once
// The one prompt template and the one chat layout this app trains with (documented in lora/dataset.h).
// Inference must render prompts the same way, so it should call these rather than repeat the strings.
#include "data/example_builder.h"

#include <string>
#include <string_view>
#include <vector>

namespace lora::data {

struct ChatTurn {
    std::string role;  // "system", "user" or "assistant"
    std::string content;
};

// "### Instruction:\n{instruction}\n\n[### Input:\n{input}\n\n]### Response:\n" (masked), then output + EOS.
std::vector<Segment> renderInstruction(std::string_view instruction, std::string_view input, std::string_view output);

// "<|{role}|>\n{content}\n" per turn; an assistant turn's "{content}\n" + EOS is learned.
std::vector<Segment> renderChat(const std::vector<ChatTurn>& turns);

bool isKnownChatRole(std::string_view role);

}  // namespace lora::data
