// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: timers and timeval helpers.
#include "../context.hpp"
#include "../timer.hpp"

TEVENT_EXPORT struct tevent_timer *
_tevent_add_timer(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                  struct timeval next_event, tevent_timer_handler_t handler,
                  void *private_data, const char *handler_name,
                  const char *location)
{
    return tev::add_timer(ev, mem_ctx, next_event, handler, private_data,
                          handler_name, location);
}

TEVENT_EXPORT void tevent_update_timer(struct tevent_timer *te,
                                       struct timeval next_event)
{
    tev::update_timer(te, next_event);
}

TEVENT_EXPORT void tevent_timer_set_tag(struct tevent_timer *te, uint64_t tag)
{
    tev::set_tag(te, tag);
}

TEVENT_EXPORT uint64_t tevent_timer_get_tag(const struct tevent_timer *te)
{
    return tev::get_tag(te);
}

TEVENT_EXPORT struct tevent_timer *
tevent_common_add_timer(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                        struct timeval next_event,
                        tevent_timer_handler_t handler, void *private_data,
                        const char *handler_name, const char *location)
{
    return tev::common_add_timer(ev, mem_ctx, next_event, handler, private_data,
                                 handler_name, location);
}

TEVENT_EXPORT struct tevent_timer *
tevent_common_add_timer_v2(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                           struct timeval next_event,
                           tevent_timer_handler_t handler, void *private_data,
                           const char *handler_name, const char *location)
{
    return tev::common_add_timer_v2(ev, mem_ctx, next_event, handler,
                                    private_data, handler_name, location);
}

TEVENT_EXPORT struct timeval
tevent_common_loop_timer_delay(struct tevent_context *ev)
{
    return tev::common_loop_timer_delay(ev);
}

TEVENT_EXPORT int
tevent_common_invoke_timer_handler(struct tevent_timer *te,
                                   struct timeval current_time, bool *removed)
{
    return tev::common_invoke_timer_handler(te, current_time, removed);
}

TEVENT_EXPORT int tevent_timeval_compare(const struct timeval *tv1,
                                         const struct timeval *tv2)
{
    return tev::timeval_compare(tv1, tv2);
}

TEVENT_EXPORT struct timeval tevent_timeval_zero(void)
{
    return {0, 0};
}

TEVENT_EXPORT struct timeval tevent_timeval_current(void)
{
    return tev::timeval_current();
}

TEVENT_EXPORT struct timeval tevent_timeval_set(uint32_t secs, uint32_t usecs)
{
    return tev::timeval_set(secs, usecs);
}

TEVENT_EXPORT struct timeval tevent_timeval_until(const struct timeval *tv1,
                                                  const struct timeval *tv2)
{
    return tev::timeval_until(tv1, tv2);
}

TEVENT_EXPORT bool tevent_timeval_is_zero(const struct timeval *tv)
{
    return tev::timeval_is_zero(tv);
}

TEVENT_EXPORT struct timeval tevent_timeval_add(const struct timeval *tv,
                                                uint32_t secs, uint32_t usecs)
{
    return tev::timeval_add(tv, secs, usecs);
}

TEVENT_EXPORT struct timeval tevent_timeval_current_ofs(uint32_t secs,
                                                        uint32_t usecs)
{
    return tev::timeval_current_ofs(secs, usecs);
}
