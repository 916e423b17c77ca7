// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The epoll poller's table of fd groups (epoll_groups.cpp).
//
// The kernel takes one registration per fd, tevent any number of fdes per
// fd.  So the fdes of one fd form a group, found in a table indexed by fd:
// its members share the registration (interest: the union of their flags)
// in round-robin order, the first being the one named in log lines (upstream's
// "primary").  An fde joins the order when it is first armed; until then
// (flags 0 since it was added) it waits behind the members.
#pragma once

#include "poller.hpp"

namespace tev
{

// All zero: no fdes.
struct FdGroup {
    tevent_fd *one;   // the fdes while there is room for one
    tevent_fd **many; // talloc array of `capacity` once more came
    uint32_t count;   // members, in round-robin order
    uint32_t idle;    // after them: fdes never armed
    uint32_t capacity;
    uint16_t events; // registered with the kernel; 0: not registered
    // An error was reported on the fd since the group formed: WRITE alone
    // is then no reason to stay registered.
    bool got_error;

    tevent_fd **fdes() { return many != nullptr ? many : &one; }
    uint32_t room() const { return many != nullptr ? capacity : 1; }
};

// Groups by fd number, in pages that are allocated (zeroed) on first use:
// growing the table copies page pointers only.
struct FdTable {
    static constexpr int kPageBits = 6;
    static constexpr int kPageSize = 1 << kPageBits;
    FdGroup **pages = nullptr; // talloc array of `len`; nullptr: unused page
    size_t len = 0;
};

// The group of fd, or nullptr if the table never had room for it.
inline FdGroup *group_of(FdTable &table, int fd)
{
    size_t page = static_cast<size_t>(fd) >> FdTable::kPageBits;
    if (fd < 0 || page >= table.len || table.pages[page] == nullptr) {
        return nullptr;
    }
    return &table.pages[page][fd & (FdTable::kPageSize - 1)];
}

// Every group of the table, lowest fd first: f(fd, group), which returns
// false to stop.
template <class F> bool for_each_group(FdTable &table, F f)
{
    for (size_t page = 0; page < table.len; page++) {
        FdGroup *groups = table.pages[page];
        for (int i = 0; groups != nullptr && i < FdTable::kPageSize; i++) {
            int fd = static_cast<int>(page << FdTable::kPageBits) + i;
            if (!f(fd, groups[i])) {
                return false;
            }
        }
    }
    return true;
}

// Makes room for fd in the table and for one more fde in its group, so
// that arming and changing flags never allocate.  ctx: the talloc parent.
bool group_grow(void *ctx, FdTable &table, int fd);
inline bool group_reserve(void *ctx, FdTable &table, int fd)
{
    FdGroup *g = group_of(table, fd);
    return (g != nullptr && g->count + g->idle < g->room()) ||
           group_grow(ctx, table, fd);
}

// Adds fde to the group of fde->fd (reserved): a member if it has flags,
// else idle.
void group_add(FdGroup &g, tevent_fd *fde);

// fde's index in g (members first, then idle ones), or UINT32_MAX.
inline uint32_t group_find(FdGroup &g, const tevent_fd *fde)
{
    tevent_fd **fdes = g.fdes();
    for (uint32_t i = 0; i < g.count + g.idle; i++) {
        if (fdes[i] == fde) {
            return i;
        }
    }
    return UINT32_MAX;
}

// The idle fde at index i becomes a member: the last one, or the first
// while the group is not registered (as upstream registers it on its own).
void group_join(FdGroup &g, uint32_t i);
// Takes the fde at index i out of g, keeping the members' order.
void group_remove(FdGroup &g, uint32_t i);

// The union of the members' flags, leaving out `skip`.
inline uint16_t group_flags(FdGroup &g, const tevent_fd *skip)
{
    tevent_fd **fdes = g.fdes();
    uint16_t flags = 0;
    for (uint32_t i = 0; i < g.count; i++) {
        if (fdes[i] != skip) {
            flags |= fdes[i]->flags;
        }
    }
    return flags;
}

} // namespace tev
