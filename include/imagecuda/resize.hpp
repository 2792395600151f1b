// SPDX-License-Identifier: MIT
/// @file resize.hpp  resize module (being written).
#pragma once

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"

namespace imagecuda::resize {}  // namespace imagecuda::resize
