// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The loop: the entry points (tevent_loop_once, _until, _wait) with their
// nesting rules, trace points and frames, and the one iteration that all
// built-in backends share, around their pollers (poller.hpp).
#include "loop.hpp"

#include <cerrno>
#include <cstring>

#include "debug.hpp"
#include "fd.hpp"
#include "immediate.hpp"
#include "poller.hpp"
#include "req.hpp"
#include "signal.hpp"
#include "threads.hpp"
#include "timer.hpp"

namespace tev
{
namespace
{

__attribute__((noinline, cold)) void abort_nesting(tevent_context *ev,
                                                   const char *location)
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
inline __attribute__((always_inline)) int
with_nesting(tevent_context *ev, const char *location, Body body)
{
    ev->nesting.level += 1;
    if (ev->nesting.level > 1 && !ev->nesting.allowed) {
        abort_nesting(ev, location);
        // Upstream leaves the level raised when the abort hook returns.
        errno = ELOOP;
        return -1;
    }
    // The frame covers the hook calls too: a hook may free the context.
    FrameScope scope(ev);
    void *stack_ptr = nullptr;
    int ret = nesting_hook(ev, true, &stack_ptr, location);
    if (scope.ev_freed()) {
        return ret;
    }
    if (ret == 0) {
        ret = body(scope);
        if (scope.ev_freed()) {
            return ret;
        }
        int end = nesting_hook(ev, false, &stack_ptr, location);
        if (end != 0) {
            ret = end;
        }
        if (scope.ev_freed()) {
            return ret;
        }
    }
    ev->nesting.level -= 1;
    return ret;
}

// ---------------------------------------------------------------------------
// The iteration of the built-in backends

int run_iteration(tevent_context *ev);

// The flags fde is called with for readiness r: what is ready of what it
// wants.  An error or hang-up counts as READ and ERROR; an fde that wants
// only WRITE never hears of one.
inline unsigned ready_flags(const Ready &r, unsigned wanted)
{
    static_assert(TEVENT_FD_READ == POLLIN && TEVENT_FD_WRITE == POLLOUT >> 1);
    // What most readiness is.
    if (r.revents == POLLIN) [[likely]] {
        return wanted & TEVENT_FD_READ;
    }
    if (ready_error(r) && (wanted & (TEVENT_FD_READ | TEVENT_FD_ERROR)) == 0) {
        return 0;
    }
    unsigned flags = (r.revents & POLLIN) | ((r.revents & POLLOUT) >> 1);
    if ((r.revents & error_events) != 0) {
        flags |= TEVENT_FD_ERROR | TEVENT_FD_READ;
    }
    return flags & wanted;
}

// An error that none of r's fdes was called for: those that want only
// WRITE lose it, so that the poller stops reporting it.  False if that
// made the context switch pollers.
bool drop_write(tevent_context *ev, const Ready &r)
{
    tevent_fd *changed = nullptr;
    for (uint32_t i = 0; i < r.count; i++) {
        tevent_fd *fde = r.fdes[i];
        if ((fde->flags & (TEVENT_FD_READ | TEVENT_FD_ERROR)) == 0 &&
            (fde->flags & TEVENT_FD_WRITE) != 0) {
            fde->flags &= ~TEVENT_FD_WRITE;
            changed = fde;
        }
    }
    if (changed == nullptr) {
        return true;
    }
    const Poller *p = ev->poller.ops;
    poller_modify(ev, changed);
    return ev->poller.ops == p;
}

// Out of line, so that the iteration keeps nothing across the handler.
// A poller hands out attached fdes only.
__attribute__((noinline)) void run_fd_handler(tevent_context *ev,
                                              tevent_fd *fde, unsigned flags)
{
    invoke_attached_fd_handler(ev, fde, static_cast<uint16_t>(flags));
}

// Runs the handler of one fd that the last wait found ready: the first
// fde (in the poller's order, then round robin) that wants some of it.
// r is what the wait handed out (count 0: nothing yet).
__attribute__((noinline)) int run_ready_fd(tevent_context *ev, Ready &r)
{
    const Poller *p = ev->poller.ops;
    do {
        for (uint32_t i = 0; i < r.count; i++) {
            tevent_fd *fde = r.fdes[i];
            uint16_t flags = ready_flags(r, fde->flags);
            if (flags == 0) {
                continue;
            }
            // Round robin: the others on this fd go first next time.
            for (uint32_t j = i + 1; j < r.count; j++) {
                r.fdes[j - 1] = r.fdes[j];
            }
            r.fdes[r.count - 1] = fde;
            run_fd_handler(ev, fde, flags);
            return 0;
        }
        if (ready_error(r) && !drop_write(ev, r)) {
            return 0;
        }
    } while (p->next_ready(ev, &r));
    // The poller may have given up on what it was handed.
    if (poller_recover(ev, nullptr, true)) {
        return run_iteration(ev);
    }
    return 0;
}

// The end of a wait that found no fd ready: failed or interrupted (errno
// says why), the zero wait timeout ran out (EAGAIN), or a timer fell due
// meanwhile.  zero_wait: the wait's own timeout was zero, which only the
// wait timeout can make it (a due timer runs without a wait); decided
// before the trace point after the wait, which may change the setting.
__attribute__((noinline)) int after_empty_wait(tevent_context *ev, int ready,
                                               bool zero_wait)
{
    int wait_errno = ready < 0 ? errno : 0;
    trace_point(ev, TEVENT_TRACE_AFTER_WAIT);
    if (poller_recover(ev, nullptr, true)) {
        return run_iteration(ev);
    }
    if (ready < 0) {
        if (wait_errno == EINTR && !ev->signal_events.empty()) {
            common_check_signal(ev);
        }
        return 0;
    }
    if (zero_wait) {
        // tevent_context_set_wait_timeout(0): nothing was ready.
        errno = EAGAIN;
        return -1;
    }
    common_loop_timer_delay(ev);
    return 0;
}

// The rest of an iteration: one due timer, else wait for fds up to the
// next timer (or the wait timeout) and run one of them.
inline __attribute__((always_inline)) int timer_or_fd(tevent_context *ev)
{
    // Without timers the wait is the wait timeout.
    int msec = ev->wait_timeout_msec;
    if (!timers_empty(ev->timers)) {
        struct timeval delay = common_loop_timer_delay(ev);
        if (timeval_is_zero(&delay)) {
            return 0;
        }
        msec = timeout_msec(&delay);
    }
    // A failed re-creation after fork has the fallback poller do the whole
    // iteration over.
    if (!poller_current(ev, nullptr, true)) {
        return run_iteration(ev);
    }
    if (!ev->signal_events.empty() && common_check_signal(ev) != 0) {
        return 0;
    }
    // ev->poller.ops is read where it is used rather than kept across
    // the calls: that leaves a register for the rest.
    if (ev->poller.ops->prepare != nullptr && !ev->poller.ops->prepare(ev)) {
        return -1;
    }
    trace_point(ev, TEVENT_TRACE_BEFORE_WAIT);
    Ready r;
    Ready *first = &r;
    if (ev->tracing.point.callback != nullptr) [[unlikely]] {
        // The trace point may change the fdes: all through next_ready().
        r.count = 0;
        r.revents = 0;
        first = nullptr;
    }
    int ready = ev->poller.ops->wait(ev, msec, first);
    if (ready <= 0) {
        return after_empty_wait(ev, ready, msec == 0);
    }
    // (A wait that failed the poller returned -1.)  The trace point after
    // a wait is for callbacks set when it began.
    if (first == nullptr) {
        trace_point(ev, TEVENT_TRACE_AFTER_WAIT);
    }
    // Most readiness is for an fd with one fde, which wants it.
    if (r.count == 1) {
        tevent_fd *fde = r.fdes[0];
        unsigned flags = ready_flags(r, fde->flags);
        if (flags != 0) {
            run_fd_handler(ev, fde, flags);
            return 0;
        }
    }
    return run_ready_fd(ev, r);
}

__attribute__((noinline)) int run_timer_or_fd(tevent_context *ev)
{
    return timer_or_fd(ev);
}

// One iteration: pending signals, then cross-thread immediates, then one
// immediate, then one due timer, else wait for fds and run one of them.
// All inline in tevent_loop_once(); run_iteration() for everyone else,
// where both ends are tail calls, so that a nested loop costs it no stack.
template <int (*TimerOrFd)(tevent_context *)>
inline __attribute__((always_inline)) int iterate(tevent_context *ev)
{
    if (!ev->signal_events.empty() && common_check_signal(ev) != 0) {
        return 0;
    }
    if (!ev->threaded_contexts.empty()) {
        common_threaded_activate_immediate(ev);
    }
    if (tevent_immediate *im = ev->immediate_events.head) {
        return common_invoke_immediate_handler(im, nullptr);
    }
    return TimerOrFd(ev);
}

int run_iteration(tevent_context *ev)
{
    return iterate<run_timer_or_fd>(ev);
}

} // namespace

int builtin_loop_once(tevent_context *ev, const char *)
{
    return run_iteration(ev);
}

namespace
{

// The backend's loop_once; the built-in one without the indirect call.
int backend_loop_once(tevent_context *ev, const char *location)
{
    if (ev->ops->loop_once == builtin_loop_once) {
        return run_iteration(ev);
    }
    return ev->ops->loop_once(ev, location);
}

// tevent_loop_once() in general: nested, with a nesting hook, or on a
// backend of the caller's.
__attribute__((noinline)) int loop_once_general(tevent_context *ev,
                                                const char *location)
{
    return with_nesting(ev, location, [&](const FrameScope &scope) {
        trace_point(ev, TEVENT_TRACE_BEFORE_LOOP_ONCE);
        int ret = backend_loop_once(ev, location);
        if (!scope.ev_freed()) {
            trace_point(ev, TEVENT_TRACE_AFTER_LOOP_ONCE);
        }
        call_depth_notify(TEVENT_CALL_FLOW_REQ_RESET, nullptr, 0,
                          "_tevent_loop_once");
        return ret;
    });
}

// The end of the outermost tevent_loop_once() after its iteration, when a
// trace point, a call-depth callback or a nesting hook is to be called
// (any of them may have been installed by a handler of the iteration).
__attribute__((noinline)) int loop_once_end(tevent_context *ev, int ret,
                                            const char *location)
{
    LoopFrame *frame = ev->loop_frames;
    trace_point(ev, TEVENT_TRACE_AFTER_LOOP_ONCE);
    call_depth_notify(TEVENT_CALL_FLOW_REQ_RESET, nullptr, 0,
                      "_tevent_loop_once");
    if (frame->ev_freed) {
        return ret;
    }
    void *stack_ptr = nullptr;
    int end = nesting_hook(ev, false, &stack_ptr, location);
    if (end != 0) {
        ret = end;
    }
    if (frame->ev_freed) {
        return ret;
    }
    ev->loop_frames = frame->outer;
    ev->nesting.level -= 1;
    return ret;
}

} // namespace

// The outermost call on a built-in backend without a nesting hook is what
// a daemon's main loop does on every iteration: with_nesting() and the
// trace points reduced to the checks that find nothing to do.
int loop_once(tevent_context *ev, const char *location)
{
    if ((ev->nesting.level |
         reinterpret_cast<uintptr_t>(ev->nesting.hook_fn)) != 0 ||
        ev->ops->loop_once != builtin_loop_once) {
        return loop_once_general(ev, location);
    }
    // Only the rare end that calls a nesting hook needs it: kept in memory
    // rather than in a register across the iteration.
    const char *volatile end_location = location;
    ev->nesting.level = 1;
    LoopFrame frame{ev->loop_frames, false};
    ev->loop_frames = &frame;
    trace_point(ev, TEVENT_TRACE_BEFORE_LOOP_ONCE);
    int ret = iterate<timer_or_fd>(ev);
    if (frame.ev_freed) {
        call_depth_notify(TEVENT_CALL_FLOW_REQ_RESET, nullptr, 0,
                          "_tevent_loop_once");
        return ret;
    }
    // One test for both callbacks.
    if ((reinterpret_cast<uintptr_t>(ev->tracing.point.callback) |
         reinterpret_cast<uintptr_t>(ev->nesting.hook_fn)) != 0 ||
        call_depth_in_use.load(std::memory_order_relaxed)) {
        return loop_once_end(ev, ret, end_location);
    }
    ev->loop_frames = frame.outer;
    ev->nesting.level -= 1;
    return ret;
}

int loop_until(tevent_context *ev, bool (*finished)(void *), void *pd,
               const char *location)
{
    return with_nesting(ev, location, [&](const FrameScope &scope) {
        int ret = 0;
        while (!finished(pd)) {
            trace_point(ev, TEVENT_TRACE_BEFORE_LOOP_ONCE);
            ret = backend_loop_once(ev, location);
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
