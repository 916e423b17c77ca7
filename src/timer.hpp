// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Timers (timer.cpp; their queue: timer_queue.cpp) and timeval helpers
// (timeval.cpp).
#pragma once

#include "core.hpp"

namespace tev
{

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

// tevent_add_timer(): through the context's backend (or wrapper) ops.
inline tevent_timer *add_timer(tevent_context *ev, TALLOC_CTX *mem_ctx,
                               struct timeval next_event,
                               tevent_timer_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location)
{
    return ev->ops->add_timer(ev, mem_ctx, next_event, handler, private_data,
                              handler_name, location);
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
