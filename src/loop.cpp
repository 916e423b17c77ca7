// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The loop entry points (tevent_loop_once, _until, _wait) with their
// nesting rules, trace points and frames.
#include "loop.hpp"

#include <cerrno>
#include <cstring>

#include "debug.hpp"
#include "fd.hpp"
#include "immediate.hpp"
#include "req.hpp"
#include "signal.hpp"
#include "timer.hpp"

namespace tev
{
namespace
{

void abort_nesting(tevent_context *ev, const char *location)
{
    const char *reason =
        talloc_asprintf(nullptr, "tevent_loop_once() nesting at %s", location);
    if (reason == nullptr) {
        reason = "tevent_loop_once() nesting";
    }
    abort_with(ev, reason);
}

int nesting_hook(tevent_context *ev, bool begin, void **stack_ptr,
                 const char *location)
{
    if (ev->nesting.hook_fn == nullptr) {
        return 0;
    }
    return ev->nesting.hook_fn(ev, ev->nesting.hook_private, ev->nesting.level,
                               begin, static_cast<void *>(stack_ptr), location);
}

// Runs body(scope) between the nesting bookkeeping of one loop entry point.
template <class Body>
int with_nesting(tevent_context *ev, const char *location, Body body)
{
    void *stack_ptr = nullptr;
    ev->nesting.level += 1;
    if (ev->nesting.level > 1 && !ev->nesting.allowed) {
        abort_nesting(ev, location);
        // Upstream leaves the level raised when the abort hook returns.
        errno = ELOOP;
        return -1;
    }
    int ret = nesting_hook(ev, true, &stack_ptr, location);
    if (ret == 0) {
        FrameScope scope(ev);
        ret = body(scope);
        if (scope.ev_freed()) {
            return ret;
        }
        int end = nesting_hook(ev, false, &stack_ptr, location);
        if (end != 0) {
            ret = end;
        }
    }
    ev->nesting.level -= 1;
    return ret;
}

} // namespace

int loop_once(tevent_context *ev, const char *location)
{
    return with_nesting(ev, location, [&](const FrameScope &scope) {
        trace_point(ev, TEVENT_TRACE_BEFORE_LOOP_ONCE);
        int ret = ev->ops->loop_once(ev, location);
        if (!scope.ev_freed()) {
            trace_point(ev, TEVENT_TRACE_AFTER_LOOP_ONCE);
        }
        call_depth_notify(TEVENT_CALL_FLOW_REQ_RESET, nullptr, 0,
                          "_tevent_loop_once");
        return ret;
    });
}

int loop_until(tevent_context *ev, bool (*finished)(void *), void *pd,
               const char *location)
{
    return with_nesting(ev, location, [&](const FrameScope &scope) {
        int ret = 0;
        while (!finished(pd)) {
            trace_point(ev, TEVENT_TRACE_BEFORE_LOOP_ONCE);
            ret = ev->ops->loop_once(ev, location);
            if (scope.ev_freed()) {
                break;
            }
            trace_point(ev, TEVENT_TRACE_AFTER_LOOP_ONCE);
            if (ret != 0) {
                break;
            }
        }
        return ret;
    });
}

int loop_wait(tevent_context *ev, const char *location)
{
    return ev->ops->loop_wait(ev, location);
}

bool have_events(tevent_context *ev)
{
    if (timer_first(ev) != nullptr || !ev->immediate_events.empty() ||
        !ev->signal_events.empty()) {
        return true;
    }
    for (tevent_fd *fde = ev->fd_events.head; fde != nullptr; fde = fde->next) {
        if (fde != ev->wakeup_fde && fde->flags != 0) {
            return true;
        }
    }
    return false;
}

int common_loop_wait(tevent_context *ev, const char *location)
{
    FrameScope scope(ev);
    while (have_events(ev)) {
        int ret = loop_once(ev, location);
        if (scope.ev_freed()) {
            return ret;
        }
        if (ret != 0) {
            debug(ev, TEVENT_DEBUG_FATAL,
                  "_tevent_loop_once() failed: %d - %s\n", ret,
                  strerror(errno));
            return ret;
        }
    }
    debug(ev, TEVENT_DEBUG_WARNING,
          "tevent_common_loop_wait() out of events\n");
    return 0;
}

void loop_allow_nesting(tevent_context *ev)
{
    if (ev->wrapper.glue != nullptr) {
        abort_with(ev, "tevent_loop_allow_nesting() on wrapper");
        return;
    }
    if (!ev->wrapper.list.empty()) {
        abort_with(ev, "tevent_loop_allow_nesting() with wrapper");
        return;
    }
    ev->nesting.allowed = true;
}

void loop_set_nesting_hook(tevent_context *ev, tevent_nesting_hook hook,
                           void *private_data)
{
    if (ev->nesting.hook_fn != nullptr &&
        (ev->nesting.hook_fn != hook ||
         ev->nesting.hook_private != private_data)) {
        // Two different hooks cannot be honoured at the same time.
        abort_with(ev, "tevent: Violation of nesting hook rules\n");
    }
    ev->nesting.hook_fn = hook;
    ev->nesting.hook_private = private_data;
}

} // namespace tev
