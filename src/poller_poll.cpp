// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The poll(2) poller, for the "poll" and "poll_mt" backends, over the
// slot arrays of poll_slots.hpp.
//
// Readiness is handed out as upstream's poll backend dispatches it: its
// fde list from the head, where new fdes go, and the fde that runs moves
// to the tail (the slot's order).  A readiness handed out is taken to
// run, unless the loop asks for the next one.
//
// poll_mt: another thread may add, change and free fdes while the loop
// sleeps in poll(), which reads fds[] and writes their revents back.  So
// fds[] is only written by the loop's thread between waits: a change
// marks its slot, and the slot's pollfd is rewritten before the next wait
// (prepare); a freed slot is reused only then; an added fde waits in
// pending[] until the loop places it.  The plain poll backend has no other
// threads: it places an added fde at once, in a freed slot if there is
// one.
#include "poller.hpp"

#include <cerrno>
#include <cstring>

#include "poll_slots.hpp"

namespace tev
{
namespace
{

using namespace pollset;

const char kStateName[] = "struct poll_event_context";

PollState *state_of(const tevent_context *ev)
{
    return poller_state<PollState>(ev);
}

int poll_create(tevent_context *ev)
{
    auto *st = make<PollState>(ev, kStateName);
    if (st == nullptr) {
        return -1;
    }
    set_poller_state(ev, st);
    return 0;
}

bool poll_arm(tevent_context *ev, tevent_fd *fde)
{
    fde->poller_slot = kNoSlot;
    PollState *st = state_of(ev);
    st->newest -= 1;
    return place(st, fde, st->newest);
}

// poll_mt: the slot is chosen by the loop's thread before its next wait.
bool poll_mt_arm(tevent_context *ev, tevent_fd *fde)
{
    fde->poller_slot = kNoSlot;
    PollState *st = state_of(ev);
    st->newest -= 1;
    return add_pending(st, fde, st->newest);
}

void poll_modify(tevent_context *ev, tevent_fd *fde)
{
    uint64_t slot = fde->poller_slot;
    // A pending fde is described when it is placed.
    if (slot != kNoSlot && (slot & kPending) == 0) {
        mark_changed(state_of(ev), static_cast<uint32_t>(slot - 1));
    }
}

void poll_disarm(tevent_context *ev, tevent_fd *fde)
{
    uint64_t slot = fde->poller_slot;
    if (slot == kNoSlot) {
        return;
    }
    PollState *st = state_of(ev);
    if ((slot & kPending) == 0) {
        vacate(st, static_cast<uint32_t>(slot - 1));
        return;
    }
    uint32_t i = static_cast<uint32_t>(slot & ~kPending);
    st->pending_count -= 1;
    if (i != st->pending_count) {
        st->pending[i] = st->pending[st->pending_count];
        st->pending[i].fde->poller_slot = kPending | i;
    }
    fde->poller_slot = kNoSlot;
}

bool poll_mt_prepare(tevent_context *ev)
{
    PollState *st = state_of(ev);
    // Forgotten here, under the caller's lock: vacate() on another thread
    // reads it during the wait.
    st->handed_out = 0;
    st->handed_slot = kNone;
    return !st->stale || refresh(st);
}

// From slot i on, skips groups of eight slots without revents while
// eight are left: revents is the top quarter of each pollfd's 8 bytes.
static_assert(sizeof(struct pollfd) == 8 &&
              offsetof(struct pollfd, revents) == 6 &&
              __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
inline uint32_t skip_quiet_groups(const struct pollfd *fds, uint32_t i,
                                  uint32_t used)
{
    if (used - i < 8) {
        return i;
    }
    using Word = uint64_t __attribute__((may_alias));
    constexpr uint64_t revents = uint64_t{0xffff} << 48;
    const auto *w = reinterpret_cast<const Word *>(fds + i);
    // w < last: eight slots are left.
    const auto *last = reinterpret_cast<const Word *>(fds + used) - 7;
    while (w < last &&
           ((w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) &
            revents) == 0) {
        w += 8;
    }
    return static_cast<uint32_t>(reinterpret_cast<const struct pollfd *>(w) -
                                 fds);
}

// The first slot from i on whose revents are set, or `used`.
inline uint32_t skip_quiet(const struct pollfd *fds, uint32_t i, uint32_t used)
{
    i = skip_quiet_groups(fds, i, used);
    while (i < used && fds[i].revents == 0) {
        i += 1;
    }
    return i;
}

// The slot with revents, an fde and the lowest order above `after`.
uint32_t next_slot(const PollState *st, uint64_t after)
{
    uint32_t i = skip_quiet(st->fds, 0, st->used);
    if (st->ready == 1) {
        // Most waits find one fd: no order to compare.
        return i < st->used && st->fdes[i] != nullptr && st->order[i] > after
                   ? i
                   : kNone;
    }
    uint32_t best = kNone;
    uint64_t best_order = UINT64_MAX;
    int seen = 0;
    for (; i < st->used; i = skip_quiet(st->fds, i + 1, st->used)) {
        uint64_t order = st->order[i];
        if (st->fdes[i] != nullptr && order > after && order < best_order) {
            best = i;
            best_order = order;
        }
        seen += 1;
        if (seen == st->ready) {
            break;
        }
    }
    return best;
}

// Nothing ran: an fd the kernel calls closed whose fde is gone (freed by
// another thread during the wait, or just disarmed) is reported too.
void report_dangling(tevent_context *ev, PollState *st)
{
    for (uint32_t i = 0; i < st->used; i++) {
        if ((st->fds[i].revents & POLLNVAL) == 0) {
            continue;
        }
        tevent_fd *fde = st->fdes[i];
        TEV_DEBUG(ev, TEVENT_DEBUG_WARNING,
                  "POLLNVAL on dangling fd[%d] fde[%p] - disabling\n",
                  slot_fd(&st->fds[i]), static_cast<void *>(fde));
        if (fde != nullptr) {
            vacate(st, i);
            fd_detach(fde);
        }
    }
}

void hand_out(PollState *st, size_t slot, Ready *ready)
{
    short revents = st->fds[slot].revents;
    st->handed_out = st->order[slot];
    st->handed_slot = static_cast<uint32_t>(slot);
    st->latest += 1;
    st->order[slot] = st->latest;
    ready->fdes = &st->fdes[slot];
    ready->count = 1;
    ready->revents = static_cast<uint16_t>(revents);
}

bool poll_next_ready(tevent_context *ev, Ready *ready)
{
    PollState *st = state_of(ev);
    if (st->ready == 0) {
        return false;
    }
    // The one handed out before did not run: it keeps its place.
    if (st->handed_slot != kNone) {
        st->order[st->handed_slot] = st->handed_out;
        st->handed_slot = kNone;
    }
    for (;;) {
        uint32_t slot = next_slot(st, st->handed_out);
        if (slot == kNone) {
            st->ready = 0;
            report_dangling(ev, st);
            return false;
        }
        st->handed_out = st->order[slot];
        tevent_fd *fde = st->fdes[slot];
        short revents = st->fds[slot].revents;
        if ((revents & POLLNVAL) != 0) {
            TEV_DEBUG(ev, TEVENT_DEBUG_ERROR,
                      "POLLNVAL on fde[%p] fd[%d] - disabling\n",
                      static_cast<void *>(fde), slot_fd(&st->fds[slot]));
            vacate(st, slot);
            fd_detach(fde);
            continue;
        }
        hand_out(st, slot, ready);
        return true;
    }
}

// After a wait without other threads that found `ready` fds, other than
// a lone one handed out at once: hands out the first readiness if the
// loop takes it (first).
__attribute__((noinline)) int after_wait(tevent_context *ev, int ready,
                                         Ready *first)
{
    PollState *st = state_of(ev);
    st->ready = ready > 0 ? ready : 0;
    st->handed_out = 0;
    st->handed_slot = kNone;
    if (ready > 0 && first != nullptr && !poll_next_ready(ev, first)) {
        first->count = 0;
        first->revents = 0;
    }
    return ready;
}

// The wait, without other threads.  Most waits find one fd, which is
// handed out at once.
inline __attribute__((always_inline)) int
wait_and_hand_out(tevent_context *ev, int timeout_msec, Ready *first)
{
    PollState *st = state_of(ev);
    int ready = poll(st->fds, st->used, timeout_msec);
    st = state_of(ev);
    if (ready == 1 && first != nullptr) {
        // Exactly one slot below `used` has revents.
        const struct pollfd *pfd =
            st->fds + skip_quiet_groups(st->fds, 0, st->used);
        while (pfd->revents == 0) {
            pfd += 1;
        }
        size_t slot = static_cast<size_t>(pfd - st->fds);
        if (st->fdes[slot] != nullptr && (pfd->revents & POLLNVAL) == 0) {
            st->ready = 1;
            hand_out(st, slot, first);
            return 1;
        }
    }
    return after_wait(ev, ready, first);
}

// The preparation needs no lock without other threads: it is part of the
// wait (nothing is pending, so it cannot fail).
__attribute__((noinline)) int refresh_and_wait(tevent_context *ev,
                                               int timeout_msec, Ready *first)
{
    refresh(state_of(ev));
    return wait_and_hand_out(ev, timeout_msec, first);
}

int poll_wait(tevent_context *ev, int timeout_msec, Ready *first)
{
    if (state_of(ev)->stale) {
        return refresh_and_wait(ev, timeout_msec, first);
    }
    return wait_and_hand_out(ev, timeout_msec, first);
}

// poll_mt: other threads may change the fdes as soon as the loop takes
// its lock back, after the wait: everything is handed out by next_ready.
int poll_mt_wait(tevent_context *ev, int timeout_msec, Ready *first)
{
    if (first != nullptr) {
        first->count = 0;
        first->revents = 0;
    }
    PollState *st = state_of(ev);
    int ready = poll(st->fds, st->used, timeout_msec);
    st->ready = ready > 0 ? ready : 0;
    return ready;
}

} // namespace

const Poller poll_poller = {
    .create = poll_create,
    .arm = poll_arm,
    .modify = poll_modify,
    .disarm = poll_disarm,
    .reopen = nullptr,
    .prepare = nullptr,
    .wait = poll_wait,
    .next_ready = poll_next_ready,
    .wake_on_change = false,
};

const Poller poll_mt_poller = {
    .create = poll_create,
    .arm = poll_mt_arm,
    .modify = poll_modify,
    .disarm = poll_disarm,
    .reopen = nullptr,
    .prepare = poll_mt_prepare,
    .wait = poll_mt_wait,
    .next_ready = poll_next_ready,
    .wake_on_change = true,
};

} // namespace tev
