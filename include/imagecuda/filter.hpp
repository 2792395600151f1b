// SPDX-License-Identifier: MIT
/// @file filter.hpp  filter module (being written).
#pragma once

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"

namespace imagecuda::filter {}  // namespace imagecuda::filter
