// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The per-context wakeup eventfd: written from signal handlers and other
// threads, drained by an internal READ fde so that a blocked wait returns.
#include "wakeup_fd.hpp"

#include <cerrno>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fd.hpp"

namespace tev
{
namespace
{

void drain_wakeup(tevent_context *, tevent_fd *fde, uint16_t, void *)
{
    ssize_t ret;
    do {
        uint64_t value;
        ret = read(fde->fd, &value, sizeof(value));
    } while (ret == -1 && errno == EINTR);
}

} // namespace

int common_wakeup_init(tevent_context *ev)
{
    if (ev->wakeup_fde != nullptr) {
        return 0;
    }
    // Upstream leaves the eventfd inheritable; keep it that way.
    int fd = eventfd(0, EFD_NONBLOCK);
    if (fd == -1) {
        return errno;
    }
    ev->wakeup_fd.store(fd, std::memory_order_relaxed);
    ev->wakeup_fde =
        ev->ops->add_fd(ev, ev, fd, TEVENT_FD_READ, drain_wakeup, nullptr,
                        "wakeup_pipe_handler", TEV_LOCATION);
    if (ev->wakeup_fde == nullptr) {
        ev->wakeup_fd.store(-1, std::memory_order_relaxed);
        close(fd);
        return ENOMEM;
    }
    return 0;
}

int common_wakeup_fd(int fd)
{
    ssize_t ret;
    do {
        uint64_t one = 1;
        ret = write(fd, &one, sizeof(one));
    } while (ret == -1 && errno == EINTR);
    return 0;
}

int common_wakeup(tevent_context *ev)
{
    if (ev->wakeup_fde == nullptr) {
        return ENOTCONN;
    }
    return common_wakeup_fd(ev->wakeup_fd.load(std::memory_order_relaxed));
}

void common_wakeup_fini(tevent_context *ev)
{
    if (ev->wakeup_fde == nullptr) {
        return;
    }
    talloc_free(ev->wakeup_fde);
    ev->wakeup_fde = nullptr;
    close(ev->wakeup_fd.exchange(-1, std::memory_order_relaxed));
}

} // namespace tev
