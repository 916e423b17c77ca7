// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The "epoll" backend.
//
// The kernel accepts one registration per fd, but tevent allows any number
// of fdes on the same fd.  Such fdes form a group: the primary fde holds
// the registration (epoll data = primary, interest = union of the group's
// flags) and the list of all members in round-robin order
// (tevent_fd::Mpx in core.hpp).  A per-context table indexed by fd remembers
// which primary is registered, so finding the group for a new fde is O(1).
//
// Failing epoll calls "panic": the state is freed and, for the "standard"
// backend, a fallback switches the context to poll; plain "epoll" aborts.
#include "backend.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/epoll.h>
#include <unistd.h>

#include "context.hpp"
#include "debug.hpp"
#include "fd.hpp"
#include "immediate.hpp"
#include "signal.hpp"
#include "threads.hpp"
#include "timer.hpp"

namespace tev
{
namespace
{

const char kStateName[] = "struct epoll_event_context";

// fde->additional_flags: an error/hang-up was seen on the fd (sticky, set
// on every member of the group).
constexpr uint64_t kGotError = 1;

using PanicFallback = bool (*)(tevent_context *ev, bool replay);

struct EpollState {
    tevent_context *ev = nullptr;
    int epoll_fd = -1;
    pid_t pid = 0; // the epoll fd belongs to this process
    bool panic_force_replay = false;
    // The caller's "a panic happened" flag: after a panic this state is
    // gone, so callers must learn about it through their own stack.
    bool *panic_state = nullptr;
    PanicFallback panic_fallback = nullptr;
    // The fde being freed or disarmed: it must neither be registered again
    // (fork) nor be handed over to the fallback.
    tevent_fd *destroying = nullptr;
    // registered[fd] = the primary holding the kernel registration of fd.
    tevent_fd **registered = nullptr; // talloc array
    size_t registered_len = 0;
};

// Only this backend's ops reach here, so the state is ours: no talloc type
// check on every iteration.
EpollState *state_of(tevent_context *ev)
{
    return static_cast<EpollState *>(ev->additional_data);
}

// The "%s[fde=..,fd=..,flags=..(ERW),handler]" description in log lines.
struct FdStr {
    char buf[128];
};

const char *fd_str(FdStr *out, const char *what, const tevent_fd *fde)
{
    snprintf(out->buf, sizeof(out->buf),
             "%s[fde=%p,fd=%d,flags=0x%x(%s%s%s),%s]", what,
             static_cast<const void *>(fde), fde->fd,
             static_cast<unsigned>(fde->flags),
             (fde->flags & TEVENT_FD_ERROR) != 0 ? "E" : "",
             (fde->flags & TEVENT_FD_READ) != 0 ? "R" : "",
             (fde->flags & TEVENT_FD_WRITE) != 0 ? "W" : "", fde->handler_name);
    return out->buf;
}

// ---------------------------------------------------------------------------
// Groups of fdes on one fd.  The member list hangs off primary->mpx.list;
// like upstream's DLIST the head's mpx.prev points at the tail, so an fde
// with mpx.prev == nullptr is in no list.

bool mpx_linked(const tevent_fd *fde)
{
    return fde->mpx.prev != nullptr;
}

void mpx_append(tevent_fd *primary, tevent_fd *fde)
{
    tevent_fd *head = primary->mpx.list;
    fde->mpx.next = nullptr;
    if (head == nullptr) {
        fde->mpx.prev = fde;
        primary->mpx.list = fde;
        return;
    }
    tevent_fd *tail = head->mpx.prev;
    tail->mpx.next = fde;
    fde->mpx.prev = tail;
    head->mpx.prev = fde;
}

void mpx_unlink(tevent_fd *primary, tevent_fd *fde)
{
    if (!mpx_linked(fde)) {
        return;
    }
    tevent_fd *head = primary->mpx.list;
    tevent_fd *next = fde->mpx.next;
    if (fde == head) {
        primary->mpx.list = next;
        if (next != nullptr) {
            next->mpx.prev = fde->mpx.prev;
        }
    } else {
        fde->mpx.prev->mpx.next = next;
        if (next != nullptr) {
            next->mpx.prev = fde->mpx.prev;
        } else {
            head->mpx.prev = fde->mpx.prev;
        }
    }
    fde->mpx.prev = fde->mpx.next = nullptr;
}

// Takes the whole member list off the primary; returns its head.
tevent_fd *mpx_take_list(tevent_fd *primary)
{
    tevent_fd *head = primary->mpx.list;
    primary->mpx.list = nullptr;
    return head;
}

uint16_t mpx_flags(tevent_fd *any)
{
    return fd_mpx_primary(any)->mpx.total_flags;
}

// Recomputes the union of the group's flags; call after any flags change.
void mpx_update_flags(tevent_fd *any)
{
    tevent_fd *primary = fd_mpx_primary(any);
    if (!primary->mpx.has_mpx) {
        primary->mpx.total_flags = primary->flags;
        return;
    }
    uint16_t total = 0;
    for (tevent_fd *m = primary->mpx.list; m != nullptr; m = m->mpx.next) {
        total |= m->flags;
    }
    primary->mpx.total_flags = total;
}

// The primary if the union of flags changed (registration needs an
// update), else nullptr.
tevent_fd *mpx_update(tevent_fd *any)
{
    tevent_fd *primary = fd_mpx_primary(any);
    uint16_t before = primary->mpx.total_flags;
    mpx_update_flags(primary);
    return primary->mpx.total_flags != before ? primary : nullptr;
}

void mpx_add_additional_flags(tevent_fd *any, uint64_t add)
{
    tevent_fd *primary = fd_mpx_primary(any);
    primary->additional_flags |= add;
    for (tevent_fd *m = primary->mpx.list; m != nullptr; m = m->mpx.next) {
        m->additional_flags |= add;
    }
}

void mpx_clear_writeable(tevent_fd *any)
{
    tevent_fd *primary = fd_mpx_primary(any);
    primary->flags &= ~TEVENT_FD_WRITE;
    for (tevent_fd *m = primary->mpx.list; m != nullptr; m = m->mpx.next) {
        m->flags &= ~TEVENT_FD_WRITE;
    }
    primary->mpx.total_flags &= ~TEVENT_FD_WRITE;
}

// Moves every member of add_primary's group (or add_primary alone) to the
// end of target's group.
void mpx_join(tevent_fd *target, tevent_fd *add_primary)
{
    if (!mpx_linked(add_primary)) {
        mpx_append(add_primary, add_primary);
    }
    if (!mpx_linked(target)) {
        mpx_append(target, target);
    }
    tevent_fd *next = nullptr;
    for (tevent_fd *m = mpx_take_list(add_primary); m != nullptr; m = next) {
        next = m->mpx.next;
        fd_mpx_reinit(m);
        mpx_append(target, m);
        m->mpx.primary = target;
        m->mpx.has_mpx = true;
    }
    target->mpx.has_mpx = true;
}

// Removes fde from its group.  Returns the group's (possibly new) primary,
// or nullptr when nothing is left.
tevent_fd *mpx_remove(tevent_fd *fde)
{
    tevent_fd *primary = fd_mpx_primary(fde);
    mpx_unlink(primary, fde);
    if (primary != fde) {
        fd_mpx_reinit(fde);
        return primary;
    }
    // The oldest remaining member takes over.
    tevent_fd *new_primary = nullptr;
    tevent_fd *next = nullptr;
    for (tevent_fd *m = mpx_take_list(primary); m != nullptr; m = next) {
        next = m->mpx.next;
        fd_mpx_reinit(m);
        if (new_primary == nullptr) {
            new_primary = m;
        } else {
            new_primary->mpx.has_mpx = true;
            m->mpx.primary = new_primary;
            m->mpx.has_mpx = true;
        }
        mpx_append(new_primary, m);
    }
    fd_mpx_reinit(primary);
    return new_primary;
}

// The member to run for a readiness of `flags`: the first in round-robin
// order that wants one of them (WRITE-only members never see errors); it
// moves to the end of the list.
tevent_fd *mpx_select(tevent_fd *primary, uint16_t flags, bool got_error)
{
    auto eligible = [&](const tevent_fd *m) {
        if (got_error && (m->flags & (TEVENT_FD_READ | TEVENT_FD_ERROR)) == 0) {
            return false;
        }
        return (flags & m->flags) != 0;
    };
    if (!primary->mpx.has_mpx) {
        return eligible(primary) ? primary : nullptr;
    }
    for (tevent_fd *m = primary->mpx.list; m != nullptr; m = m->mpx.next) {
        if (eligible(m)) {
            mpx_unlink(primary, m);
            mpx_append(primary, m);
            return m;
        }
    }
    return nullptr;
}

// ---------------------------------------------------------------------------
// The fd table

tevent_fd *registered_primary(const EpollState *st, int fd)
{
    if (fd < 0 || static_cast<size_t>(fd) >= st->registered_len) {
        return nullptr;
    }
    return st->registered[fd];
}

void set_registered(EpollState *st, int fd, tevent_fd *primary)
{
    if (fd >= 0 && static_cast<size_t>(fd) < st->registered_len) {
        st->registered[fd] = primary;
    }
}

void forget_registered(EpollState *st, tevent_fd *primary)
{
    if (registered_primary(st, primary->fd) == primary) {
        st->registered[primary->fd] = nullptr;
    }
}

// Makes room for fd; done when an fde is added so that (re)registering
// never allocates.
bool reserve_fd(EpollState *st, int fd)
{
    size_t need = static_cast<size_t>(fd) + 1;
    if (need <= st->registered_len) {
        return true;
    }
    size_t len = st->registered_len * 2;
    if (len < need) {
        len = need;
    }
    if (len < 64) {
        len = 64;
    }
    auto **tmp = static_cast<tevent_fd **>(_talloc_realloc_array(
        st, st->registered, sizeof(tevent_fd *), len, "struct tevent_fd *"));
    if (tmp == nullptr) {
        return false;
    }
    for (size_t i = st->registered_len; i < len; i++) {
        tmp[i] = nullptr;
    }
    st->registered = tmp;
    st->registered_len = len;
    return true;
}

// Detaches every fde of the group for good (the fd is closed).  The group
// dissolves as a whole, so the per-fde disarm hook is bypassed.
void mpx_disarm_all(EpollState *st, tevent_fd *any)
{
    tevent_fd *primary = fd_mpx_primary(any);
    forget_registered(st, primary);
    tevent_fd *next = nullptr;
    for (tevent_fd *m = mpx_take_list(primary); m != nullptr; m = next) {
        next = m->mpx.next;
        if (m != primary) {
            fd_disarm_unhooked(m);
        }
    }
    fd_disarm_unhooked(primary);
}

// ---------------------------------------------------------------------------
// Panics

void epoll_panic(EpollState *st, const char *reason, bool replay)
{
    tevent_context *ev = st->ev;
    PanicFallback fallback = st->panic_fallback;
    tevent_fd *destroying = st->destroying;
    int err = errno;

    if (st->panic_state != nullptr) {
        *st->panic_state = true;
    }
    if (st->panic_force_replay) {
        replay = true;
    }
    TALLOC_FREE(ev->additional_data);

    if (fallback == nullptr) {
        debug(ev, TEVENT_DEBUG_FATAL, "%s (%s) replay[%u] - calling abort()\n",
              reason, strerror(err), static_cast<unsigned>(replay));
        abort();
    }
    debug(ev, TEVENT_DEBUG_ERROR,
          "%s (%s) replay[%u] - calling panic_fallback\n", reason,
          strerror(err), static_cast<unsigned>(replay));

    // The fallback re-registers every fde of the context; an fde that is
    // being freed must not be among them.
    bool hide = destroying != nullptr && destroying->event_ctx != nullptr;
    if (hide) {
        ev->fd_events.remove(destroying);
    }
    bool ok = fallback(ev, replay);
    if (hide) {
        ev->fd_events.push_front(destroying);
    }
    if (!ok) {
        debug(ev, TEVENT_DEBUG_FATAL, "%s (%s) replay[%u] - calling abort()\n",
              reason, strerror(err), static_cast<unsigned>(replay));
        abort();
    }
}

// ---------------------------------------------------------------------------
// Kernel registration of a group

void update_event(EpollState *st, tevent_fd *fde);

// EEXIST on EPOLL_CTL_ADD: another group holds the registration of this
// fd; merge into it.  Returns nonzero if the caller must panic.
int add_to_registered(EpollState *st, tevent_fd *add_primary)
{
    tevent_fd *target = registered_primary(st, add_primary->fd);
    if (target == nullptr || target == add_primary) {
        debug(st->ev, TEVENT_DEBUG_FATAL, "can't find multiplex fde for fd[%d]",
              add_primary->fd);
        return -1;
    }
    mpx_join(target, add_primary);
    if (mpx_update(target) == nullptr) {
        // The registration already covers the new member's flags.
        return 0;
    }
    struct epoll_event event = {};
    event.events = wanted_events(mpx_flags(target));
    event.data.ptr = target;
    int ret = epoll_ctl(st->epoll_fd, EPOLL_CTL_MOD, target->fd, &event);
    if (ret != 0 && errno == EBADF) {
        FdStr buf;
        TEV_DEBUG(st->ev, TEVENT_DEBUG_ERROR,
                  "EPOLL_CTL_MOD EBADF for %s - disabling\n",
                  fd_str(&buf, "primary", target));
        mpx_disarm_all(st, target);
        return 0;
    }
    if (ret != 0) {
        FdStr buf;
        TEV_DEBUG(st->ev, TEVENT_DEBUG_FATAL,
                  "EPOLL_CTL_MOD for %s - failed - %s",
                  fd_str(&buf, "primary", target), strerror(errno));
        return ret;
    }
    return 0;
}

void add_event(EpollState *st, tevent_fd *primary)
{
    struct epoll_event event = {};
    event.events = wanted_events(mpx_flags(primary));
    event.data.ptr = primary;
    int ret = epoll_ctl(st->epoll_fd, EPOLL_CTL_ADD, primary->fd, &event);
    if (ret == 0) {
        set_registered(st, primary->fd, primary);
        return;
    }
    if (errno == EBADF) {
        FdStr buf;
        TEV_DEBUG(st->ev, TEVENT_DEBUG_ERROR,
                  "EPOLL_CTL_ADD EBADF for %s - disabling\n",
                  fd_str(&buf, "primary", primary));
        mpx_disarm_all(st, primary);
        return;
    }
    if (errno == EEXIST) {
        if (add_to_registered(st, primary) != 0) {
            epoll_panic(st, "epoll_add_multiplex_fd failed", false);
        }
        return;
    }
    epoll_panic(st, "EPOLL_CTL_ADD failed", false);
}

void del_event(EpollState *st, tevent_fd *primary)
{
    tevent_fd *holder = registered_primary(st, primary->fd);
    if (holder != nullptr && holder != primary) {
        // An inactive group on an fd that another group watches: the
        // registration is not ours to delete.
        return;
    }
    forget_registered(st, primary);
    struct epoll_event event = {};
    int ret = epoll_ctl(st->epoll_fd, EPOLL_CTL_DEL, primary->fd, &event);
    if (ret == 0) {
        return;
    }
    FdStr buf;
    if (errno == ENOENT) {
        // E.g. the epoll fd was re-created after fork in the destructor.
        TEV_DEBUG(st->ev, TEVENT_DEBUG_TRACE,
                  "EPOLL_CTL_DEL ignoring ENOENT for %s\n",
                  fd_str(&buf, "primary", primary));
        return;
    }
    if (errno == EBADF) {
        TEV_DEBUG(st->ev, TEVENT_DEBUG_WARNING,
                  "EPOLL_CTL_DEL EBADF for %s - disabling\n",
                  fd_str(&buf, "primary", primary));
        mpx_disarm_all(st, primary);
        return;
    }
    TEV_DEBUG(st->ev, TEVENT_DEBUG_FATAL, "EPOLL_CTL_DEL for %s - failed - %s",
              fd_str(&buf, "primary", primary), strerror(errno));
    epoll_panic(st, "EPOLL_CTL_DEL failed", false);
}

void mod_event(EpollState *st, tevent_fd *primary)
{
    struct epoll_event event = {};
    event.events = wanted_events(mpx_flags(primary));
    event.data.ptr = primary;
    int ret = epoll_ctl(st->epoll_fd, EPOLL_CTL_MOD, primary->fd, &event);
    if (ret == 0) {
        return;
    }
    forget_registered(st, primary);
    FdStr buf;
    if (errno == EBADF) {
        TEV_DEBUG(st->ev, TEVENT_DEBUG_ERROR,
                  "EPOLL_CTL_MOD EBADF for %s - disabling\n",
                  fd_str(&buf, "primary", primary));
        mpx_disarm_all(st, primary);
        return;
    }
    TEV_DEBUG(st->ev, TEVENT_DEBUG_FATAL, "EPOLL_CTL_MOD for %s - failed - %s",
              fd_str(&buf, "primary", primary), strerror(errno));
    epoll_panic(st, "EPOLL_CTL_MOD failed", false);
}

// Brings the kernel registration of fde's group in line with its flags.
// After an error, WRITE alone no longer keeps a registration alive.
void update_event(EpollState *st, tevent_fd *fde)
{
    tevent_fd *primary = fd_mpx_primary(fde);
    bool got_error = (primary->additional_flags & kGotError) != 0;
    uint16_t flags = mpx_flags(primary);
    bool wanted = (flags & (TEVENT_FD_READ | TEVENT_FD_ERROR)) != 0 ||
                  ((flags & TEVENT_FD_WRITE) != 0 && !got_error);

    if (registered_primary(st, primary->fd) == primary) {
        if (wanted) {
            mod_event(st, primary);
        } else {
            // epoll reports errors even without interest: unregister.
            del_event(st, primary);
        }
        return;
    }
    if (wanted) {
        add_event(st, primary);
    }
}

// A forked child shares the parent's epoll fd: make our own and register
// every fde again.
void check_reopen(EpollState *st)
{
    pid_t pid = cached_getpid();
    if (st->pid == pid) {
        return;
    }
    bool *caller_panic_state = st->panic_state;
    bool panic = false;

    close(st->epoll_fd);
    st->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (st->epoll_fd == -1) {
        epoll_panic(st, "epoll_create() failed", false);
        return;
    }
    st->pid = pid;
    st->panic_state = &panic;
    for (size_t i = 0; i < st->registered_len; i++) {
        st->registered[i] = nullptr;
    }

    tevent_context *ev = st->ev;
    tevent_fd *next = nullptr;
    for (tevent_fd *fde = ev->fd_events.head; fde != nullptr; fde = next) {
        next = fde->next;
        if (fde != st->destroying) {
            update_event(st, fde);
            if (panic) {
                if (caller_panic_state != nullptr) {
                    *caller_panic_state = true;
                }
                return;
            }
        }
        // A closed fd disarms (unlinks) its whole group, which may include
        // `next`: start over; registered groups are just modified again.
        if (next != nullptr && next->event_ctx == nullptr) {
            next = ev->fd_events.head;
        }
    }
    st->panic_state = caller_panic_state;
}

enum class Reopen { unchanged, reopened, panicked };

// After a fork the epoll fd is still the parent's: re-create it and register
// every fde again (check_reopen()).  With `replay`, a panic lets the
// fallback run the interrupted loop iteration again.
Reopen reopen_if_forked(EpollState *st, bool replay)
{
    if (st->pid == cached_getpid()) {
        return Reopen::unchanged;
    }
    bool panic = false;
    st->panic_state = &panic;
    st->panic_force_replay = replay;
    check_reopen(st);
    if (panic) {
        return Reopen::panicked;
    }
    st->panic_force_replay = false;
    st->panic_state = nullptr;
    return Reopen::reopened;
}

// ---------------------------------------------------------------------------
// ops

// Takes fde out of its group (freed or disarmed while the context lives
// on): the oldest remaining member becomes primary and takes over the
// kernel registration and the fd table entry.  A failing epoll call may
// panic, which frees st.
void leave_group(EpollState *st, tevent_fd *fde)
{
    bool panic = false;
    st->panic_state = &panic;
    st->destroying = fde;

    if (st->pid != cached_getpid()) {
        check_reopen(st);
        if (panic) {
            fd_mpx_reinit(fde);
            return;
        }
    }
    if (fd_mpx_primary(fde) == fde) {
        del_event(st, fde);
        if (panic) {
            fd_mpx_reinit(fde);
            return;
        }
    }
    tevent_fd *remaining = mpx_remove(fde);
    if (remaining != nullptr) {
        tevent_fd *changed = mpx_update(remaining);
        if (changed != nullptr) {
            update_event(st, changed);
        }
    }
    if (!panic) {
        st->destroying = nullptr;
        st->panic_state = nullptr;
    }
}

// ev->fd_disarm_hook.  Context teardown does not come here.
void epoll_fd_disarm(tevent_fd *fde)
{
    EpollState *st = state_of(fde->event_ctx);
    // Alone on its fd and not registered (its flags were cleared first, as
    // a freed wrapper does): there is nothing to undo.
    if (!fde->mpx.has_mpx && registered_primary(st, fde->fd) != fde) {
        return;
    }
    leave_group(st, fde);
}

int epoll_state_destructor(EpollState *st)
{
    close(st->epoll_fd);
    st->epoll_fd = -1;
    // A panic or a re-initialisation: the groups are gone with the state.
    st->ev->fd_disarm_hook = nullptr;
    return 0;
}

int epoll_context_init(tevent_context *ev)
{
    // Also runs from tevent_re_initialise(): drop the previous state.
    TALLOC_FREE(ev->additional_data);
    auto *st = make<EpollState>(ev, kStateName);
    if (st == nullptr) {
        return -1;
    }
    st->ev = ev;
    st->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (st->epoll_fd == -1) {
        debug(ev, TEVENT_DEBUG_FATAL, "Failed to create epoll handle (%s).\n",
              strerror(errno));
        talloc_free(st);
        return -1;
    }
    st->pid = cached_getpid();
    talloc_set_destructor(st, epoll_state_destructor);
    ev->additional_data = st;
    ev->fd_disarm_hook = epoll_fd_disarm;
    return 0;
}

int epoll_fd_destructor(tevent_fd *fde)
{
    tevent_context *ev = fde->event_ctx;
    if (ev == nullptr) {
        fd_mpx_reinit(fde);
        return common_fd_destructor(fde);
    }
    leave_group(state_of(ev), fde);
    return common_fd_destructor(fde);
}

tevent_fd *epoll_add_fd(tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                        uint16_t flags, tevent_fd_handler_t handler,
                        void *private_data, const char *handler_name,
                        const char *location)
{
    EpollState *st = state_of(ev);
    tevent_fd *fde = common_add_fd(ev, mem_ctx, fd, flags, handler,
                                   private_data, handler_name, location);
    if (fde == nullptr) {
        return nullptr;
    }
    if (!reserve_fd(st, fd)) {
        talloc_free(fde);
        return nullptr;
    }
    talloc_set_destructor(fde, epoll_fd_destructor);
    mpx_update_flags(fde);

    // A re-creation after fork registers the new fde with all the others.
    if (reopen_if_forked(st, false) == Reopen::unchanged) {
        update_event(st, fde);
    }
    return fde;
}

void epoll_set_fd_flags(tevent_fd *fde, uint16_t flags)
{
    if (fde->flags == flags) {
        return;
    }
    EpollState *st = state_of(fde->event_ctx);
    fde->flags = flags;
    mpx_update_flags(fde);
    if (reopen_if_forked(st, false) == Reopen::unchanged) {
        update_event(st, fde);
    }
}

int epoll_wait_once(EpollState *st, const struct timeval *tvalp)
{
    tevent_context *ev = st->ev;

    if (!ev->signal_events.empty() && common_check_signal(ev) != 0) {
        return 0;
    }

    // One event per iteration: exactly one handler runs.
    struct epoll_event event = {};
    trace_point(ev, TEVENT_TRACE_BEFORE_WAIT);
    int ret = epoll_wait(st->epoll_fd, &event, 1, timeout_msec(tvalp));
    int wait_errno = errno;
    trace_point(ev, TEVENT_TRACE_AFTER_WAIT);

    if (ret == -1 && wait_errno == EINTR && !ev->signal_events.empty()) {
        if (common_check_signal(ev) != 0) {
            return 0;
        }
    }
    if (ret == -1 && wait_errno != EINTR) {
        errno = wait_errno;
        epoll_panic(st, "epoll_wait() failed", true);
        return -1;
    }
    if (ret == 0) {
        if (no_timeout(tvalp)) {
            // tevent_context_set_wait_timeout(0): nothing was ready.
            errno = EAGAIN;
            return -1;
        }
        common_loop_timer_delay(ev);
        return 0;
    }
    if (ret != 1) {
        return 0;
    }

    auto *primary = static_cast<tevent_fd *>(
        talloc_check_name(event.data.ptr, fd_type_name));
    if (primary == nullptr) {
        epoll_panic(st, "epoll_wait() gave bad data", true);
        return -1;
    }
    uint16_t wanted = mpx_flags(primary);
    uint16_t flags = 0;
    if ((event.events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0) {
        mpx_add_additional_flags(primary, kGotError);
        flags |= wanted & (TEVENT_FD_ERROR | TEVENT_FD_READ);
    }
    if ((event.events & EPOLLIN) != 0) {
        flags |= wanted & TEVENT_FD_READ;
    }
    if ((event.events & EPOLLOUT) != 0) {
        flags |= wanted & TEVENT_FD_WRITE;
    }
    bool got_error = (primary->additional_flags & kGotError) != 0;

    tevent_fd *selected = mpx_select(primary, flags, got_error);
    if (selected == nullptr) {
        if (got_error) {
            // Only WRITE is wanted: like poll, drop WRITE instead of
            // reporting the error.
            mpx_clear_writeable(primary);
            update_event(st, primary);
        }
        return 0;
    }
    return common_invoke_fd_handler(selected, flags & selected->flags, nullptr);
}

int epoll_loop_once(tevent_context *ev, const char *)
{
    struct timeval tval;
    if (run_before_wait(ev, &tval)) {
        return 0;
    }

    EpollState *st = state_of(ev);
    if (reopen_if_forked(st, true) == Reopen::panicked) {
        errno = EINVAL;
        return -1;
    }
    return epoll_wait_once(st, &tval);
}

} // namespace

void epoll_set_panic_fallback(tevent_context *ev,
                              bool (*panic_fallback)(tevent_context *ev,
                                                     bool replay))
{
    state_of(ev)->panic_fallback = panic_fallback;
}

const tevent_ops epoll_ops = {
    .context_init = epoll_context_init,
    .add_fd = epoll_add_fd,
    .set_fd_close_fn = common_fd_set_close_fn,
    .get_fd_flags = common_fd_get_flags,
    .set_fd_flags = epoll_set_fd_flags,
    .add_timer = common_add_timer_v2,
    .schedule_immediate = common_schedule_immediate,
    .add_signal = common_add_signal,
    .loop_once = epoll_loop_once,
    .loop_wait = common_loop_wait,
};

} // namespace tev
