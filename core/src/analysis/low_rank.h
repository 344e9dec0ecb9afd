#pragma once
// The maths shared by the analysis: exact singular values of a LoRA update from its factors, the figures read off
// a spectrum, and a module's branch and base weight looked up with errors a user can act on.
#include "adapter/lora_branch.h"
#include "lora/adapter.h"
#include "lora/analysis.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace lora::analysis {

// Singular values of s·B·A (B [out, r], A [r, in]), descending, float64, from the QR factors of B and Aᵀ:
// B·A = Q_B (R_B R_Aᵀ) Q_Aᵀ with orthonormal Q's, so only the small core is decomposed.
torch::Tensor lowRankSingularValues(const torch::Tensor& A, const torch::Tensor& B, double scaling);

// effectiveRank, thresholdRank, topEnergy and deltaNorm of `spectrum` (the singular values are copied in too).
void fillSpectrumFigures(const std::vector<double>& singularValues, const SpectrumOptions& options,
                         ModuleSpectrum& out);

// The adapter's branch on `module`; lora::Error listing the adapted modules when there is none.
const adapter::LoraBranch& requireBranch(const Adapter& adapter, const std::string& module);

// The base weight of `module` in nn.Linear's [out, in] layout.
torch::Tensor baseWeight(const Adapter& adapter, const std::string& module);

}  // namespace lora::analysis
