// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The loop entry points (loop.cpp).
#pragma once

#include "core.hpp"

namespace tev
{

int loop_once(tevent_context *ev, const char *location);
int loop_until(tevent_context *ev, bool (*finished)(void *), void *pd,
               const char *location);
int loop_wait(tevent_context *ev, const char *location);
int common_loop_wait(tevent_context *ev, const char *location);
bool have_events(tevent_context *ev);
void loop_allow_nesting(tevent_context *ev);
void loop_set_nesting_hook(tevent_context *ev, tevent_nesting_hook hook,
                           void *private_data);

// tevent_ops::loop_once of the built-in backends: one iteration around the
// context's poller.
int builtin_loop_once(tevent_context *ev, const char *location);

} // namespace tev
