// SPDX-License-Identifier: MIT
/// @file adjust.hpp  adjust module (being written).
#pragma once

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"

namespace imagecuda::adjust {}  // namespace imagecuda::adjust
