#include "lora/error.h"
#include "lora/tokenizer.h"
#include "tokenizer/json_file.h"
#include "tokenizer/pipeline.h"

namespace lora {

std::shared_ptr<const Tokenizer> Tokenizer::fromFile(const std::filesystem::path& tokenizerJson)
{
    const tok::Json root = tok::readTokenizerJson(tokenizerJson);
    try {
        return std::make_shared<const tok::PipelineTokenizer>(root, tokenizerJson);
    } catch (const tok::ConfigError& e) {
        throwFileError(tokenizerJson, e.what());
    } catch (const tok::Json::exception& e) {
        // A field of the wrong JSON type somewhere nlohmann noticed before our own checks did.
        throwFileError(tokenizerJson, std::string("malformed tokenizer.json: ") + e.what());
    }
}

}  // namespace lora
