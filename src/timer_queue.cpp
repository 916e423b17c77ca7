// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The pending timers of a context.  Upstream keeps one sorted list (O(n)
// per insertion unless the new deadline is the latest); we keep three
// parts with the same observable order:
//  - zero: zero-deadline timers of tevent_add_timer() in a FIFO.  They run
//    before every other timer with a deadline >= zero, as upstream's
//    "last zero timer" insertion point yields.
//  - run: a sorted run.  A timer whose deadline is not before the run's
//    last one (and is later than anything in the heap) is appended: O(1),
//    which covers timeouts armed at now + constant and equal deadlines.
//  - heap: a binary min-heap ordered by (deadline, insertion order) for
//    the rest: O(log n).
// A run timer is older than every heap timer with an equal deadline (it was
// appended only past the heap's latest deadline; later heap timers are
// newer), so the run wins ties and needs no sequence number.
#include "timer_queue.hpp"

#include <cstdlib>

namespace tev
{
namespace
{

// ---------------------------------------------------------------------------
// The heap

bool heap_before(const tevent_timer *a, const tevent_timer *b)
{
    if (a->tv_sec != b->tv_sec) {
        return a->tv_sec < b->tv_sec;
    }
    long ua = timer_usec(a);
    long ub = timer_usec(b);
    if (ua != ub) {
        return ua < ub;
    }
    return a->pos.heap.seq < b->pos.heap.seq;
}

void place(TimerHeap &h, uint32_t i, tevent_timer *te)
{
    h.slots[i] = te;
    te->pos.heap.index = i;
}

// Puts te into the hole at i, or above it (not above top) while it goes
// before the parent.
[[gnu::always_inline]] inline void rise(TimerHeap &h, uint32_t i, uint32_t top,
                                        tevent_timer *te)
{
    while (i > top) {
        uint32_t parent = (i - 1) / 2;
        if (!heap_before(te, h.slots[parent])) {
            break;
        }
        place(h, i, h.slots[parent]);
        i = parent;
    }
    place(h, i, te);
}

void sift_up(TimerHeap &h, uint32_t i)
{
    rise(h, i, 0, h.slots[i]);
}

// Moves the hole at i down to a leaf along the earlier children, then te
// up from there (not above i): one comparison per level on the way down
// instead of two, since te, taken from the heap's end, mostly belongs near
// the bottom.
void sift_down(TimerHeap &h, uint32_t i, tevent_timer *te)
{
    uint32_t top = i;
    for (;;) {
        uint64_t child = 2 * static_cast<uint64_t>(i) + 1;
        if (child >= h.count) {
            break;
        }
        if (child + 1 < h.count &&
            heap_before(h.slots[child + 1], h.slots[child])) {
            child += 1;
        }
        place(h, i, h.slots[child]);
        i = static_cast<uint32_t>(child);
    }
    rise(h, i, top, te);
}

} // namespace

bool timer_heap_push(TimerHeap &h, tevent_timer *te)
{
    if (h.count == h.capacity) {
        if (h.capacity == UINT32_MAX) {
            return false;
        }
        uint32_t cap = h.capacity == 0               ? 16
                       : h.capacity > UINT32_MAX / 2 ? UINT32_MAX
                                                     : h.capacity * 2;
        void *mem = realloc(h.slots, size_t{cap} * sizeof(h.slots[0]));
        if (mem == nullptr) {
            return false;
        }
        h.slots = static_cast<tevent_timer **>(mem);
        h.capacity = cap;
    }
    if (h.count == 0 || timer_after(te, h.high)) {
        h.high = timer_deadline(te);
    }
    te->pos.heap.seq = h.seq++;
    te->state |= timer_in_heap;
    place(h, h.count, te);
    h.count += 1;
    sift_up(h, h.count - 1);
    return true;
}

void timer_heap_remove(TimerHeap &h, tevent_timer *te)
{
    uint32_t i = te->pos.heap.index;
    h.count -= 1;
    if (i == h.count) {
        return;
    }
    tevent_timer *last = h.slots[h.count];
    if (i > 0 && heap_before(last, h.slots[(i - 1) / 2])) {
        place(h, i, last);
        sift_up(h, i);
    } else {
        sift_down(h, i, last);
    }
}

namespace
{

void heap_drop_if(TimerHeap &h, bool (*drop)(tevent_timer *, void *), void *arg)
{
    // Compact the survivors, then restore the heap property in O(n).
    uint32_t kept = 0;
    for (uint32_t i = 0; i < h.count; i++) {
        tevent_timer *te = h.slots[i];
        if (drop(te, arg)) {
            te->state &= ~timer_place_mask;
        } else {
            place(h, kept++, te);
        }
    }
    h.count = kept;
    for (uint32_t i = kept / 2; i-- > 0;) {
        sift_down(h, i, h.slots[i]);
    }
}

void list_drop_if(TimerList &l, bool (*drop)(tevent_timer *, void *), void *arg)
{
    tevent_timer *next = nullptr;
    for (tevent_timer *te = l.head; te != nullptr; te = next) {
        next = te->pos.link.next;
        if (drop(te, arg)) {
            timer_list_remove(l, te);
            te->state &= ~timer_place_mask;
        }
    }
}

} // namespace

void timer_queue_drop_if(TimerQueue &q, bool (*drop)(tevent_timer *, void *),
                         void *arg)
{
    list_drop_if(q.zero, drop, arg);
    list_drop_if(q.run, drop, arg);
    heap_drop_if(q.heap, drop, arg);
}

void timer_queue_fini(TimerQueue &q)
{
    free(q.heap.slots);
    q.heap.slots = nullptr;
    q.heap.capacity = 0;
}

} // namespace tev
