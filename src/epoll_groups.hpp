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

#include "core.hpp"

namespace tev
{

struct FdGroup {
    tevent_fd *one = nullptr;   // the fdes while there is room for one
    tevent_fd **many = nullptr; // talloc array once more came
    uint32_t count = 0;         // members, in round-robin order
    uint32_t idle = 0;          // after them: fdes never armed
    uint32_t capacity = 1;
    uint32_t events = 0; // registered with the kernel; 0: not registered
    // An error was reported on the fd since the group formed: WRITE alone
    // is then no reason to stay registered.
    bool got_error = false;

    tevent_fd **fdes() { return many != nullptr ? many : &one; }
};

struct FdTable {
    FdGroup *groups = nullptr; // talloc array, one per fd number
    size_t len = 0;
};

// The group of fd, or nullptr if the table never had room for it.
inline FdGroup *group_of(FdTable &table, int fd)
{
    if (fd < 0 || static_cast<size_t>(fd) >= table.len) {
        return nullptr;
    }
    return &table.groups[fd];
}

// Makes room for fd in the table and for one more fde in its group, so
// that arming and changing flags never allocate.  ctx: the talloc parent.
bool group_reserve(void *ctx, FdTable &table, int fd);
// Adds fde to the group of fde->fd (reserved): a member if it has flags,
// else idle.
void group_add(FdGroup &g, tevent_fd *fde);
// fde's index in g (members first, then idle ones), or UINT32_MAX.
uint32_t group_find(FdGroup &g, const tevent_fd *fde);
// The idle fde at index i becomes a member: the last one, or the first
// while the group is not registered (as upstream registers it on its own).
void group_join(FdGroup &g, uint32_t i);
// Takes the fde at index i out of g, keeping the members' order.
void group_remove(FdGroup &g, uint32_t i);
// The union of the members' flags, leaving out `skip`.
uint16_t group_flags(FdGroup &g, const tevent_fd *skip);

} // namespace tev
