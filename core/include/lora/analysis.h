#pragma once
// Inside a LoRA adapter: the spectrum of each module's update ΔW = s·B·A (computed exactly from the r×r core,
// never forming the d_out×d_in matrix), how those figures moved over a run's checkpoints, the subspace similarity
// φ of two adapters (LoRA paper §7), and weighted combinations of adapters saved as a new PEFT folder.
// Torch-free public view: plain numbers and float arrays.
#include "lora/adapter.h"
#include "lora/model.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lora {

struct SpectrumOptions {
    int topK = 1;                 // topEnergy: the share of ‖ΔW‖_F² in the k largest singular values
    double rankThreshold = 0.01;  // thresholdRank counts σ_i > rankThreshold · σ_1
};

// One adapted module. For DoRA the figures are those of the low-rank part s·B·A only: the learned magnitude
// rescales W's rows on top of it and is not part of this spectrum (AdapterSpectra::note says so).
struct ModuleSpectrum {
    std::string module;  // full Hugging Face name
    std::string kind;    // the name inside its block ("self_attn.q_proj"): the heatmap's column
    int layer = -1;      // block index, -1 outside the blocks: the heatmap's row
    int rank = 0;        // r of this module's branch
    double scaling = 0;  // s = alpha / r (alpha / √r with rsLoRA)
    std::vector<double> singularValues;  // of ΔW, descending; min(r, d_out, d_in) of them (the rest are 0)
    // Roy & Vetterli (2007): exp(H(p)), p_i = σ_i / Σσ. Between 1 and r; r when every σ is equal. 0 for ΔW = 0.
    double effectiveRank = 0;
    int thresholdRank = 0;  // σ_i > rankThreshold · σ_1
    double topEnergy = 0;   // Σ_{i≤k} σ_i² / Σ σ_i²; 0 for ΔW = 0
    double deltaNorm = 0;   // ‖ΔW‖_F = √Σσ²
    double weightNorm = 0;  // ‖W‖_F of the base weight
    double relativeNorm = 0;  // ‖ΔW‖_F / ‖W‖_F
};

struct AdapterSpectra {
    std::filesystem::path source;  // the adapter or checkpoint folder; empty for an adapter made in memory
    int64_t step = -1;             // the training step of a checkpoint, else -1
    SpectrumOptions options;
    std::string note;  // what the figures mean for this adapter (DoRA: only the low-rank part), else empty
    std::vector<ModuleSpectrum> modules;  // in target order
};

// The figures above for every LoRA module of `adapter`. Computation: B = Q_B R_B and Aᵀ = Q_A R_A (reduced
// QR), so B·A = Q_B (R_B R_Aᵀ) Q_Aᵀ and its singular values are those of the r×r core R_B R_Aᵀ, times |s|;
// in float64 whatever the adapter's dtype. Throws lora::Error for topK < 1 or a threshold outside [0, 1).
AdapterSpectra analyzeAdapter(const Adapter& adapter, const SpectrumOptions& options = {});

// The checkpoint folders of a run, oldest first: RUN_OUT/checkpoints/step-N (or the checkpoints folder itself).
// Throws lora::Error naming the folder when it holds none.
struct CheckpointFolder {
    int64_t step = 0;
    std::filesystem::path path;
};
std::vector<CheckpointFolder> listCheckpoints(const std::filesystem::path& runOut);

// analyzeAdapter for every checkpoint of a run, loaded on `model` one after another (the model's attached adapter
// is left as it was). `onProgress(done, total)` is called after each; returning false stops early.
std::vector<AdapterSpectra> analyzeCheckpoints(Model& model, const std::filesystem::path& runOut,
                                               const SpectrumOptions& options = {},
                                               const std::function<bool(int, int)>& onProgress = {});

// φ(A₁, A₂, i, j) = ‖U₁[:, :i]ᵀ U₂[:, :j]‖_F² / min(i, j), with U the right-singular vectors of each module's
// A [r, d_in] (LoRA paper §7): how much of the top-i directions of one adapter lie in the top-j of the other.
// values is rows × cols row-major, entry (i-1, j-1); rows = r of `first`'s module, cols = r of `second`'s.
struct SubspaceSimilarity {
    std::string module;
    int rows = 0;
    int cols = 0;
    std::vector<double> values;
    double at(int i, int j) const { return values[static_cast<size_t>((i - 1) * cols + (j - 1))]; }
};
// Throws lora::Error when either adapter lacks `module` (listing the modules they have) or the input sizes differ.
SubspaceSimilarity subspaceSimilarity(const Adapter& first, const Adapter& second, const std::string& module);

// The modules both adapters adapt, in the first's order.
std::vector<std::string> commonModules(const Adapter& first, const Adapter& second);

// Weighted combination into a new adapter, as PEFT's LoraModel.add_weighted_adapter defines it:
//  Linear: all ranks equal; per module A = Σ sign(w_k s_k)·√|w_k s_k|·A_k and B = Σ √|w_k s_k|·B_k (so B·A is
//          NOT Σ w_k s_k B_k A_k: the cross terms stay; PEFT calls it a rough approximation).
//  Cat:    rank Σ r_k; A = [w_1 s_1 A_1; w_2 s_2 A_2; ...], B = [B_1, B_2, ...]: exactly Σ w_k ΔW_k.
//  Svd:    rank `rank` (0: the largest input rank); the best rank-r approximation of Σ w_k ΔW_k (B = U_r Σ_r,
//          A = V_rᵀ), exact when r reaches the rank of the sum.
// The new config is the first adapter's with r = lora_alpha = the new rank (scaling 1), rank/alpha patterns
// cleared and target_modules the union of the inputs' (regexes joined "(a)|(b)"), as PEFT writes it; unlike PEFT,
// use_rslora is cleared too, since PEFT's maths assume scaling 1 (with rsLoRA PEFT's result is off by √r).
// A module missing from some inputs combines the others. Refused with a lora::Error: no inputs, DoRA, modules_to_save,
// PiSSA-modified bases, mixed list/regex target_modules, unequal ranks for Linear, adapters of another model.
enum class CombineMethod { Linear, Cat, Svd };
CombineMethod combineMethodFromName(const std::string& name);  // "linear", "cat", "svd"; else lora::Error
struct WeightedAdapter {
    std::shared_ptr<Adapter> adapter;
    double weight = 1.0;
};
struct CombineResult {
    int rank = 0;
    int modules = 0;
};
// Writes the combination into `outDir` as a PEFT folder for `model` (the model every input was loaded on).
CombineResult combineAdapters(Model& model, const std::vector<WeightedAdapter>& inputs, CombineMethod method,
                              int rank, const std::filesystem::path& outDir);

// For display: the base weight W and ΔW = s·B·A of one module in nn.Linear's [out, in] layout, each averaged
// down to at most maxSide × maxSide cells (the shape says what was kept). Forms ΔW: meant for one module at a time.
struct ModuleMatrices {
    FloatArray weight;
    FloatArray delta;
    std::vector<int64_t> fullShape;  // [out, in] before downsampling
};
ModuleMatrices moduleMatrices(const Adapter& adapter, const std::string& module, int maxSide = 96);

}  // namespace lora
