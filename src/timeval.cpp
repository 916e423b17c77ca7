// SPDX-License-Identifier: LGPL-3.0-or-later
//
// struct timeval arithmetic, as the tevent_timeval_* API defines it.
#include "timer.hpp"

namespace tev
{

int timeval_compare(const struct timeval *a, const struct timeval *b)
{
    if (a->tv_sec != b->tv_sec) {
        return a->tv_sec > b->tv_sec ? 1 : -1;
    }
    if (a->tv_usec != b->tv_usec) {
        return a->tv_usec > b->tv_usec ? 1 : -1;
    }
    return 0;
}

struct timeval timeval_add(const struct timeval *tv, uint32_t secs,
                           uint32_t usecs)
{
    struct timeval r = *tv;
    r.tv_sec += secs;
    r.tv_usec += usecs;
    r.tv_sec += r.tv_usec / 1000000;
    r.tv_usec = r.tv_usec % 1000000;
    return r;
}

struct timeval timeval_until(const struct timeval *from,
                             const struct timeval *to)
{
    if (timeval_compare(from, to) >= 0) {
        return {0, 0};
    }
    struct timeval r;
    r.tv_sec = to->tv_sec - from->tv_sec;
    if (from->tv_usec > to->tv_usec) {
        r.tv_sec -= 1;
        r.tv_usec = 1000000 - (from->tv_usec - to->tv_usec);
    } else {
        r.tv_usec = to->tv_usec - from->tv_usec;
    }
    return r;
}

} // namespace tev
