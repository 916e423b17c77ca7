// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Timers (timer.cpp; their queue: timer_queue.cpp) and timeval helpers
// (timeval.cpp).
// tevent_add_timer() itself goes through the context's ops (context.hpp).
#pragma once

#include "core.hpp"

struct tevent_wrapper_glue;

namespace tev
{

// The pending timers of a context (timer_queue.cpp).  Zero timers added
// through the shortcut wait in a FIFO; a timer whose deadline is not before
// the sorted run's last one is appended to that run; the others go into a
// binary min-heap.
enum TimerPlace : uint32_t {
    timer_unqueued = 0,
    timer_in_zero = 1u << 24,
    timer_in_run = 2u << 24,
    timer_in_heap = 3u << 24,
};

// tevent_timer::state: the site index in the low 24 bits, the place and
// the flags above.  One word, so that a new timer gets it in one store.
inline constexpr uint32_t timer_site_mask = (1u << 24) - 1;
inline constexpr uint32_t timer_place_mask = 3u << 24;
// tv_usec needs 64 bits: such a timer only ever waits in the heap.
inline constexpr uint32_t timer_wide = 1u << 26;
inline constexpr uint32_t timer_busy = 1u << 27; // its handler runs
inline constexpr uint32_t timer_destroyed = 1u << 28;
// Its context went away (event_ctx is nullptr) while it was pending.
inline constexpr uint32_t timer_detached = 1u << 29;

struct TimerList {
    tevent_timer *head = nullptr;
    tevent_timer *tail = nullptr;
};

struct TimerHeap {
    tevent_timer **slots = nullptr; // malloc()ed, freed at context teardown
    uint32_t count = 0;
    uint32_t capacity = 0;
    uint64_t seq = 0; // insertion order among equal deadlines
    // The latest deadline pushed since the heap was last empty.
    struct timeval high = {0, 0};
};

// What the timers added at one place share (timer_sites.cpp).  Pending
// timers hold references; unused sites are reclaimed lazily.
struct TimerSite {
    tevent_timer_handler_t handler;
    const char *handler_name;
    const char *location;
    tevent_wrapper_glue *wrapper;
    uint32_t refs;
    uint32_t chain; // next site + 1 in the hash bucket or the free list
};

struct TimerSites {
    TimerSite *v = nullptr;      // malloc()ed
    uint32_t *buckets = nullptr; // malloc()ed, `capacity` of them
    uint32_t count = 0;          // sites handed out, free ones included
    uint32_t capacity = 0;
    uint32_t free = 0; // first free site + 1
    // The most recently used site without a wrapper ([0]) and with one
    // ([1]), and its index.
    TimerSite *last_site[2] = {nullptr, nullptr};
    uint32_t last[2] = {0, 0};
};

struct TimerQueue {
    TimerList zero;
    TimerList run;
    TimerHeap heap;
    TimerSites sites;
};

} // namespace tev

// 56 bytes, so that with talloc's header it fills a 160-byte malloc chunk:
// the handler, its names and the wrapper live in the context's TimerSites,
// tv_usec takes 32 bits unless it is wide.
struct tevent_timer {
    tevent_context *event_ctx; // nullptr once detached
    // Where it waits (its place): linked in the zero FIFO or the sorted run,
    // or at `index` in the heap.  While its handler runs (unqueued), its
    // name, for when the context and its site table go away meanwhile.
    union {
        struct {
            tevent_timer *prev;
            tevent_timer *next;
        } link;
        struct {
            uint64_t seq;
            uint32_t index;
            int32_t usec_hi; // upper half of a wide tv_usec
        } heap;
        struct {
            const char *handler_name;
        } running;
    } pos;
    void *private_data;
    uint64_t tag;
    time_t tv_sec;   // the deadline, exactly as given
    int32_t usec_lo; // tv_usec, or its lower half when wide
    uint32_t state;  // index in event_ctx->timers.sites, place, flags
};
static_assert(sizeof(tevent_timer) == 56);

namespace tev
{

inline uint32_t timer_site_index(const tevent_timer *te)
{
    return te->state & timer_site_mask;
}

inline bool timer_has(const tevent_timer *te, uint32_t flag)
{
    return (te->state & flag) != 0;
}

// No timer pending: the loop then waits for the wait timeout (inline, as
// the loop asks on every iteration).
inline bool timers_empty(const TimerQueue &q)
{
    return q.zero.head == nullptr && q.run.head == nullptr && q.heap.count == 0;
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

// Marks a timer just added on the main context as created through glue.
// False (nothing changed) when out of memory.
bool timer_set_wrapper(tevent_timer *te, tevent_wrapper_glue *glue);
// The earliest timer, or nullptr.
tevent_timer *timer_first(const tevent_context *ev);
// Context teardown: DETACH-traces and forgets every timer (earliest first).
void timers_detach_all(tevent_context *ev);
// Wrapper teardown: forgets every timer created through glue, without a
// DETACH trace (as upstream); they stay allocated but inert.
void timers_detach_wrapper(tevent_context *ev, const tevent_wrapper_glue *glue);

int timeval_compare(const struct timeval *a, const struct timeval *b);
inline struct timeval timeval_current()
{
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    return tv;
}
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
