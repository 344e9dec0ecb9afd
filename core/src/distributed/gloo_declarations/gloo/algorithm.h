#pragma once
// Stand-in for gloo's header (see ../README.md): ProcessGroupGloo.hpp names nothing from it.
#include "gloo/context.h"
