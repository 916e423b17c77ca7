// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The epoll poller's fd groups: which fdes share the registration of an
// fd, and in which order they take turns.
#include "epoll_groups.hpp"

#include <cstring>

#include "poller.hpp"

namespace tev
{
namespace
{

const char kPagesName[] = "struct epoll_fd_group *";
const char kGroupsName[] = "struct epoll_fd_group";
const char kFdesName[] = "struct tevent_fd *";

bool reserve_page(void *ctx, FdTable &table, int fd)
{
    size_t page = static_cast<size_t>(fd) >> FdTable::kPageBits;
    if (page >= table.len) {
        size_t len = table.len * 2;
        if (len < page + 1) {
            len = page + 1;
        }
        auto **pages = static_cast<FdGroup **>(_talloc_realloc_array(
            ctx, table.pages, sizeof(FdGroup *), len, kPagesName));
        if (pages == nullptr) {
            return false;
        }
        for (size_t i = table.len; i < len; i++) {
            pages[i] = nullptr;
        }
        table.pages = pages;
        table.len = len;
    }
    if (table.pages[page] == nullptr) {
        table.pages[page] = static_cast<FdGroup *>(_talloc_zero_array(
            table.pages, sizeof(FdGroup), FdTable::kPageSize, kGroupsName));
    }
    return table.pages[page] != nullptr;
}

bool reserve_slot(void *ctx, FdGroup &g)
{
    uint32_t total = g.count + g.idle;
    if (total < g.room()) {
        return true;
    }
    uint32_t capacity = g.many == nullptr ? 4 : g.capacity * 2;
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

bool group_grow(void *ctx, FdTable &table, int fd)
{
    return reserve_page(ctx, table, fd) &&
           reserve_slot(ctx, *group_of(table, fd));
}

void group_add(FdGroup &g, tevent_fd *fde)
{
    uint32_t i = g.count + g.idle;
    if (i == 0 && fde->flags != 0) {
        // Most fds have one fde: it is the group.
        g.one = fde;
        g.count = 1;
        g.got_error = false;
        return;
    }
    g.fdes()[i] = fde;
    g.idle += 1;
    if (fde->flags != 0) {
        group_join(g, i);
    }
}

void group_join(FdGroup &g, uint32_t i)
{
    tevent_fd **fdes = g.fdes();
    tevent_fd *fde = fdes[i];
    fdes[i] = fdes[g.count];
    if (g.events == 0 && g.count > 0) {
        for (uint32_t j = g.count; j > 0; j--) {
            fdes[j] = fdes[j - 1];
        }
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
    if (total == 1 && g.many == nullptr) {
        g.count = 0;
        g.idle = 0;
        g.got_error = false;
        return;
    }
    if (i < g.count) {
        for (uint32_t j = i + 1; j < total; j++) {
            fdes[j - 1] = fdes[j];
        }
        g.count -= 1;
        if (g.count == 0) {
            g.got_error = false;
        }
    } else {
        fdes[i] = fdes[total - 1];
        g.idle -= 1;
    }
    if (total == 1 && g.many != nullptr) {
        // The last one went: back to the inline slot.
        talloc_free(g.many);
        g.many = nullptr;
        g.capacity = 0;
    }
}

} // namespace tev
