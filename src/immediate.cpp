// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Immediate events: a FIFO per context, one handler per loop iteration.
#include "immediate.hpp"

#include "debug.hpp"
#include "wrapper.hpp"

namespace tev
{
namespace
{

int immediate_destructor(tevent_immediate *im)
{
    if (im->destroyed) {
        check_double_free(im, "tevent_immediate double free");
    } else {
        common_immediate_cancel(im);
        im->destroyed = true;
    }
    return im->busy ? -1 : 0;
}

// Resets an immediate to "not scheduled", keeping what outlives a
// scheduling: the create location, the busy flag and the tag.
void reset_fields(tevent_immediate *im, tevent_context *detach_ev_ctx)
{
    const char *create_location = im->create_location;
    bool busy = im->busy;
    uint64_t tag = im->tag;
    new (im) tevent_immediate{};
    im->create_location = create_location;
    im->busy = busy;
    im->tag = tag;
    im->detach_ev_ctx = detach_ev_ctx;
}

} // namespace

tevent_immediate *create_immediate(TALLOC_CTX *mem_ctx, const char *location)
{
    auto *im = make<tevent_immediate>(mem_ctx, "struct tevent_immediate");
    if (im != nullptr) {
        im->create_location = location;
    }
    return im;
}

void common_immediate_cancel(tevent_immediate *im)
{
    if (im->destroyed) {
        abort_with(im->event_ctx, "tevent_immediate use after free");
        return;
    }
    // A DETACH deferred while its handler ran is due now.
    if (im->detach_ev_ctx != nullptr) {
        tevent_context *detach_ev = im->detach_ev_ctx;
        im->detach_ev_ctx = nullptr;
        trace_immediate(detach_ev, im, TEVENT_EVENT_TRACE_DETACH);
        return;
    }
    tevent_context *ev = im->event_ctx;
    if (ev == nullptr) {
        return;
    }
    if (im->handler_name != nullptr) {
        TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Cancel immediate event %p \"%s\"\n",
                  im, im->handler_name);
    }
    // While its handler runs (handler_name cleared by the dispatcher) the
    // DETACH is deferred until the handler returns or reschedules.
    tevent_context *deferred = nullptr;
    if (im->busy && im->handler_name == nullptr) {
        deferred = ev;
    } else {
        trace_immediate(ev, im, TEVENT_EVENT_TRACE_DETACH);
    }
    ev->immediate_events.remove(im);
    reset_fields(im, deferred);
    if (!im->busy) {
        talloc_set_destructor(im, nullptr);
    }
}

void common_schedule_immediate(tevent_immediate *im, tevent_context *ev,
                               tevent_immediate_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location)
{
    tevent_wrapper_glue *glue = im->wrapper;
    common_immediate_cancel(im);
    if (handler == nullptr) {
        return;
    }
    // Cancel leaves an already detached immediate as it was: start afresh.
    reset_fields(im, nullptr);
    im->event_ctx = ev;
    im->wrapper = glue;
    im->handler = handler;
    im->private_data = private_data;
    im->handler_name = handler_name;
    im->schedule_location = location;
    trace_immediate(ev, im, TEVENT_EVENT_TRACE_ATTACH);
    ev->immediate_events.push_back(im);
    talloc_set_destructor(im, immediate_destructor);
    TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Schedule immediate event \"%s\": %p\n",
              handler_name, im);
}

int common_invoke_immediate_handler(tevent_immediate *im, bool *removed)
{
    if (removed != nullptr) {
        *removed = false;
    }
    tevent_context *ev = im->event_ctx;
    tevent_context *handler_ev = ev;
    const tevent_immediate cur = *im;

    TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Run immediate event \"%s\": %p\n",
              im->handler_name, im);
    im->busy = true;
    im->handler_name = nullptr;
    common_immediate_cancel(im);

    tevent_wrapper_glue *glue = cur.wrapper;
    if (glue != nullptr) {
        handler_ev = glue->wrap_ev;
        wrapper_push_use_internal(handler_ev, glue);
        glue->ops->before_immediate_handler(glue->wrap_ev, glue->private_state,
                                            glue->main_ev, im, cur.handler_name,
                                            cur.schedule_location);
    }
    trace_immediate(cur.event_ctx, im, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
    FrameScope scope(ev);
    cur.handler(handler_ev, im, cur.private_data);
    if (scope.ev_freed()) {
        // The handler freed the context: its deferred DETACH has no
        // receiver any more.
        im->detach_ev_ctx = nullptr;
    }
    if (glue != nullptr) {
        glue->ops->after_immediate_handler(glue->wrap_ev, glue->private_state,
                                           glue->main_ev, im, cur.handler_name,
                                           cur.schedule_location);
        wrapper_pop_use_internal(handler_ev, glue);
    }
    im->busy = false;

    if (im->detach_ev_ctx != nullptr) {
        tevent_context *detach_ev = im->detach_ev_ctx;
        im->detach_ev_ctx = nullptr;
        trace_immediate(detach_ev, im, TEVENT_EVENT_TRACE_DETACH);
    }
    if (im->destroyed) {
        talloc_set_destructor(im, nullptr);
        talloc_free(im);
        if (removed != nullptr) {
            *removed = true;
        }
    }
    return 0;
}

bool common_loop_immediate(tevent_context *ev)
{
    tevent_immediate *im = ev->immediate_events.head;
    if (im == nullptr) {
        return false;
    }
    if (common_invoke_immediate_handler(im, nullptr) != 0) {
        abort_with(ev, "tevent_common_invoke_immediate_handler() failed");
    }
    return true;
}

void immediates_detach(tevent_context *ev, const tevent_wrapper_glue *glue)
{
    tevent_immediate *next = nullptr;
    for (tevent_immediate *im = ev->immediate_events.head; im != nullptr;
         im = next) {
        next = im->next;
        if (glue != nullptr && im->wrapper != glue) {
            continue;
        }
        // As upstream, only the context teardown reports a DETACH.
        if (glue == nullptr) {
            trace_immediate(ev, im, TEVENT_EVENT_TRACE_DETACH);
        }
        im->wrapper = nullptr;
        im->event_ctx = nullptr;
        ev->immediate_events.remove(im);
    }
}

} // namespace tev
