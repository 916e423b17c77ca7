// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Immediate events (immediate.cpp).
#pragma once

#include "context.hpp"

struct tevent_wrapper_glue;

// `busy` while the handler runs, `destroyed` once the talloc destructor ran
// (see fd.hpp).
struct tevent_immediate {
    tevent_immediate *prev = nullptr, *next = nullptr;
    tevent_context *event_ctx = nullptr;
    tevent_wrapper_glue *wrapper = nullptr;
    bool busy = false;
    bool destroyed = false;
    bool has_destructor = false; // immediate.cpp's destructor is installed
    tevent_context *detach_ev_ctx = nullptr;
    tevent_immediate_handler_t handler = nullptr;
    void *private_data = nullptr;
    const char *handler_name = nullptr;
    const char *create_location = nullptr;
    const char *schedule_location = nullptr;
    uint64_t tag = 0;
};

namespace tev
{

tevent_immediate *create_immediate(TALLOC_CTX *mem_ctx, const char *location);
void common_immediate_cancel(tevent_immediate *im);
// talloc_free(im).  While its handler runs, an immediate cannot be freed:
// it is only cancelled and marked, the dispatcher frees it afterwards;
// that case skips the round trip through talloc.
void free_immediate(tevent_immediate *im);
void common_schedule_immediate(tevent_immediate *im, tevent_context *ev,
                               tevent_immediate_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location);
int common_invoke_immediate_handler(tevent_immediate *im, bool *removed);
bool common_loop_immediate(tevent_context *ev);
// Teardown of a context (glue == nullptr: every immediate, DETACH-traced)
// or of one wrapper of it (its immediates, untraced as upstream): unlinks
// them and leaves them inert.
void immediates_detach(tevent_context *ev, const tevent_wrapper_glue *glue);

// tevent_schedule_immediate(): through the context's backend (or wrapper).
inline void schedule_immediate(tevent_immediate *im, tevent_context *ev,
                               tevent_immediate_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location)
{
    ev->ops->schedule_immediate(im, ev, handler, private_data, handler_name,
                                location);
}

} // namespace tev
