#include "lora/pareto.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lora {

std::vector<size_t> paretoFront(const std::vector<ParetoPoint>& points, QualityGoal goal)
{
    // Quality as a value to minimise, so one comparison serves both goals.
    auto q = [&](size_t i) { return goal == QualityGoal::Minimise ? points[i].quality : -points[i].quality; };
    std::vector<size_t> order;
    for (size_t i = 0; i < points.size(); ++i)
        if (!std::isnan(points[i].cost) && !std::isnan(points[i].quality))
            order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return points[a].cost != points[b].cost ? points[a].cost < points[b].cost : q(a) < q(b);
    });
    // Walk by increasing cost, one group of equal cost at a time: the group's best quality is on the front when it
    // beats everything cheaper; its other points are beaten by that best one at the same cost.
    std::vector<size_t> front;
    bool any = false;
    double bestCheaper = 0;
    for (size_t g = 0; g < order.size();) {
        size_t end = g;
        while (end < order.size() && points[order[end]].cost == points[order[g]].cost)
            ++end;
        const double best = q(order[g]);
        if (!any || best < bestCheaper) {
            for (size_t i = g; i < end && q(order[i]) == best; ++i)
                front.push_back(order[i]);
            bestCheaper = best;
            any = true;
        }
        g = end;
    }
    return front;
}

}  // namespace lora
