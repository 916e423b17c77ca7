// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The backend-independent part of fd events (fd.cpp).
#pragma once

#include "context.hpp"

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
    // Private to the backend (poll: array index; epoll: state bits).
    uint64_t additional_flags = 0;
    uint64_t tag = 0;
    // Several fdes on one fd share one kernel registration (epoll).  The
    // primary fde carries the list of the others and the union of flags.
    struct Mpx {
        tevent_fd *primary = nullptr;               // set on secondaries only
        tevent_fd *prev = nullptr, *next = nullptr; // in primary's list
        tevent_fd *list = nullptr;                  // on the primary
        uint16_t total_flags = 0;
        bool has_mpx = false;
    } mpx;
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

// Public wrappers that go through ev->ops (NULL and detached safe).
void fd_set_close_fn(tevent_fd *fde, tevent_fd_close_fn_t close_fn);
void fd_set_auto_close(tevent_fd *fde);
uint16_t fd_get_flags(tevent_fd *fde);
void fd_set_flags(tevent_fd *fde, uint16_t flags);

// Disarms an fde for good (freed wrapper, POLLNVAL) while its context
// lives on: the backend takes it out of its fd group first, then detach
// trace, unlink, forget the context, the multiplexing and the wrapper.
void fd_disarm(tevent_fd *fde);
// The same without the backend: for context teardown (the backend state
// goes away as a whole) and for a backend disarming a whole group itself.
void fd_disarm_unhooked(tevent_fd *fde);

// Multiplexing of several fdes on one fd (used by the epoll backend).
inline tevent_fd *fd_mpx_primary(tevent_fd *any)
{
    return any->mpx.primary != nullptr ? any->mpx.primary : any;
}
void fd_mpx_reinit(tevent_fd *fde);

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
