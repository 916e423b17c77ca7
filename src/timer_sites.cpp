// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The sites of a context's timers: a dense array of TimerSite (indices stay
// valid while it grows) with chained hash buckets.  A site without
// references stays hashed, so that a call site arming one timer after the
// other finds it again; such sites are recycled only when the table is full
// and at least half of it is unused, which keeps the work per timer O(1)
// and the table at most four times as large as the most sites in use.
#include "timer_sites.hpp"

#include <cstdlib>
#include <cstring>

namespace tev
{
namespace
{

constexpr uint32_t min_capacity = 8;
// Indices must fit the site bits of tevent_timer::state.
constexpr uint32_t max_capacity = uint32_t{1} << 24;

uint32_t bucket_of(const TimerSite &k, uint32_t capacity)
{
    constexpr uint64_t mul = 0x9E3779B97F4A7C15ull;
    uint64_t h = reinterpret_cast<uintptr_t>(k.handler);
    h = (h ^ reinterpret_cast<uintptr_t>(k.handler_name)) * mul;
    h = (h ^ reinterpret_cast<uintptr_t>(k.location)) * mul;
    h = (h ^ reinterpret_cast<uintptr_t>(k.wrapper)) * mul;
    return static_cast<uint32_t>(h >> 32) & (capacity - 1);
}

void link(TimerSites &s, uint32_t i)
{
    uint32_t b = bucket_of(s.v[i], s.capacity);
    s.v[i].chain = s.buckets[b];
    s.buckets[b] = i + 1;
}

// Rebuilds the buckets; with `recycle`, unused sites go to the free list.
void rehash(TimerSites &s, bool recycle)
{
    memset(s.buckets, 0, size_t{s.capacity} * sizeof(s.buckets[0]));
    s.free = 0;
    for (uint32_t i = s.count; i-- > 0;) {
        if (s.v[i].refs != 0 || !recycle) {
            link(s, i);
        } else {
            s.v[i].chain = s.free;
            s.free = i + 1;
        }
    }
    s.last_site[0] = nullptr;
    s.last_site[1] = nullptr;
}

uint32_t unused(const TimerSites &s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s.count; i++) {
        n += s.v[i].refs == 0 ? 1 : 0;
    }
    return n;
}

bool same(const TimerSite &a, const TimerSite &b)
{
    return a.handler == b.handler && a.handler_name == b.handler_name &&
           a.location == b.location && a.wrapper == b.wrapper;
}

bool grow(TimerSites &s)
{
    if (s.capacity == max_capacity) {
        return false;
    }
    uint32_t cap = s.capacity == 0 ? min_capacity : s.capacity * 2;
    void *v = realloc(s.v, size_t{cap} * sizeof(s.v[0]));
    if (v == nullptr) {
        return false;
    }
    s.v = static_cast<TimerSite *>(v);
    void *buckets = malloc(size_t{cap} * sizeof(s.buckets[0]));
    if (buckets == nullptr) {
        return false;
    }
    free(s.buckets);
    s.buckets = static_cast<uint32_t *>(buckets);
    s.capacity = cap;
    // A free list only exists right after recycling, which leaves room.
    rehash(s, false);
    return true;
}

// An index for a new site, or no_site.
uint32_t take_slot(TimerSites &s)
{
    if (s.free == 0 && s.count == s.capacity) {
        // Either half of the table is recycled or it doubles: the count
        // costs O(1) per site added.
        if (s.capacity != 0 && unused(s) >= s.capacity / 2) {
            rehash(s, true);
        } else if (!grow(s)) {
            return no_site;
        }
    }
    if (s.free != 0) {
        uint32_t i = s.free - 1;
        s.free = s.v[i].chain;
        return i;
    }
    return s.count++;
}

void remember(TimerSites &s, uint32_t i)
{
    unsigned wrapped = s.v[i].wrapper != nullptr ? 1 : 0;
    s.last[wrapped] = i;
    s.last_site[wrapped] = &s.v[i];
}

} // namespace

uint32_t site_acquire_slow(TimerSites &s, tevent_timer_handler_t handler,
                           const char *handler_name, const char *location,
                           tevent_wrapper_glue *wrapper)
{
    const TimerSite key = {handler, handler_name, location, wrapper, 0, 0};
    if (s.capacity != 0) {
        for (uint32_t i = s.buckets[bucket_of(key, s.capacity)]; i != 0;
             i = s.v[i - 1].chain) {
            if (same(s.v[i - 1], key)) {
                s.v[i - 1].refs += 1;
                remember(s, i - 1);
                return i - 1;
            }
        }
    }
    uint32_t i = take_slot(s);
    if (i == no_site) {
        return no_site;
    }
    s.v[i] = key;
    s.v[i].refs = 1;
    link(s, i);
    remember(s, i);
    return i;
}

void sites_fini(TimerSites &s)
{
    free(s.v);
    free(s.buckets);
    s = TimerSites{};
}

} // namespace tev
