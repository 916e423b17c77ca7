// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Interned (handler, handler name, location, wrapper) tuples of a context's
// timers (timer_sites.cpp): a timer keeps a 24-bit index instead of four
// pointers that are the same for every timer added at one place.
#pragma once

#include "context.hpp"

namespace tev
{

inline constexpr uint32_t no_site = UINT32_MAX;

uint32_t site_acquire_slow(TimerSites &s, tevent_timer_handler_t handler,
                           const char *handler_name, const char *location,
                           tevent_wrapper_glue *wrapper);

// The last site used with that wrapper (mostly a constant nullptr) if it
// is (handler, handler_name, location, wrapper), else nullptr: timers armed
// one after the other at one place find it.
inline TimerSite *site_last_match(const TimerSites &s,
                                  tevent_timer_handler_t handler,
                                  const char *handler_name,
                                  const char *location,
                                  tevent_wrapper_glue *wrapper)
{
    unsigned wrapped = wrapper != nullptr ? 1 : 0;
    TimerSite *site = s.last_site[wrapped];
    if (site != nullptr && site->handler == handler &&
        site->handler_name == handler_name && site->location == location &&
        (wrapped == 0 || site->wrapper == wrapper)) {
        return site;
    }
    return nullptr;
}

// The index of the site (handler, handler_name, location, wrapper), created
// if needed, with one more reference; no_site when out of memory.
inline uint32_t site_acquire(TimerSites &s, tevent_timer_handler_t handler,
                             const char *handler_name, const char *location,
                             tevent_wrapper_glue *wrapper)
{
    if (TimerSite *site =
            site_last_match(s, handler, handler_name, location, wrapper)) {
        site->refs += 1;
        return s.last[wrapper != nullptr ? 1 : 0];
    }
    return site_acquire_slow(s, handler, handler_name, location, wrapper);
}

inline void site_release(TimerSites &s, uint32_t i)
{
    s.v[i].refs -= 1;
}

inline const TimerSite &timer_site(const tevent_context *ev,
                                   const tevent_timer *te)
{
    return ev->timers.sites.v[timer_site_index(te)];
}

// Frees the table (context teardown).
void sites_fini(TimerSites &s);

} // namespace tev
