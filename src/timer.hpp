// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Timers held in a min-heap (timer.cpp) and timeval helpers (timeval.cpp).
// tevent_add_timer() itself goes through the context's ops (context.hpp).
#pragma once

#include "core.hpp"

struct tevent_wrapper_glue;

struct tevent_timer {
    tevent_context *event_ctx = nullptr;
    tevent_wrapper_glue *wrapper = nullptr;
    bool busy = false;
    bool destroyed = false;
    // Zero-deadline timers added through the shortcut sort before zero
    // timers inserted by a plain sorted insert (see timer.cpp).
    bool zero_shortcut = false;
    uint32_t heap_index = 0; // position in the context's heap (timer.cpp)
    struct timeval next_event = {0, 0};
    tevent_timer_handler_t handler = nullptr;
    void *private_data = nullptr;
    const char *handler_name = nullptr;
    const char *location = nullptr;
    uint64_t tag = 0;
    uint64_t seq = 0; // insertion order among equal deadlines
};

namespace tev
{

// Min-heap of timers keyed by (deadline, insertion class, sequence number):
// O(log n) insert, remove and update; equal deadlines keep FIFO order.
struct TimerHeap {
    tevent_timer **slots = nullptr; // malloc()ed, freed at context teardown
    size_t count = 0;
    size_t capacity = 0;
};

// No timer pending: the loop then waits for the wait timeout (inline, as
// the loop asks on every iteration).
inline bool timers_empty(const TimerHeap &heap)
{
    return heap.count == 0;
}

tevent_timer *common_add_timer(tevent_context *ev, TALLOC_CTX *mem_ctx,
                               struct timeval next_event,
                               tevent_timer_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location);
tevent_timer *common_add_timer_v2(tevent_context *ev, TALLOC_CTX *mem_ctx,
                                  struct timeval next_event,
                                  tevent_timer_handler_t handler,
                                  void *private_data, const char *handler_name,
                                  const char *location);
void update_timer(tevent_timer *te, struct timeval next_event);
struct timeval common_loop_timer_delay(tevent_context *ev);
int common_invoke_timer_handler(tevent_timer *te, struct timeval current_time,
                                bool *removed);

// The earliest timer, or nullptr.
tevent_timer *timer_first(const tevent_context *ev);
// Context teardown: DETACH-traces and forgets every timer (earliest first).
void timers_detach_all(tevent_context *ev);
// Wrapper teardown: forgets every timer created through glue, without a
// DETACH trace (as upstream); they stay allocated but inert.
void timers_detach_wrapper(tevent_context *ev, const tevent_wrapper_glue *glue);

int timeval_compare(const struct timeval *a, const struct timeval *b);
struct timeval timeval_current();
struct timeval timeval_add(const struct timeval *tv, uint32_t secs,
                           uint32_t usecs);
struct timeval timeval_until(const struct timeval *from,
                             const struct timeval *to);
inline bool timeval_is_zero(const struct timeval *tv)
{
    return tv->tv_sec == 0 && tv->tv_usec == 0;
}

// tevent_timeval_set(): no normalisation, as upstream.
inline struct timeval timeval_set(uint32_t secs, uint32_t usecs)
{
    struct timeval tv;
    tv.tv_sec = secs;
    tv.tv_usec = usecs;
    return tv;
}

inline struct timeval timeval_current_ofs(uint32_t secs, uint32_t usecs)
{
    struct timeval now = timeval_current();
    return timeval_add(&now, secs, usecs);
}

} // namespace tev
