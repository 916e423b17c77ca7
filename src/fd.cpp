// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The backend-independent part of fd events: allocation, the destructor
// (close_fn, double-free detection, deferred free while the handler runs)
// and handler invocation with wrapper hooks.
#include "fd.hpp"

#include <unistd.h>

#include "debug.hpp"
#include "poller.hpp"
#include "wrapper.hpp"

namespace tev
{
namespace
{

void auto_close_fn(tevent_context *, tevent_fd *, int fd, void *)
{
    close(fd);
}

} // namespace

void fd_disarm(tevent_fd *fde)
{
    tevent_context *ev = fde->event_ctx;
    if (ev != nullptr && ev->poller.ops != nullptr) {
        poller_disarm(ev, fde);
    }
    fd_detach(fde);
}

void fd_detach(tevent_fd *fde)
{
    tevent_context *ev = fde->event_ctx;
    if (ev != nullptr) {
        trace_fd(ev, fde, TEVENT_EVENT_TRACE_DETACH);
        ev->fd_events.remove(fde);
        fde->event_ctx = nullptr;
    }
    fde->wrapper = nullptr;
}

int common_fd_destructor(tevent_fd *fde)
{
    if (fde->destroyed) {
        check_double_free(fde, "tevent_fd double free");
    } else {
        fde->destroyed = true;
        tevent_context *ev = fde->event_ctx;
        // A built-in backend's poller forgets the fde first, as upstream's
        // backends do before they call the common destructor.
        if (ev != nullptr && ev->poller.ops != nullptr) {
            poller_disarm(ev, fde);
            ev = fde->event_ctx;
        }
        if (ev != nullptr) {
            trace_fd(ev, fde, TEVENT_EVENT_TRACE_DETACH);
            ev->fd_events.remove(fde);
        }
        if (fde->close_fn != nullptr) {
            fde->close_fn(ev, fde, fde->fd, fde->private_data);
            fde->fd = -1;
            fde->close_fn = nullptr;
        }
        fde->event_ctx = nullptr;
    }
    if (fde->busy) {
        return -1;
    }
    fde->wrapper = nullptr;
    return 0;
}

tevent_fd *common_add_fd(tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                         uint16_t flags, tevent_fd_handler_t handler,
                         void *private_data, const char *handler_name,
                         const char *location)
{
    if (fd < 0) {
        return nullptr;
    }
    auto *fde =
        make<tevent_fd>(mem_ctx != nullptr ? mem_ctx : ev, fd_type_name);
    if (fde == nullptr) {
        return nullptr;
    }
    fde->event_ctx = ev;
    fde->fd = fd;
    fde->flags = flags;
    fde->handler = handler;
    fde->private_data = private_data;
    fde->handler_name = handler_name;
    fde->location = location;
    trace_fd(ev, fde, TEVENT_EVENT_TRACE_ATTACH);
    ev->fd_events.push_front(fde);
    talloc_set_destructor(fde, common_fd_destructor);
    return fde;
}

void common_fd_set_close_fn(tevent_fd *fde, tevent_fd_close_fn_t close_fn)
{
    fde->close_fn = close_fn;
}

uint16_t common_fd_get_flags(tevent_fd *fde)
{
    return fde->flags;
}

void common_fd_set_flags(tevent_fd *fde, uint16_t flags)
{
    fde->flags = flags;
}

void fd_free_after_handler(tevent_fd *fde)
{
    talloc_set_destructor(fde, nullptr);
    talloc_free(fde);
}

bool invoke_fd_handler_general(tevent_fd *fde, uint16_t flags)
{
    bool outer_busy = fde->busy;
    fde->busy = true;
    tevent_wrapper_glue *glue = fde->wrapper;
    if (glue == nullptr) {
        trace_fd(fde->event_ctx, fde, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
        fde->handler(fde->event_ctx, fde, flags, fde->private_data);
    } else {
        tevent_context *handler_ev = glue->wrap_ev;
        wrapper_push_use_internal(handler_ev, glue);
        glue->ops->before_fd_handler(glue->wrap_ev, glue->private_state,
                                     glue->main_ev, fde, flags,
                                     fde->handler_name, fde->location);
        trace_fd(fde->event_ctx, fde, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
        fde->handler(handler_ev, fde, flags, fde->private_data);
        glue->ops->after_fd_handler(glue->wrap_ev, glue->private_state,
                                    glue->main_ev, fde, flags,
                                    fde->handler_name, fde->location);
        wrapper_pop_use_internal(handler_ev, glue);
    }
    fde->busy = outer_busy;
    if (!outer_busy && fde->destroyed) {
        fd_free_after_handler(fde);
        return true;
    }
    return false;
}

int common_invoke_fd_handler(tevent_fd *fde, uint16_t flags, bool *removed)
{
    bool gone = invoke_fd_handler(fde, flags);
    if (removed != nullptr) {
        *removed = gone;
    }
    return 0;
}

void fd_set_close_fn(tevent_fd *fde, tevent_fd_close_fn_t close_fn)
{
    if (fde == nullptr || fde->event_ctx == nullptr) {
        return;
    }
    fde->event_ctx->ops->set_fd_close_fn(fde, close_fn);
}

void fd_set_auto_close(tevent_fd *fde)
{
    fd_set_close_fn(fde, auto_close_fn);
}

uint16_t fd_get_flags(tevent_fd *fde)
{
    if (fde == nullptr || fde->event_ctx == nullptr) {
        return 0;
    }
    return fde->event_ctx->ops->get_fd_flags(fde);
}

void fd_set_flags(tevent_fd *fde, uint16_t flags)
{
    if (fde == nullptr || fde->event_ctx == nullptr) {
        return;
    }
    fde->event_ctx->ops->set_fd_flags(fde, flags);
}

} // namespace tev
