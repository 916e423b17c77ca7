// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The slots of the poll(2) poller: placing, describing and compacting
// them (poll_slots.hpp says how they are laid out).
#include "poll_slots.hpp"

#include <cerrno>

namespace tev::pollset
{
namespace
{

const char kFdsName[] = "struct pollfd";
const char kFdesName[] = "struct tevent_fd *";
const char kOrderName[] = "uint64_t";
const char kChangedName[] = "uint32_t";
const char kPendingName[] = "struct poll_pending_fd";

template <class T>
bool resize(PollState *st, T **array, uint32_t count, const char *name)
{
    auto *tmp = static_cast<T *>(
        _talloc_realloc_array(st, *array, sizeof(T), count, name));
    if (tmp == nullptr) {
        return false;
    }
    *array = tmp;
    return true;
}

bool set_capacity(PollState *st, uint32_t capacity)
{
    if (!resize(st, &st->fds, capacity, kFdsName) ||
        !resize(st, &st->fdes, capacity, kFdesName) ||
        !resize(st, &st->order, capacity, kOrderName) ||
        !resize(st, &st->changed, capacity, kChangedName)) {
        return false;
    }
    for (uint32_t i = st->capacity; i < capacity; i++) {
        st->changed[i] = kUnchanged;
    }
    st->capacity = capacity;
    return true;
}

// What poll() is told about a slot: a negated fd while nobody or an fde
// that wants nothing holds it.
void describe(PollState *st, uint32_t slot)
{
    struct pollfd *pfd = &st->fds[slot];
    const tevent_fd *fde = st->fdes[slot];
    if (fde == nullptr) {
        // The freed fde's fd stays readable for a POLLNVAL report.
        if (pfd->fd >= 0) {
            pfd->fd = ~pfd->fd;
        }
        pfd->events = 0;
    } else {
        pfd->fd = fde->flags != 0 ? fde->fd : ~fde->fd;
        pfd->events = static_cast<short>(wanted_events(fde->flags));
    }
}

void describe_changed(PollState *st)
{
    while (st->changed_head != kNone) {
        uint32_t slot = st->changed_head;
        st->changed_head = st->changed[slot];
        st->changed[slot] = kUnchanged;
        describe(st, slot);
    }
}

void compact(PollState *st)
{
    uint32_t used = 0;
    for (uint32_t i = 0; i < st->used; i++) {
        tevent_fd *fde = st->fdes[i];
        if (fde == nullptr) {
            continue;
        }
        st->fds[used] = st->fds[i];
        st->fdes[used] = fde;
        st->order[used] = st->order[i];
        fde->poller_slot = used + 1;
        used += 1;
    }
    st->used = used;
    st->free_head = kNone;
    st->free_count = 0;
    // Give memory back (keep a little).
    uint32_t wanted = (used + kMinCapacity - 1) & ~(kMinCapacity - 1);
    if (wanted < kMinCapacity) {
        wanted = kMinCapacity;
    }
    if (wanted * 2 <= st->capacity) {
        set_capacity(st, wanted);
    }
}

} // namespace

bool place(PollState *st, tevent_fd *fde, uint64_t order)
{
    uint32_t slot;
    if (st->free_head != kNone) {
        slot = st->free_head;
        st->free_head = static_cast<uint32_t>(st->order[slot]);
        st->free_count -= 1;
    } else {
        if (st->used == st->capacity &&
            !set_capacity(st, st->capacity == 0 ? kMinCapacity
                                                : st->capacity * 2)) {
            return false;
        }
        slot = st->used++;
    }
    st->fdes[slot] = fde;
    st->order[slot] = order;
    describe(st, slot);
    st->fds[slot].revents = 0;
    fde->poller_slot = slot + 1;
    return true;
}

void vacate(PollState *st, uint32_t slot)
{
    if (slot == st->handed_slot) {
        st->handed_slot = kNone;
    }
    st->fdes[slot]->poller_slot = kNoSlot;
    st->fdes[slot] = nullptr;
    mark_changed(st, slot);
    st->order[slot] = st->free_head;
    st->free_head = slot;
    st->free_count += 1;
}

bool add_pending(PollState *st, tevent_fd *fde, uint64_t order)
{
    if (st->pending_count == st->pending_capacity) {
        uint32_t capacity =
            st->pending_capacity == 0 ? 4 : st->pending_capacity * 2;
        if (!resize(st, &st->pending, capacity, kPendingName)) {
            return false;
        }
        st->pending_capacity = capacity;
    }
    st->pending[st->pending_count] = PendingFd{fde, order};
    fde->poller_slot = kPending | st->pending_count;
    st->pending_count += 1;
    st->stale = true;
    return true;
}

bool refresh(PollState *st)
{
    describe_changed(st);
    if (st->free_count * 2 > st->used) {
        compact(st);
    }
    while (st->pending_count > 0) {
        const PendingFd &p = st->pending[st->pending_count - 1];
        if (!place(st, p.fde, p.order)) {
            errno = ENOMEM;
            return false;
        }
        st->pending_count -= 1;
    }
    // Holes wait for compaction or reuse; they cost nothing until then.
    st->stale = false;
    return true;
}

} // namespace tev::pollset
