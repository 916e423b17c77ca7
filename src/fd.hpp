// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The backend-independent part of fd events (fd.cpp).
#pragma once

#include "context.hpp"
#include "debug.hpp"

struct tevent_wrapper_glue;

// talloc names compared on hot paths: one object, so that talloc's name
// check succeeds on the pointer comparison.
namespace tev
{
inline constexpr char fd_type_name[] = "struct tevent_fd";
} // namespace tev

// `busy` is set while the handler runs; `destroyed` once the talloc
// destructor ran, which while `busy` keeps the memory until the handler
// returns (and makes a second explicit free detectable).
struct tevent_fd {
    tevent_fd *prev = nullptr, *next = nullptr;
    tevent_context *event_ctx = nullptr;
    tevent_wrapper_glue *wrapper = nullptr;
    bool busy = false;
    bool destroyed = false;
    int fd = -1;
    uint16_t flags = 0;
    tevent_fd_handler_t handler = nullptr;
    tevent_fd_close_fn_t close_fn = nullptr;
    void *private_data = nullptr;
    const char *handler_name = nullptr;
    const char *location = nullptr;
    uint64_t tag = 0;
    // Belongs to the context's poller (poller.hpp); the core never reads it.
    uint64_t poller_slot = 0;
};

namespace tev
{

tevent_fd *common_add_fd(tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                         uint16_t flags, tevent_fd_handler_t handler,
                         void *private_data, const char *handler_name,
                         const char *location);
int common_fd_destructor(tevent_fd *fde);
void common_fd_set_close_fn(tevent_fd *fde, tevent_fd_close_fn_t close_fn);
uint16_t common_fd_get_flags(tevent_fd *fde);
void common_fd_set_flags(tevent_fd *fde, uint16_t flags);
int common_invoke_fd_handler(tevent_fd *fde, uint16_t flags, bool *removed);

// What runs an fde's handler (busy meanwhile, between the wrapper's hooks
// if it has one) and frees the fde if it was freed inside, for an fde
// attached to ev.  True if it freed it.  The usual case is inline for the
// loop: no wrapper, no trace callback, and not called again from a nested
// loop in its own handler (only the outermost call clears busy and
// performs a deferred free); invoke_fd_handler_general() does the rest.
bool invoke_fd_handler_general(tevent_fd *fde, uint16_t flags);
void fd_free_after_handler(tevent_fd *fde);
inline bool invoke_attached_fd_handler(tevent_context *ev, tevent_fd *fde,
                                       uint16_t flags)
{
    if (fde->wrapper != nullptr || fde->busy ||
        ev->tracing.fde.callback != nullptr) {
        return invoke_fd_handler_general(fde, flags);
    }
    fde->busy = true;
    fde->handler(ev, fde, flags, fde->private_data);
    fde->busy = false;
    if (fde->destroyed) {
        fd_free_after_handler(fde);
        return true;
    }
    return false;
}
// The same for any fde (tevent_common_invoke_fd_handler()): a detached
// one is not run.
inline bool invoke_fd_handler(tevent_fd *fde, uint16_t flags)
{
    tevent_context *ev = fde->event_ctx;
    return ev != nullptr && invoke_attached_fd_handler(ev, fde, flags);
}

// Public wrappers that go through ev->ops (NULL and detached safe).
void fd_set_close_fn(tevent_fd *fde, tevent_fd_close_fn_t close_fn);
void fd_set_auto_close(tevent_fd *fde);
uint16_t fd_get_flags(tevent_fd *fde);
void fd_set_flags(tevent_fd *fde, uint16_t flags);

// Disarms an fde for good (freed wrapper) while its context lives on: the
// poller forgets it first, then fd_detach().
void fd_disarm(tevent_fd *fde);
// DETACH trace, unlinked from its context, which it forgets with its
// wrapper: what the context teardown does to every fde (the poller state
// goes away as a whole), and a poller to an fd the kernel calls closed.
void fd_detach(tevent_fd *fde);

// tevent_add_fd(): through the context's backend (or wrapper) ops.
inline tevent_fd *add_fd(tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                         uint16_t flags, tevent_fd_handler_t handler,
                         void *private_data, const char *handler_name,
                         const char *location)
{
    return ev->ops->add_fd(ev, mem_ctx, fd, flags, handler, private_data,
                           handler_name, location);
}

} // namespace tev
