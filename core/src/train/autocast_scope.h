#pragma once
// bf16 autocast of the forward pass on CUDA, as torch.autocast("cuda", torch.bfloat16) does; thread-local.
#include <ATen/autocast_mode.h>

namespace lora::train {

class AutocastScope {
public:
    explicit AutocastScope(bool on) : on_(on)
    {
        if (!on_)
            return;
        wasEnabled_ = at::autocast::is_autocast_enabled(at::kCUDA);
        previous_ = at::autocast::get_autocast_dtype(at::kCUDA);
        at::autocast::set_autocast_enabled(at::kCUDA, true);
        at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
        at::autocast::increment_nesting();
    }
    ~AutocastScope()
    {
        if (!on_)
            return;
        if (at::autocast::decrement_nesting() == 0)
            at::autocast::clear_cache();  // the casted weights must not outlive the step they were made for
        at::autocast::set_autocast_enabled(at::kCUDA, wasEnabled_);
        at::autocast::set_autocast_dtype(at::kCUDA, previous_);
    }
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool on_;
    bool wasEnabled_ = false;
    at::ScalarType previous_ = at::kBFloat16;
};

}  // namespace lora::train
