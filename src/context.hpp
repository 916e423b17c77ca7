// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Contexts, the backend registry and the loop (context.cpp).
#pragma once

#include "core.hpp"

namespace tev
{

bool register_backend(const char *name, const tevent_ops *ops);
void set_default_backend(const char *name);
const tevent_ops *find_ops_byname(const char *name);
const char **backend_list(TALLOC_CTX *mem_ctx);

tevent_context *context_init_ops(TALLOC_CTX *mem_ctx, const tevent_ops *ops,
                                 void *additional_data);
tevent_context *context_init_byname(TALLOC_CTX *mem_ctx, const char *name);
int context_destructor(tevent_context *ev);
int re_initialise(tevent_context *ev);
uint32_t set_wait_timeout(tevent_context *ev, uint32_t secs);

int loop_once(tevent_context *ev, const char *location);
int loop_until(tevent_context *ev, bool (*finished)(void *), void *pd,
               const char *location);
int loop_wait(tevent_context *ev, const char *location);
int common_loop_wait(tevent_context *ev, const char *location);
bool have_events(tevent_context *ev);
void loop_allow_nesting(tevent_context *ev);
void loop_set_nesting_hook(tevent_context *ev, tevent_nesting_hook hook,
                           void *private_data);

// pid cached by the fork handlers; registers them on first use.
pid_t cached_getpid();

} // namespace tev
