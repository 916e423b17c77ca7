// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The slots of the poll(2) poller (poller_poll.cpp): every fde owns one
// slot of three parallel arrays for its whole life: fds[] (its struct
// pollfd, handed to poll() as it is), fdes[] and order[].  An fde with
// flags 0 keeps its slot with the fd negated, which poll() skips; a freed
// slot goes on a free list (threaded through order[]) for the next fde,
// and the arrays are compacted before a wait once half of them is free.
// So adding, changing and removing an fde is O(1), and a wait only scans
// the revents the kernel filled in.
//
// order[] is the fde's place in upstream's fde list: new fdes count down
// from the middle, fdes that ran count up from it.
#pragma once

#include <poll.h>

#include "poller.hpp"

namespace tev::pollset
{

inline constexpr uint32_t kMinCapacity = 16;
inline constexpr uint32_t kNone = UINT32_MAX;
inline constexpr uint32_t kUnchanged = UINT32_MAX - 1;
inline constexpr uint64_t kMiddle = uint64_t{1} << 62;

// fde->poller_slot: 0 (none), slot + 1, or kPending | (index in pending[]).
inline constexpr uint64_t kNoSlot = 0;
inline constexpr uint64_t kPending = uint64_t{1} << 63;

struct PendingFd {
    tevent_fd *fde;
    uint64_t order; // its place in the list, taken when it was added
};

struct PollState {
    struct pollfd *fds = nullptr; // [0, used) go to poll()
    tevent_fd **fdes = nullptr;   // nullptr in a free slot
    uint64_t *order = nullptr;    // lower is dispatched first
    // Slots whose pollfd is out of date: a list through changed[], ending
    // in kNone; kUnchanged for a slot not on it.
    uint32_t *changed = nullptr;
    uint32_t changed_head = kNone;
    uint32_t used = 0;
    uint32_t capacity = 0;
    uint32_t free_head = kNone; // free slots below `used`
    uint32_t free_count = 0;
    uint64_t newest = kMiddle; // counts down: the order of a new fde
    uint64_t latest = kMiddle; // counts up: the order of an fde that ran
    PendingFd *pending = nullptr;
    uint32_t pending_count = 0;
    uint32_t pending_capacity = 0;
    // Something to prepare before a wait: changed or pending slots, holes.
    bool stale = false;
    // The last wait: how many revents poll() filled in (0 once nothing is
    // left to hand out), and the readiness handed out last: its order
    // before it was put behind the others (it runs unless the loop asks
    // for the next one) and its slot (kNone once that is vacated).
    int ready = 0;
    uint64_t handed_out = 0;
    uint32_t handed_slot = kNone;
};

inline void mark_changed(PollState *st, uint32_t slot)
{
    st->stale = true;
    if (st->changed[slot] == kUnchanged) {
        st->changed[slot] = st->changed_head;
        st->changed_head = slot;
    }
}

inline int slot_fd(const struct pollfd *pfd)
{
    return pfd->fd >= 0 ? pfd->fd : ~pfd->fd;
}

// Gives fde a free slot, at `order` in the list.  False without memory.
bool place(PollState *st, tevent_fd *fde, uint64_t order);
// Frees a slot; its revents stay for the rest of the current dispatch.
void vacate(PollState *st, uint32_t slot);
// poll_mt: keeps fde for the loop's thread to place (refresh).  False
// without memory.
bool add_pending(PollState *st, tevent_fd *fde, uint64_t order);
// Before a wait: rewrites the changed slots, compacts, places the pending
// fdes.  False (errno ENOMEM) if one could not be placed.
bool refresh(PollState *st);

} // namespace tev::pollset
