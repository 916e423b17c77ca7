// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The pending timers of a context (timer_queue.cpp) and the deadline as a
// tevent_timer stores it.
#pragma once

#include "context.hpp"

namespace tev
{

// The deadline exactly as given: no normalisation, as upstream.
inline long timer_usec(const tevent_timer *te)
{
    if (timer_has(te, timer_wide)) [[unlikely]] {
        uint64_t hi = static_cast<uint32_t>(te->pos.heap.usec_hi);
        return static_cast<long>(hi << 32 | static_cast<uint32_t>(te->usec_lo));
    }
    return te->usec_lo;
}

inline struct timeval timer_deadline(const tevent_timer *te)
{
    struct timeval tv;
    tv.tv_sec = te->tv_sec;
    tv.tv_usec = timer_usec(te);
    return tv;
}

inline bool timer_deadline_is_zero(const tevent_timer *te)
{
    return te->tv_sec == 0 && timer_usec(te) == 0;
}

// A new timer: its deadline and site; unqueued, not running.
inline void timer_init(tevent_timer *te, struct timeval tv, uint32_t site)
{
    auto usec_lo = static_cast<int32_t>(tv.tv_usec);
    bool wide = usec_lo != tv.tv_usec;
    te->tv_sec = tv.tv_sec;
    te->usec_lo = usec_lo;
    te->state = site | (wide ? timer_wide : 0);
    if (wide) [[unlikely]] {
        te->pos.heap.usec_hi =
            static_cast<int32_t>(static_cast<uint64_t>(tv.tv_usec) >> 32);
    }
}

// Only for a timer that is not queued (a wide tv_usec shares the heap data).
inline void timer_set_deadline(tevent_timer *te, struct timeval tv)
{
    te->tv_sec = tv.tv_sec;
    te->usec_lo = static_cast<int32_t>(tv.tv_usec);
    bool wide = te->usec_lo != tv.tv_usec;
    te->state = (te->state & ~timer_wide) | (wide ? timer_wide : 0);
    if (wide) {
        te->pos.heap.usec_hi =
            static_cast<int32_t>(static_cast<uint64_t>(tv.tv_usec) >> 32);
    }
}

// a's deadline before b's: tv_sec, then tv_usec, as upstream compares.
inline bool timer_before(const tevent_timer *a, const tevent_timer *b)
{
    if (a->tv_sec != b->tv_sec) {
        return a->tv_sec < b->tv_sec;
    }
    if (((a->state | b->state) & timer_wide) == 0) [[likely]] {
        return a->usec_lo < b->usec_lo;
    }
    return timer_usec(a) < timer_usec(b);
}

inline bool timer_after(const tevent_timer *te, const struct timeval &tv)
{
    if (te->tv_sec != tv.tv_sec) {
        return te->tv_sec > tv.tv_sec;
    }
    return timer_usec(te) > tv.tv_usec;
}

inline void timer_list_append(TimerList &l, tevent_timer *te)
{
    te->pos.link.prev = l.tail;
    te->pos.link.next = nullptr;
    if (l.tail != nullptr) {
        l.tail->pos.link.next = te;
    } else {
        l.head = te;
    }
    l.tail = te;
}

inline void timer_list_remove(TimerList &l, tevent_timer *te)
{
    tevent_timer *prev = te->pos.link.prev;
    tevent_timer *next = te->pos.link.next;
    if (prev != nullptr) {
        prev->pos.link.next = next;
    } else {
        l.head = next;
    }
    if (next != nullptr) {
        next->pos.link.prev = prev;
    } else {
        l.tail = prev;
    }
}

// The heap part (timer_queue.cpp).  Push fails when out of memory.
bool timer_heap_push(TimerHeap &h, tevent_timer *te);
void timer_heap_remove(TimerHeap &h, tevent_timer *te);

// Whether a timer with deadline tv belongs at the end of the sorted run:
// not before the run's last deadline and past the heap's latest one (then
// every run timer is older than any heap timer with an equal deadline).
// Run timers are never wide.
inline bool timer_fits_run(const TimerQueue &q, struct timeval tv)
{
    if (static_cast<int32_t>(tv.tv_usec) != tv.tv_usec) {
        return false;
    }
    if (const tevent_timer *tail = q.run.tail; tail != nullptr) {
        if (tv.tv_sec != tail->tv_sec ? tv.tv_sec < tail->tv_sec
                                      : tv.tv_usec < tail->usec_lo) {
            return false;
        }
    }
    return q.heap.count == 0 ||
           (tv.tv_sec != q.heap.high.tv_sec ? tv.tv_sec > q.heap.high.tv_sec
                                            : tv.tv_usec > q.heap.high.tv_usec);
}

// Queues te by its deadline, behind every timer with a deadline <= its
// own.  False when out of memory (te stays unqueued).
inline bool timer_enqueue(TimerQueue &q, tevent_timer *te)
{
    if (timer_fits_run(q, timer_deadline(te))) {
        timer_list_append(q.run, te);
        te->state |= timer_in_run;
        return true;
    }
    return timer_heap_push(q.heap, te);
}

// Unlinks te from the part of the queue that `state` names, leaving
// te->state as it is.
[[gnu::always_inline]] inline void timer_unlink(TimerQueue &q, tevent_timer *te,
                                                uint32_t state)
{
    switch (state & timer_place_mask) {
    case timer_in_zero:
        timer_list_remove(q.zero, te);
        break;
    case timer_in_run:
        timer_list_remove(q.run, te);
        break;
    case timer_in_heap:
        timer_heap_remove(q.heap, te);
        break;
    default:
        break;
    }
}

// Takes te out of the queue; nothing if it is not queued.
[[gnu::always_inline]] inline void timer_dequeue(TimerQueue &q,
                                                 tevent_timer *te)
{
    timer_unlink(q, te, te->state);
    te->state &= ~timer_place_mask;
}

// The timer to run next, or nullptr.  The run wins a tie with the heap (see
// timer_enqueue); the zero FIFO runs first unless a deadline is negative.
inline tevent_timer *timer_queue_first(const TimerQueue &q)
{
    tevent_timer *first = q.run.head;
    if (q.heap.count != 0) {
        tevent_timer *top = q.heap.slots[0];
        if (first == nullptr || timer_before(top, first)) {
            first = top;
        }
    }
    if (q.zero.head != nullptr &&
        (first == nullptr || first->tv_sec > 0 ||
         (first->tv_sec == 0 && timer_usec(first) >= 0))) {
        first = q.zero.head;
    }
    return first;
}

// Dequeues every timer for which drop(te, arg) is true.
void timer_queue_drop_if(TimerQueue &q, bool (*drop)(tevent_timer *, void *),
                         void *arg);
// Frees the heap's array; the queue must be empty.
void timer_queue_fini(TimerQueue &q);

} // namespace tev
