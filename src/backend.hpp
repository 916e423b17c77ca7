// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The built-in backends: one ops table per file (backend_*.cpp).
#pragma once

#include <poll.h>
#include <sys/epoll.h>

#include "core.hpp"
#include "loop.hpp"
#include "immediate.hpp"
#include "signal.hpp"
#include "threads.hpp"
#include "timer.hpp"

namespace tev
{

extern const tevent_ops poll_ops;
extern const tevent_ops poll_mt_ops;
extern const tevent_ops epoll_ops;
extern const tevent_ops standard_ops;

// "standard" falls back from epoll to poll at run time: it registers an
// fde that epoll already had with the poll backend.
bool poll_event_add_fd_internal(tevent_context *ev, tevent_fd *fde);
void epoll_set_panic_fallback(tevent_context *ev,
                              bool (*panic_fallback)(tevent_context *ev,
                                                     bool replay));

// poll(2)/epoll_wait(2) timeout in ms for a delay returned by
// common_loop_timer_delay(); {0, INT32_MAX} means "do not block".
inline bool no_timeout(const struct timeval *tv)
{
    return tv->tv_sec == 0 && tv->tv_usec == INT32_MAX;
}

inline int timeout_msec(const struct timeval *tv)
{
    if (tv->tv_sec == INT32_MAX) {
        return -1;
    }
    if (no_timeout(tv)) {
        return 0;
    }
    return static_cast<int>((tv->tv_usec + 999) / 1000 + tv->tv_sec * 1000);
}

// The poll(2) events an fde's flags ask for.  POLLERR and POLLHUP are
// always reported; READ and ERROR also ask for a half-closed peer.  The
// epoll bits have the same values, so epoll uses this too.
static_assert(POLLIN == EPOLLIN && POLLOUT == EPOLLOUT &&
              POLLRDHUP == EPOLLRDHUP);
inline uint32_t wanted_events(uint16_t flags)
{
    uint32_t events = 0;
    if ((flags & TEVENT_FD_READ) != 0) {
        events |= POLLIN | POLLRDHUP;
    }
    if ((flags & TEVENT_FD_WRITE) != 0) {
        events |= POLLOUT;
    }
    if ((flags & TEVENT_FD_ERROR) != 0) {
        events |= POLLRDHUP;
    }
    return events;
}

// The part of one loop iteration that every built-in backend shares
// before it waits: pending signals, then cross-thread immediates, then one
// immediate, then one due timer.  Returns true when a handler ran (the
// iteration is over); otherwise *wait is how long the backend may block.
inline bool run_before_wait(tevent_context *ev, struct timeval *wait)
{
    if (!ev->signal_events.empty() && common_check_signal(ev) != 0) {
        return true;
    }
    if (!ev->threaded_contexts.empty()) {
        common_threaded_activate_immediate(ev);
    }
    if (!ev->immediate_events.empty() && common_loop_immediate(ev)) {
        return true;
    }
    *wait = common_loop_timer_delay(ev);
    return timeval_is_zero(wait);
}

} // namespace tev
