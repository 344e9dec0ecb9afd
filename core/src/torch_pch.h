// Precompiled for every torch translation unit of core: torch's headers dominate build time on 2 cores.
#pragma once
#include <torch/torch.h>
