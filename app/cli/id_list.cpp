#include "id_list.h"

#include "lora/error.h"

#include <sstream>
#include <stdexcept>

namespace lora::cli {

std::vector<int64_t> parseIdList(const std::string& text)
{
    std::vector<int64_t> ids;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        try {
            size_t used = 0;
            ids.push_back(std::stoll(item, &used));
            if (used != item.size())
                throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw Error("--ids: '" + item + "' is not an integer token id (expected e.g. --ids 1,2,3)");
        }
    }
    return ids;
}

}  // namespace lora::cli
