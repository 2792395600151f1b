// SPDX-License-Identifier: MIT
/// @file transform.hpp  transform module (being written).
#pragma once

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"

namespace imagecuda::transform {}  // namespace imagecuda::transform
