// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Wrapper contexts and the process-wide use stack (wrapper.cpp).
#pragma once

#include "context.hpp"

struct tevent_wrapper_glue {
    tevent_wrapper_glue *prev = nullptr, *next = nullptr;
    tevent_context *wrap_ev = nullptr;
    tevent_context *main_ev = nullptr;
    bool busy = false;
    bool destroyed = false;
    const tevent_wrapper_ops *ops = nullptr;
    void *private_state = nullptr;
};

namespace tev
{

tevent_context *context_wrapper_create(tevent_context *main_ev,
                                       TALLOC_CTX *mem_ctx,
                                       const tevent_wrapper_ops *ops,
                                       void *pstate, size_t psize,
                                       const char *type, const char *location);
bool context_is_wrapper(tevent_context *ev);
bool context_push_use(tevent_context *ev, const char *location);
void context_pop_use(tevent_context *ev, const char *location);
bool context_same_loop(tevent_context *ev1, tevent_context *ev2);

// The main context of a wrapper (nullptr once it is gone), else ev itself.
tevent_context *wrapper_main_ev(tevent_context *ev);

// Around every handler invoked for an event created through a wrapper.
void wrapper_push_use_internal(tevent_context *ev, tevent_wrapper_glue *glue);
void wrapper_pop_use_internal(const tevent_context *ev,
                              tevent_wrapper_glue *glue);

// Context teardown of a main ev: every wrapper loses its main ev.
void wrappers_orphan_all(tevent_context *ev);

} // namespace tev
