// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The epoll poller's fd groups: which fdes share the registration of an
// fd, and in which order they take turns.
#include "epoll_groups.hpp"

#include <cstring>

#include "fd.hpp"

namespace tev
{
namespace
{

const char kGroupsName[] = "struct epoll_fd_group";
const char kFdesName[] = "struct tevent_fd *";

bool reserve_table(void *ctx, FdTable &table, int fd)
{
    size_t need = static_cast<size_t>(fd) + 1;
    if (need <= table.len) {
        return true;
    }
    size_t len = table.len * 2;
    if (len < need) {
        len = need;
    }
    if (len < 64) {
        len = 64;
    }
    auto *groups = static_cast<FdGroup *>(_talloc_realloc_array(
        ctx, table.groups, sizeof(FdGroup), len, kGroupsName));
    if (groups == nullptr) {
        return false;
    }
    for (size_t i = table.len; i < len; i++) {
        new (&groups[i]) FdGroup{};
    }
    table.groups = groups;
    table.len = len;
    return true;
}

bool reserve_slot(void *ctx, FdGroup &g)
{
    uint32_t total = g.count + g.idle;
    if (total < g.capacity) {
        return true;
    }
    uint32_t capacity = g.capacity < 4 ? 4 : g.capacity * 2;
    auto **many = static_cast<tevent_fd **>(_talloc_realloc_array(
        ctx, g.many, sizeof(tevent_fd *), capacity, kFdesName));
    if (many == nullptr) {
        return false;
    }
    if (g.many == nullptr && total == 1) {
        many[0] = g.one;
    }
    g.many = many;
    g.capacity = capacity;
    return true;
}

} // namespace

bool group_reserve(void *ctx, FdTable &table, int fd)
{
    return reserve_table(ctx, table, fd) && reserve_slot(ctx, table.groups[fd]);
}

void group_add(FdGroup &g, tevent_fd *fde)
{
    uint32_t i = g.count + g.idle;
    g.fdes()[i] = fde;
    g.idle += 1;
    if (fde->flags != 0) {
        group_join(g, i);
    }
}

uint32_t group_find(FdGroup &g, const tevent_fd *fde)
{
    tevent_fd **fdes = g.fdes();
    for (uint32_t i = 0; i < g.count + g.idle; i++) {
        if (fdes[i] == fde) {
            return i;
        }
    }
    return UINT32_MAX;
}

void group_join(FdGroup &g, uint32_t i)
{
    tevent_fd **fdes = g.fdes();
    tevent_fd *fde = fdes[i];
    fdes[i] = fdes[g.count];
    if (g.events == 0 && g.count > 0) {
        memmove(&fdes[1], &fdes[0], g.count * sizeof(fdes[0]));
        fdes[0] = fde;
        // The newcomer's own registration never saw an error.
        g.got_error = false;
    } else {
        fdes[g.count] = fde;
    }
    g.count += 1;
    g.idle -= 1;
}

void group_remove(FdGroup &g, uint32_t i)
{
    tevent_fd **fdes = g.fdes();
    uint32_t total = g.count + g.idle;
    if (i < g.count) {
        memmove(&fdes[i], &fdes[i + 1], (total - i - 1) * sizeof(fdes[0]));
        g.count -= 1;
        if (g.count == 0) {
            g.got_error = false;
        }
    } else {
        fdes[i] = fdes[total - 1];
        g.idle -= 1;
    }
    if (total == 1) {
        // The last one went: back to the inline slot.
        talloc_free(g.many);
        g.many = nullptr;
        g.capacity = 1;
    }
}

uint16_t group_flags(FdGroup &g, const tevent_fd *skip)
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
