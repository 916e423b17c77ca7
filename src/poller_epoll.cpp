// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The epoll(7) poller, for the "epoll" and "standard" backends: the
// kernel registration of each fd group (epoll_groups.hpp), one event per
// wait, and a new epoll fd in a fork child.
//
// An fd the kernel reports as closed (EBADF) disarms its whole group for
// good; any other failing epoll call fails the poller (poller_failed()).
#include "poller.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include "epoll_groups.hpp"

namespace tev
{
namespace
{

const char kStateName[] = "struct epoll_event_context";

struct EpollState {
    int epoll_fd = -1;
    FdTable table;
    // The last wait's event; pending until it is handed out.
    struct epoll_event event = {};
    bool event_pending = false;
};

EpollState *state_of(const tevent_context *ev)
{
    return poller_state<EpollState>(ev);
}

// The "primary[fde=..,fd=..,flags=..(ERW),handler]" part of log lines.
struct FdStr {
    char buf[128];
};

const char *fd_str(FdStr *out, const tevent_fd *fde)
{
    snprintf(out->buf, sizeof(out->buf),
             "primary[fde=%p,fd=%d,flags=0x%x(%s%s%s),%s]",
             static_cast<const void *>(fde), fde->fd,
             static_cast<unsigned>(fde->flags),
             (fde->flags & TEVENT_FD_ERROR) != 0 ? "E" : "",
             (fde->flags & TEVENT_FD_READ) != 0 ? "R" : "",
             (fde->flags & TEVENT_FD_WRITE) != 0 ? "W" : "", fde->handler_name);
    return out->buf;
}

// The fd is closed: every member is disarmed for good, the first last.
void disable(FdGroup &g)
{
    tevent_fd **fdes = g.fdes();
    g.events = 0;
    while (g.count > 1) {
        tevent_fd *fde = fdes[1];
        group_remove(g, 1);
        fd_detach(fde);
    }
    if (g.count == 1) {
        tevent_fd *fde = fdes[0];
        group_remove(g, 0);
        fd_detach(fde);
    }
}

// The kernel calls of one group.  False: the poller failed.

bool add(tevent_context *ev, EpollState *st, int fd, FdGroup &g,
         uint32_t events)
{
    struct epoll_event event = {};
    event.events = events;
    event.data.ptr = &g;
    if (epoll_ctl(st->epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0) {
        g.events = static_cast<uint16_t>(events);
        return true;
    }
    if (errno == EBADF) {
        FdStr buf;
        TEV_DEBUG(ev, TEVENT_DEBUG_ERROR,
                  "EPOLL_CTL_ADD EBADF for %s - disabling\n",
                  fd_str(&buf, g.fdes()[0]));
        disable(g);
        return true;
    }
    poller_failed(ev, "EPOLL_CTL_ADD failed");
    return false;
}

bool mod(tevent_context *ev, EpollState *st, int fd, FdGroup &g,
         uint32_t events)
{
    struct epoll_event event = {};
    event.events = events;
    event.data.ptr = &g;
    if (epoll_ctl(st->epoll_fd, EPOLL_CTL_MOD, fd, &event) == 0) {
        g.events = static_cast<uint16_t>(events);
        return true;
    }
    g.events = 0;
    FdStr buf;
    if (errno == EBADF) {
        TEV_DEBUG(ev, TEVENT_DEBUG_ERROR,
                  "EPOLL_CTL_MOD EBADF for %s - disabling\n",
                  fd_str(&buf, g.fdes()[0]));
        disable(g);
        poller_reopen_soon(ev);
        return true;
    }
    TEV_DEBUG(ev, TEVENT_DEBUG_FATAL, "EPOLL_CTL_MOD for %s - failed - %s",
              fd_str(&buf, g.fdes()[0]), strerror(errno));
    poller_failed(ev, "EPOLL_CTL_MOD failed");
    return false;
}

bool del(tevent_context *ev, EpollState *st, int fd, FdGroup &g)
{
    g.events = 0;
    struct epoll_event event = {};
    if (epoll_ctl(st->epoll_fd, EPOLL_CTL_DEL, fd, &event) == 0) {
        return true;
    }
    FdStr buf;
    if (errno == ENOENT) {
        TEV_DEBUG(ev, TEVENT_DEBUG_TRACE,
                  "EPOLL_CTL_DEL ignoring ENOENT for %s\n",
                  fd_str(&buf, g.fdes()[0]));
        return true;
    }
    if (errno == EBADF) {
        TEV_DEBUG(ev, TEVENT_DEBUG_WARNING,
                  "EPOLL_CTL_DEL EBADF for %s - disabling\n",
                  fd_str(&buf, g.fdes()[0]));
        disable(g);
        poller_reopen_soon(ev);
        return true;
    }
    TEV_DEBUG(ev, TEVENT_DEBUG_FATAL, "EPOLL_CTL_DEL for %s - failed - %s",
              fd_str(&buf, g.fdes()[0]), strerror(errno));
    poller_failed(ev, "EPOLL_CTL_DEL failed");
    return false;
}

// Brings the registration of fd in line with its members' flags (leaving
// out `skip`).  With `always`, a registration that stays is renewed even
// if unchanged, as upstream does on every flags change (which is also
// where a closed fd shows).  After an error, WRITE alone no longer keeps
// a registration: epoll would report the error over and over.
bool update(tevent_context *ev, EpollState *st, int fd, FdGroup &g, bool always,
            const tevent_fd *skip = nullptr)
{
    uint16_t flags = group_flags(g, skip);
    bool wanted = (flags & (TEVENT_FD_READ | TEVENT_FD_ERROR)) != 0 ||
                  ((flags & TEVENT_FD_WRITE) != 0 && !g.got_error);
    uint32_t events = wanted_events(flags);
    if (g.events != 0) {
        if (!wanted) {
            return del(ev, st, fd, g);
        }
        if (always || events != g.events) {
            return mod(ev, st, fd, g, events);
        }
        return true;
    }
    return !wanted || add(ev, st, fd, g, events);
}

int epoll_state_destructor(EpollState *st)
{
    close(st->epoll_fd);
    return 0;
}

int epoll_state_create(tevent_context *ev)
{
    auto *st = make<EpollState>(ev, kStateName);
    if (st == nullptr) {
        return -1;
    }
    st->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (st->epoll_fd == -1) {
        debug(ev, TEVENT_DEBUG_FATAL, "Failed to create epoll handle (%s).\n",
              strerror(errno));
        talloc_free(st);
        return -1;
    }
    talloc_set_destructor(st, epoll_state_destructor);
    set_poller_state(ev, st);
    return 0;
}

bool epoll_arm(tevent_context *ev, tevent_fd *fde)
{
    EpollState *st = state_of(ev);
    if (!group_reserve(st, st->table, fde->fd)) {
        return false;
    }
    FdGroup &g = *group_of(st->table, fde->fd);
    group_add(g, fde);
    if (fde->flags != 0) {
        update(ev, st, fde->fd, g, false);
    }
    return true;
}

// After fdes left g: if none is left and the last wait's event, not yet
// handed out, is g's, it goes too (the fdes were freed or disabled at the
// trace point after the wait).
void forget_event(EpollState *st, const FdGroup &g)
{
    if (g.count == 0 && st->event_pending && st->event.data.ptr == &g) {
        st->event_pending = false;
    }
}

void epoll_modify(tevent_context *ev, tevent_fd *fde)
{
    EpollState *st = state_of(ev);
    FdGroup *g = group_of(st->table, fde->fd);
    uint32_t i = g != nullptr ? group_find(*g, fde) : UINT32_MAX;
    if (i == UINT32_MAX) {
        return;
    }
    if (i >= g->count) {
        if (fde->flags == 0) {
            return;
        }
        group_join(*g, i);
    }
    update(ev, st, fde->fd, *g, true);
    forget_event(st, *g);
}

void epoll_disarm(tevent_context *ev, tevent_fd *fde)
{
    EpollState *st = state_of(ev);
    int fd = fde->fd;
    FdGroup *g = group_of(st->table, fd);
    uint32_t i = g != nullptr ? group_find(*g, fde) : UINT32_MAX;
    if (i == UINT32_MAX) {
        return;
    }
    if (i >= g->count) {
        group_remove(*g, i);
        return;
    }
    // As upstream: the first member leaving ends the registration, and the
    // next one registers anew (a closed fd disables the others here, fde
    // included).
    if (i == 0 && g->events != 0 && (!del(ev, st, fd, *g) || g->count == 0)) {
        forget_event(st, *g);
        return;
    }
    group_remove(*g, i);
    if (g->count > 0) {
        update(ev, st, fd, *g, false);
    }
    forget_event(st, *g);
}

void epoll_reopen(tevent_context *ev, const tevent_fd *leaving)
{
    EpollState *st = state_of(ev);
    close(st->epoll_fd);
    st->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (st->epoll_fd == -1) {
        poller_failed(ev, "epoll_create() failed");
        return;
    }
    for_each_group(st->table, [](int, FdGroup &g) {
        g.events = 0;
        return true;
    });
    for_each_group(st->table, [&](int fd, FdGroup &g) {
        return g.count == 0 || update(ev, st, fd, g, false, leaving);
    });
}

// The readiness of the last wait's event.  A group without members has a
// registration that outlived its fdes (their fd closed behind tevent's
// back while a dup() kept the file open): the kernel's reports can no
// longer be trusted, and the poller fails.  (Members that leave after the
// wait take its event with them: forget_event().)
bool hand_out(tevent_context *ev, const struct epoll_event &event, Ready *ready)
{
    // The registration carries its group, which stays where it is: pages
    // are freed with the table only.
    auto *g = static_cast<FdGroup *>(event.data.ptr);
    if (g->count == 0) [[unlikely]] {
        poller_failed(ev, "epoll_wait() gave bad data");
        return false;
    }
    if ((event.events & error_events) != 0) {
        g->got_error = true;
    }
    ready->fdes = g->fdes();
    ready->count = g->count;
    ready->revents = event.events | (g->got_error ? error_before : 0);
    return true;
}

int epoll_wait_once(tevent_context *ev, int timeout_msec, Ready *first)
{
    EpollState *st = state_of(ev);
    // One event per wait: the loop runs one handler per iteration, and it
    // must not be handed readiness that a later wait would not confirm.
    int ready = epoll_wait(st->epoll_fd, &st->event, 1, timeout_msec);
    st->event_pending = false;
    if (ready == 1) {
        if (first == nullptr) {
            st->event_pending = true;
        } else if (!hand_out(ev, st->event, first)) {
            first->count = 0;
            first->revents = 0;
        }
    } else if (ready == -1 && errno != EINTR) {
        poller_failed(ev, "epoll_wait() failed");
    }
    return ready;
}

bool epoll_next_ready(tevent_context *ev, Ready *ready)
{
    EpollState *st = state_of(ev);
    if (!st->event_pending) {
        return false;
    }
    st->event_pending = false;
    return hand_out(ev, st->event, ready);
}

} // namespace

const Poller epoll_poller = {
    .create = epoll_state_create,
    .arm = epoll_arm,
    .modify = epoll_modify,
    .disarm = epoll_disarm,
    .reopen = epoll_reopen,
    .prepare = nullptr,
    .wait = epoll_wait_once,
    .next_ready = epoll_next_ready,
    .wake_on_change = false,
};

} // namespace tev
