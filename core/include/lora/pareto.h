#pragma once
// The Pareto front of a set of (cost, quality) points: the points no other point beats on both at once.
// Cost is always minimised (trainable parameters, adapter bytes); quality is minimised (a validation loss) or
// maximised (a task metric). Torch-free and pure, so the chart and lora-cli agree by construction.
#include <cstddef>
#include <vector>

namespace lora {

struct ParetoPoint {
    double cost = 0;
    double quality = 0;
};

enum class QualityGoal { Minimise, Maximise };

// Indices of the points on the front, by increasing cost. A point is on it unless another has cost <= and
// quality at least as good, one of them strictly; equal points are all on it. Points with a NaN are left out.
std::vector<size_t> paretoFront(const std::vector<ParetoPoint>& points, QualityGoal goal = QualityGoal::Minimise);

}  // namespace lora
