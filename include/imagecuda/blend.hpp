// SPDX-License-Identifier: MIT
/// @file blend.hpp  blend module (being written).
#pragma once

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"

namespace imagecuda::blend {}  // namespace imagecuda::blend
