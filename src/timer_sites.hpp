// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Interned (handler, handler name, location, wrapper) tuples of a context's
// timers (timer_sites.cpp): a timer keeps a 24-bit index instead of four
// pointers that are the same for every timer added at one place.
#pragma once

#include "core.hpp"

namespace tev
{

inline constexpr uint32_t no_site = UINT32_MAX;

inline bool timer_site_equal(const TimerSite &a, const TimerSite &b)
{
    return a.handler == b.handler && a.handler_name == b.handler_name &&
           a.location == b.location && a.wrapper == b.wrapper;
}

uint32_t site_acquire_slow(TimerSites &s, const TimerSite &key);

// The index of the site equal to `key` (refs and chain ignored), created
// if needed, with one more reference; no_site when out of memory.  Timers
// armed one after the other at one place find the last site used.
inline uint32_t site_acquire(TimerSites &s, const TimerSite &key)
{
    if (s.last != 0) {
        TimerSite &site = s.v[s.last - 1];
        if (timer_site_equal(site, key)) {
            site.refs += 1;
            return s.last - 1;
        }
    }
    return site_acquire_slow(s, key);
}

inline void site_release(TimerSites &s, uint32_t i)
{
    s.v[i].refs -= 1;
}

inline const TimerSite &timer_site(const tevent_context *ev,
                                   const tevent_timer *te)
{
    return ev->timers.sites.v[te->site];
}

// Frees the table (context teardown).
void sites_fini(TimerSites &s);

} // namespace tev
