// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The per-context wakeup eventfd (wakeup_fd.cpp).
#pragma once

#include "context.hpp"

namespace tev
{

int common_wakeup_init(tevent_context *ev);
int common_wakeup_fd(int fd);
int common_wakeup(tevent_context *ev);
// Frees the wakeup fde and closes the fd (context teardown).
void common_wakeup_fini(tevent_context *ev);

} // namespace tev
