// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The poller contract.  A poller is the part of a built-in backend that
// talks to the kernel about fds (poller_epoll.cpp, poller_poll.cpp); the
// loop (loop.cpp) owns everything else of an iteration: the order of work
// (signals, cross-thread immediates, one immediate, one due timer, then one
// fd), EINTR and the wait timeout, the trace points, the flags a handler is
// called with, round robin among the fdes of one fd, and what happens when
// a poller fails.  A built-in backend is a poller behind a tevent_ops table
// of thin adaptors (backends.cpp); backends registered by callers do not
// use any of this.
//
// What a poller does, call by call (every call comes from the thread that
// runs the loop, except that poll_mt's arm, modify and disarm may come
// from another thread while the loop sleeps in wait, under the caller's
// lock that the wait trace points release and take):
//  - create: makes the poller's state for a context and stores it with
//    set_poller_state().  The previous state is gone already.
//  - arm: an fde was added (its flags may be 0).  False means out of memory;
//    the fde is then freed.  modify: fde->flags changed (the flags of other
//    fdes of the same Ready may have changed with them).  disarm: the fde
//    leaves while the context lives on (freed, or disarmed for good); it
//    may never have been armed.  A poller reads fde->fd and fde->flags and
//    never writes them; fde->poller_slot belongs to it.
//  - reopen: the process is a fork child of the one that made the state,
//    or the poller asked for it with poller_reopen_soon(): re-create what
//    the kernel keeps for the poller and register every armed fde except
//    `leaving` (about to be disarmed).  Called before any other call in a
//    new process, and before the next wait; nullptr if the kernel keeps
//    nothing.
//  - prepare: called before the wait's trace point (so, for poll_mt, under
//    the caller's lock): bring the kernel's view up to date.  False fails
//    the iteration (errno set).  May be nullptr.
//  - wait: block up to timeout_msec (-1: no limit, 0: do not block) for
//    readiness of the armed fdes.  Returns how many fds are ready, 0, or -1
//    with errno (EINTR: interrupted by a signal); a wait that fails the
//    poller returns -1.  What this one wait
//    observed is then handed out in the poller's order, until the loop has
//    run a handler or nothing is left: the first readiness by wait itself
//    into *first when the loop passes it (count 0 if the poller leaves it
//    to next_ready), the others by next_ready().  The loop passes no
//    `first` when code of the caller's runs between the wait and the
//    dispatch (a trace point), which may change the fdes.  Never readiness
//    of an earlier wait, so that a handler may rely on what it is called
//    for (a blocking read).  A readiness handed out is taken to have run
//    one of its fdes unless the loop asks for the next one.
//  - failure: a poller that can no longer work calls poller_failed() and
//    returns from the call at once.  Its state stays valid until the loop
//    frees it and switches the context to its fallback poller ("standard":
//    epoll falls back to poll), or aborts when there is none.
// A poller uses this header, debug.hpp and fd_detach() (fd.hpp) for an fd
// the kernel reports as closed; nothing else of the core.
#pragma once

#include <poll.h>
#include <sys/epoll.h>

#include "context.hpp"
#include "debug.hpp"
#include "fd.hpp"

namespace tev
{

// poll(2) bits that report an error or a hang-up.  epoll's bits have the
// same values, so both pollers report readiness in poll(2) bits.
static_assert(POLLIN == EPOLLIN && POLLOUT == EPOLLOUT && POLLERR == EPOLLERR &&
              POLLHUP == EPOLLHUP && POLLRDHUP == EPOLLRDHUP);
inline constexpr uint32_t error_events = POLLERR | POLLHUP | POLLRDHUP;
// Not a poll(2) bit (those fit in revents' 16 bits): an error was reported
// for the fd by an earlier wait, which a poller may remember.
inline constexpr uint32_t error_before = uint32_t{1} << 16;

// One readiness handed to the loop.
struct Ready {
    // The fdes it is for, in round-robin order: the loop runs the first
    // that wants some of it and moves that one to the end of the array,
    // which is the poller's.
    tevent_fd **fdes;
    uint32_t count;
    uint32_t revents; // poll(2) bits and error_before
};

// An error was reported now or before: fdes that want only WRITE are not
// called and lose WRITE.
inline bool ready_error(const Ready &r)
{
    return (r.revents & (error_events | error_before)) != 0;
}

struct Poller {
    int (*create)(tevent_context *ev);
    bool (*arm)(tevent_context *ev, tevent_fd *fde);
    void (*modify)(tevent_context *ev, tevent_fd *fde);
    void (*disarm)(tevent_context *ev, tevent_fd *fde);
    void (*reopen)(tevent_context *ev, const tevent_fd *leaving);
    bool (*prepare)(tevent_context *ev);
    int (*wait)(tevent_context *ev, int timeout_msec, Ready *first);
    bool (*next_ready)(tevent_context *ev, Ready *ready);
    // Every change (arm, modify, disarm of an active fde, an immediate)
    // writes the context's wakeup fd, for a loop sleeping in another thread
    // (poll_mt).  The core creates the wakeup fd.
    bool wake_on_change;
};

extern const Poller epoll_poller;
extern const Poller poll_poller;
extern const Poller poll_mt_poller;

// ---------------------------------------------------------------------------
// For pollers

template <class State> State *poller_state(const tevent_context *ev)
{
    return static_cast<State *>(ev->additional_data);
}

inline void set_poller_state(tevent_context *ev, void *state)
{
    ev->additional_data = state;
}

// The poller cannot go on (errno says why); see above.
void poller_failed(tevent_context *ev, const char *reason);

// The poll(2) events an fde's flags ask for.  POLLERR and POLLHUP are
// always reported; READ and ERROR also ask for a half-closed peer.
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

// ---------------------------------------------------------------------------
// For the core: driving the context's poller (poller.cpp)

// Makes p the context's poller (fallback takes over when p fails).
int poller_attach(tevent_context *ev, const Poller *p, const Poller *fallback);

// After a fork, re-creates the poller's kernel state (Poller::reopen).
// False when that failed and the context switched pollers: the new one
// has every fde but `leaving` armed already, and with `replay` the loop
// runs the interrupted iteration again.
bool poller_reopen(tevent_context *ev, const tevent_fd *leaving, bool replay);
inline bool poller_current(tevent_context *ev, const tevent_fd *leaving,
                           bool replay)
{
    return ev->poller.generation == fork_generation() ||
           poller_reopen(ev, leaving, replay);
}

// Has the poller reopened before the next wait: for a registration it can
// no longer remove (an fd closed behind tevent's back while another
// descriptor keeps its file open stays registered with epoll).
inline void poller_reopen_soon(tevent_context *ev)
{
    ev->poller.generation = fork_generation() - 1;
}

// After a poller call: if the poller failed, switch to the fallback (every
// fde but `leaving` armed again) or abort.  True if it switched.
bool poller_switch(tevent_context *ev, const tevent_fd *leaving, bool replay);
inline bool poller_recover(tevent_context *ev, const tevent_fd *leaving,
                           bool replay)
{
    return ev->poller.failure != nullptr && poller_switch(ev, leaving, replay);
}

// Writes the wakeup fd (for a poller that asks for it).
void poller_changed(tevent_context *ev);

// The fd adaptors: through the poller, with fork, failure and wakeup
// handling.  Inline, as they run for every fd event added and freed.

// False: out of memory.
inline bool poller_arm(tevent_context *ev, tevent_fd *fde)
{
    // A switch to the fallback poller arms every fde, this one included.
    if (!poller_current(ev, nullptr, false)) {
        return true;
    }
    bool ok = ev->poller.ops->arm(ev, fde);
    if (poller_recover(ev, nullptr, false)) {
        return true;
    }
    if (ok && ev->poller.ops->wake_on_change) {
        poller_changed(ev);
    }
    return ok;
}

inline void poller_modify(tevent_context *ev, tevent_fd *fde)
{
    if (!poller_current(ev, nullptr, false)) {
        return;
    }
    ev->poller.ops->modify(ev, fde);
    if (!poller_recover(ev, nullptr, false) && ev->poller.ops->wake_on_change) {
        poller_changed(ev);
    }
}

inline void poller_disarm(tevent_context *ev, tevent_fd *fde)
{
    bool active = fde->flags != 0;
    if (!poller_current(ev, fde, false)) {
        return;
    }
    ev->poller.ops->disarm(ev, fde);
    if (!poller_recover(ev, fde, false) && active &&
        ev->poller.ops->wake_on_change) {
        poller_changed(ev);
    }
}

} // namespace tev
