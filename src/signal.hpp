// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Signal events and their dispatch (signal.cpp).
#pragma once

#include "context.hpp"

struct tevent_wrapper_glue;

// `busy` while the handler runs, `destroyed` once the talloc destructor ran
// (see fd.hpp).
struct tevent_signal {
    tevent_signal *prev = nullptr, *next = nullptr;
    tevent_context *event_ctx = nullptr;
    tevent_wrapper_glue *wrapper = nullptr;
    bool busy = false;
    bool destroyed = false;
    int signum = 0;
    int sa_flags = 0;
    tevent_signal_handler_t handler = nullptr;
    void *private_data = nullptr;
    const char *handler_name = nullptr;
    const char *location = nullptr;
    void *additional_data = nullptr; // its node in the process-wide table
    uint64_t tag = 0;
};

namespace tev
{

tevent_signal *common_add_signal(tevent_context *ev, TALLOC_CTX *mem_ctx,
                                 int signum, int sa_flags,
                                 tevent_signal_handler_t handler,
                                 void *private_data, const char *handler_name,
                                 const char *location);
int common_check_signal(tevent_context *ev);
void cleanup_pending_signal_handlers(tevent_signal *se);
int common_invoke_signal_handler(tevent_signal *se, int signum, int count,
                                 void *siginfo, bool *removed);
size_t num_signals();
size_t sa_info_queue_count();
// Context teardown, before the wakeup fd closes: no delivery writes to
// ev's wakeup fd any more.
void signals_leave_wake_lists(tevent_context *ev);
// Context teardown: DETACH-traces, unlinks and cleans up every signal event
// of ev (restoring the old disposition where it was the last one).
void signals_detach_all(tevent_context *ev);

// Fork handlers: the process-wide signal table lock must not be held by
// another thread across fork().
void signals_atfork_prepare();
void signals_atfork_parent();
void signals_atfork_child();

// tevent_add_signal(): through the context's backend (or wrapper) ops.
inline tevent_signal *add_signal(tevent_context *ev, TALLOC_CTX *mem_ctx,
                                 int signum, int sa_flags,
                                 tevent_signal_handler_t handler,
                                 void *private_data, const char *handler_name,
                                 const char *location)
{
    return ev->ops->add_signal(ev, mem_ctx, signum, sa_flags, handler,
                               private_data, handler_name, location);
}

inline bool signal_support(const tevent_context *ev)
{
    return ev->ops->add_signal != nullptr;
}

} // namespace tev
