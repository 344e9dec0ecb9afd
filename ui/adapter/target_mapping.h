#pragma once
// How the Adapter page's grid becomes a PEFT LoraConfig. The mapping, in full:
//
//  - Every ticked cell contributes its full Hugging Face module name ("model.layers.3.self_attn.q_proj") to
//    target_modules. PEFT matches a list entry against a name by equality or by a "." + entry suffix; a full
//    name can only equal itself and is never a suffix of another module's name, so exactly the ticked modules
//    are adapted, and adapter_config.json says so to anyone who reads it.
//  - layers_to_transform stays empty: the grid's rows already say which layers are adapted.
//  - A cell's own rank becomes a rank_pattern entry whose key is the cell's full name, regex-escaped and
//    anchored with "^". PEFT tests keys with re.match(r"(.*\.)?(key)$", name); the "^" inside the group
//    only matches at the start of the name, so the key can only ever match that one module.
//  - An expert regex replaces the list (PEFT: a string target_modules is a full-match regex); the per-cell
//    ranks still apply to whichever modules it matches.
#include "lora/lora_config.h"

#include <map>
#include <string>
#include <vector>

// A regex matching exactly this module name as a rank_pattern/alpha_pattern key (see above).
std::string exactModulePattern(const std::string& moduleName);

// `base` with its targets replaced by the grid's choices (modules in model order) or by `regex` when it is
// non-empty. Hyper-parameters of `base` (r, alpha, dropout, ...) are kept.
lora::LoraConfig applyGridTargets(lora::LoraConfig base, const std::vector<std::string>& modules,
                                  const std::map<std::string, int>& rankOverrides, const std::string& regex);
