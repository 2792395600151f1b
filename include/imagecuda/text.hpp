// SPDX-License-Identifier: MIT
/// @file text.hpp  text module (being written).
#pragma once

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"

namespace imagecuda::text {}  // namespace imagecuda::text
