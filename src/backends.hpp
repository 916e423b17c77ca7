// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The built-in backends' tevent_ops tables (backends.cpp).
#pragma once

#include "core.hpp"

namespace tev
{

extern const tevent_ops epoll_ops;
extern const tevent_ops poll_ops;
extern const tevent_ops poll_mt_ops;
extern const tevent_ops standard_ops;

} // namespace tev
