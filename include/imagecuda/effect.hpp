// SPDX-License-Identifier: MIT
/// @file effect.hpp  effect module (being written).
#pragma once

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"

namespace imagecuda::effect {}  // namespace imagecuda::effect
