// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The "poll" and "poll_mt" backends.
//
// Every armed fde owns one slot of two parallel arrays: fdes[] (the fde) and
// fds[] (its struct pollfd); fde->additional_flags holds the slot index, or
// kNoSlot while the fde has flags 0.  New fdes are appended to fdes[] only;
// fds[] is brought up to date (and freed slots compacted) right before each
// poll(), so adding and removing fdes is O(1).
#include "backend.hpp"

#include <cerrno>
#include <poll.h>

#include "context.hpp"
#include "debug.hpp"
#include "fd.hpp"
#include "immediate.hpp"
#include "signal.hpp"
#include "threads.hpp"
#include "timer.hpp"
#include "wakeup_fd.hpp"

namespace tev
{
namespace
{

constexpr uint64_t kNoSlot = UINT64_MAX;
constexpr size_t kArrayChunk = 16;
const char kStateName[] = "struct poll_event_context";
const char kFdsName[] = "struct pollfd";
const char kFdesName[] = "struct tevent_fd *";

struct PollState {
    tevent_context *ev = nullptr;
    // Some slot below num_fds was vacated (fdes[i] == nullptr).
    bool deleted = false;
    struct pollfd *fds = nullptr; // talloc array, num_fds in use
    size_t num_fds = 0;
    tevent_fd **fdes = nullptr; // talloc array, num_fdes in use
    size_t num_fdes = 0;
    size_t fdes_capacity = 0;
    size_t fds_capacity = 0;
    // poll_mt: another thread may change the fdes while we sleep in
    // poll(), so every change wakes the loop.
    bool use_mt_mode = false;
};

size_t round_up_chunk(size_t n)
{
    return (n + kArrayChunk - 1) & ~(kArrayChunk - 1);
}

// Only this backend's ops reach here, so the state is ours: no talloc type
// check on every iteration.
PollState *state_of(tevent_context *ev)
{
    return static_cast<PollState *>(ev->additional_data);
}

void wake_poll_thread(PollState *st)
{
    if (st->use_mt_mode) {
        common_wakeup(st->ev);
    }
}

void vacate_slot(PollState *st, tevent_fd *fde)
{
    st->fdes[fde->additional_flags] = nullptr;
    st->deleted = true;
    fde->additional_flags = kNoSlot;
}

int poll_fd_destructor(tevent_fd *fde)
{
    tevent_context *ev = fde->event_ctx;
    if (ev != nullptr) {
        PollState *st = state_of(ev);
        if (fde->additional_flags != kNoSlot) {
            vacate_slot(st, fde);
            wake_poll_thread(st);
        }
    }
    return common_fd_destructor(fde);
}

int poll_context_init(tevent_context *ev)
{
    // Also runs from tevent_re_initialise(): drop the previous state.
    TALLOC_FREE(ev->additional_data);
    auto *st = make<PollState>(ev, kStateName);
    if (st == nullptr) {
        return -1;
    }
    st->ev = ev;
    ev->additional_data = st;
    return 0;
}

int poll_mt_context_init(tevent_context *ev)
{
    int ret = poll_context_init(ev);
    if (ret != 0) {
        return ret;
    }
    PollState *st = state_of(ev);
    ret = common_wakeup_init(ev);
    if (ret != 0) {
        return ret;
    }
    st->use_mt_mode = true;
    return 0;
}

tevent_fd *poll_add_fd(tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                       uint16_t flags, tevent_fd_handler_t handler,
                       void *private_data, const char *handler_name,
                       const char *location)
{
    PollState *st = state_of(ev);
    tevent_fd *fde = common_add_fd(ev, mem_ctx, fd, flags, handler,
                                   private_data, handler_name, location);
    if (fde == nullptr) {
        return nullptr;
    }
    if (!poll_event_add_fd_internal(ev, fde)) {
        talloc_free(fde);
        return nullptr;
    }
    wake_poll_thread(st);
    return fde;
}

void poll_set_fd_flags(tevent_fd *fde, uint16_t flags)
{
    tevent_context *ev = fde->event_ctx;
    if (ev == nullptr || fde->flags == flags) {
        return;
    }
    PollState *st = state_of(ev);
    fde->flags = flags;
    uint64_t idx = fde->additional_flags;
    if (idx == kNoSlot) {
        // Was disabled: (re)append it, or keep it out if still 0.
        poll_event_add_fd_internal(ev, fde);
    } else if (flags == 0) {
        vacate_slot(st, fde);
    } else if (idx < st->num_fds) {
        st->fds[idx].events = static_cast<short>(wanted_events(flags));
    }
    // (Slots at or above num_fds are set up by the next sync.)
    wake_poll_thread(st);
}

void poll_mt_schedule_immediate(tevent_immediate *im, tevent_context *ev,
                                tevent_immediate_handler_t handler,
                                void *private_data, const char *handler_name,
                                const char *location)
{
    PollState *st = state_of(ev);
    common_schedule_immediate(im, ev, handler, private_data, handler_name,
                              location);
    wake_poll_thread(st);
}

template <class T>
bool resize_array(PollState *st, T **array, size_t count, const char *name)
{
    auto *tmp = static_cast<T *>(
        _talloc_realloc_array(st, *array, sizeof(T), count, name));
    if (tmp == nullptr) {
        return false;
    }
    *array = tmp;
    return true;
}

// Brings fds[] in line with fdes[]: fills vacated slots from the end,
// then gives freshly appended fdes their pollfd.
bool sync_arrays(PollState *st)
{
    if (st->deleted) {
        size_t i = 0;
        while (i < st->num_fds) {
            if (st->fdes[i] != nullptr) {
                i += 1;
                continue;
            }
            st->num_fds -= 1;
            size_t last = st->num_fds;
            if (last > i) {
                st->fds[i] = st->fds[last];
                st->fdes[i] = st->fdes[last];
                if (st->fdes[i] != nullptr) {
                    st->fdes[i]->additional_flags = i;
                }
            }
            st->fds[last] = pollfd{-1, 0, 0};
            st->fdes[last] = nullptr;
        }
        st->deleted = false;
    }

    if (st->num_fds == st->num_fdes) {
        return true;
    }

    if (st->num_fdes > st->fds_capacity) {
        if (!resize_array(st, &st->fds, st->fdes_capacity, kFdsName)) {
            return false;
        }
        st->fds_capacity = st->fdes_capacity;
    }

    for (size_t i = st->num_fds; i < st->num_fdes; i++) {
        tevent_fd *fde = st->fdes[i];
        if (fde == nullptr) {
            continue;
        }
        size_t slot = st->num_fds;
        if (i > slot) {
            st->fdes[slot] = fde;
            fde->additional_flags = slot;
            st->fdes[i] = nullptr;
        }
        st->fds[slot] =
            pollfd{fde->fd, static_cast<short>(wanted_events(fde->flags)), 0};
        st->num_fds += 1;
    }
    st->num_fdes = st->num_fds;

    // Give memory back after many fdes went away (keep at least a chunk).
    size_t wanted = round_up_chunk(st->num_fds);
    if (wanted < kArrayChunk) {
        wanted = kArrayChunk;
    }
    if (wanted < st->fdes_capacity) {
        if (!resize_array(st, &st->fdes, wanted, kFdesName)) {
            return false;
        }
        st->fdes_capacity = wanted;
        if (!resize_array(st, &st->fds, wanted, kFdsName)) {
            return false;
        }
        st->fds_capacity = wanted;
    }
    return true;
}

// Maps the revents of one pollfd to the flags the fde is called with (0:
// nothing for it).  A WRITE-only fde never sees errors: it loses WRITE.
uint16_t ready_flags(tevent_fd *fde, short revents)
{
    uint16_t flags = 0;
    if ((revents & (POLLHUP | POLLERR | POLLRDHUP)) != 0) {
        if ((fde->flags & (TEVENT_FD_READ | TEVENT_FD_ERROR)) == 0) {
            poll_set_fd_flags(fde, fde->flags & ~TEVENT_FD_WRITE);
            return 0;
        }
        if ((fde->flags & TEVENT_FD_ERROR) != 0) {
            flags |= TEVENT_FD_ERROR;
        }
        if ((fde->flags & TEVENT_FD_READ) != 0) {
            flags |= TEVENT_FD_READ;
        }
    }
    if ((revents & POLLIN) != 0) {
        flags |= TEVENT_FD_READ;
    }
    if ((revents & POLLOUT) != 0) {
        flags |= TEVENT_FD_WRITE;
    }
    // With poll_mt the flags may have changed while we slept.
    return flags & fde->flags;
}

int poll_wait(tevent_context *ev, const struct timeval *tvalp)
{
    PollState *st = state_of(ev);

    if (!ev->signal_events.empty() && common_check_signal(ev) != 0) {
        return 0;
    }
    if (!sync_arrays(st)) {
        return -1;
    }

    trace_point(ev, TEVENT_TRACE_BEFORE_WAIT);
    int ready = poll(st->fds, st->num_fds, timeout_msec(tvalp));
    int poll_errno = errno;
    trace_point(ev, TEVENT_TRACE_AFTER_WAIT);

    if (ready == -1 && poll_errno == EINTR && !ev->signal_events.empty()) {
        common_check_signal(ev);
        return 0;
    }
    if (ready == 0) {
        if (no_timeout(tvalp)) {
            // tevent_context_set_wait_timeout(0): nothing was ready.
            errno = EAGAIN;
            return -1;
        }
        common_loop_timer_delay(ev);
        return 0;
    }
    if (ready < 0) {
        return 0;
    }

    // Newest fdes first; the one that runs goes to the end of the list so
    // that busy fds cannot starve the others.
    tevent_fd *next = nullptr;
    for (tevent_fd *fde = ev->fd_events.head; fde != nullptr; fde = next) {
        next = fde->next;
        uint64_t idx = fde->additional_flags;
        // Fresh fdes (added by another thread during poll()) have no
        // result yet.
        if (idx == kNoSlot || idx >= st->num_fds) {
            continue;
        }
        const struct pollfd *pfd = &st->fds[idx];
        if ((pfd->revents & POLLNVAL) != 0) {
            TEV_DEBUG(ev, TEVENT_DEBUG_ERROR,
                      "POLLNVAL on fde[%p] fd[%d] - disabling\n",
                      static_cast<void *>(fde), pfd->fd);
            vacate_slot(st, fde);
            fd_disarm(fde);
            continue;
        }
        uint16_t flags = ready_flags(fde, pfd->revents);
        if (flags != 0) {
            ev->fd_events.remove(fde);
            ev->fd_events.push_back(fde);
            return common_invoke_fd_handler(fde, flags, nullptr);
        }
    }

    // Nobody ran: report closed fds whose fde is gone (or was just
    // disabled above).
    for (size_t i = 0; i < st->num_fds; i++) {
        if ((st->fds[i].revents & POLLNVAL) == 0) {
            continue;
        }
        tevent_fd *fde = st->fdes[i];
        TEV_DEBUG(ev, TEVENT_DEBUG_WARNING,
                  "POLLNVAL on dangling fd[%d] fde[%p] - disabling\n",
                  st->fds[i].fd, static_cast<void *>(fde));
        if (fde != nullptr) {
            vacate_slot(st, fde);
            fd_disarm(fde);
        }
    }
    return 0;
}

int poll_loop_once(tevent_context *ev, const char *)
{
    struct timeval tval;
    if (run_before_wait(ev, &tval)) {
        return 0;
    }
    return poll_wait(ev, &tval);
}

} // namespace

bool poll_event_add_fd_internal(tevent_context *ev, tevent_fd *fde)
{
    PollState *st = state_of(ev);
    fde->additional_flags = kNoSlot;
    fd_mpx_reinit(fde);
    talloc_set_destructor(fde, poll_fd_destructor);
    if (fde->flags == 0) {
        return true;
    }
    if (st->num_fdes + 1 > st->fdes_capacity) {
        size_t capacity = round_up_chunk(st->num_fdes + 1);
        if (!resize_array(st, &st->fdes, capacity, kFdesName)) {
            return false;
        }
        st->fdes_capacity = capacity;
    }
    fde->additional_flags = st->num_fdes;
    st->fdes[st->num_fdes] = fde;
    st->num_fdes += 1;
    return true;
}

const tevent_ops poll_ops = {
    .context_init = poll_context_init,
    .add_fd = poll_add_fd,
    .set_fd_close_fn = common_fd_set_close_fn,
    .get_fd_flags = common_fd_get_flags,
    .set_fd_flags = poll_set_fd_flags,
    .add_timer = common_add_timer_v2,
    .schedule_immediate = common_schedule_immediate,
    .add_signal = common_add_signal,
    .loop_once = poll_loop_once,
    .loop_wait = common_loop_wait,
};

const tevent_ops poll_mt_ops = {
    .context_init = poll_mt_context_init,
    .add_fd = poll_add_fd,
    .set_fd_close_fn = common_fd_set_close_fn,
    .get_fd_flags = common_fd_get_flags,
    .set_fd_flags = poll_set_fd_flags,
    .add_timer = common_add_timer_v2,
    .schedule_immediate = poll_mt_schedule_immediate,
    .add_signal = common_add_signal,
    .loop_once = poll_loop_once,
    .loop_wait = common_loop_wait,
};

} // namespace tev
