#include "commands.h"

#include "lora/tokenizer.h"

#include <filesystem>
#include <iostream>

namespace lora::cli {
namespace {

struct TokenizeOptions {
    std::string model;
    std::string text;
    bool noSpecial = false;
    bool showTokens = false;
};

int tokenize(const TokenizeOptions& o)
{
    std::filesystem::path file = o.model;
    if (std::filesystem::is_directory(file))
        file /= "tokenizer.json";
    const auto tokenizer = Tokenizer::fromFile(file);
    const auto ids = tokenizer->encode(o.text, !o.noSpecial);
    for (size_t i = 0; i < ids.size(); ++i)
        std::cout << (i ? " " : "") << ids[i];
    std::cout << "\n";
    if (o.showTokens) {
        for (int32_t id : ids)
            std::cout << id << "\t" << tokenizer->idToToken(id) << "\n";
    }
    return 0;
}

}  // namespace

void addTokenizeCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("tokenize", "Print the token ids of a text, as the model's tokenizer.json encodes it");
    auto o = std::make_shared<TokenizeOptions>();
    cmd->add_option("model", o->model, "Model folder (or a tokenizer.json file)")->required();
    cmd->add_option("text", o->text, "Text to encode")->required();
    cmd->add_flag("--no-special", o->noSpecial, "Do not add the special tokens of the post-processor");
    cmd->add_flag("--tokens", o->showTokens, "Also print each id with its token");
    cmd->callback([&selected, o] { selected = [o] { return tokenize(*o); }; });
}

}  // namespace lora::cli
