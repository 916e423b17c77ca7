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

int immediate_destructor(tevent_immediate *im);

// Installs or removes immediate_destructor; the flag saves the talloc call
// when it is there already (only this file installs it).
void use_destructor(tevent_immediate *im, bool use)
{
    if (im->has_destructor != use) {
        talloc_set_destructor(im, use ? immediate_destructor : nullptr);
        im->has_destructor = use;
    }
}

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
// scheduling: the create location, the busy flag, the tag and the
// destructor.
void reset_fields(tevent_immediate *im, tevent_context *detach_ev_ctx)
{
    im->event_ctx = nullptr;
    im->wrapper = nullptr;
    im->detach_ev_ctx = detach_ev_ctx;
    im->handler = nullptr;
    im->private_data = nullptr;
    im->handler_name = nullptr;
    im->schedule_location = nullptr;
}

__attribute__((noinline, cold)) void debug_cancel(tevent_context *ev,
                                                  const tevent_immediate *im)
{
    TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Cancel immediate event %p \"%s\"\n", im,
              im->handler_name);
}

// Takes a scheduled immediate off ev.  keep_destructor: it is scheduled
// again at once, which would only install the destructor anew.
inline __attribute__((always_inline)) void
unschedule(tevent_immediate *im, tevent_context *ev, bool keep_destructor)
{
    if (im->handler_name != nullptr && debug_enabled(ev, TEVENT_DEBUG_TRACE)) {
        debug_cancel(ev, im);
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
    if (!im->busy && !keep_destructor) {
        use_destructor(im, false);
    }
}

// common_immediate_cancel(), inline where it runs per event.
inline __attribute__((always_inline)) void cancel(tevent_immediate *im,
                                                  bool keep_destructor = false)
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
    if (im->event_ctx != nullptr) {
        unschedule(im, im->event_ctx, keep_destructor);
    }
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
    cancel(im);
}

void free_immediate(tevent_immediate *im)
{
    if (im->busy && im->has_destructor && !im->destroyed) {
        // What its destructor does before it refuses the free.
        cancel(im);
        im->destroyed = true;
        return;
    }
    talloc_free(im);
}

void common_schedule_immediate(tevent_immediate *im, tevent_context *ev,
                               tevent_immediate_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location)
{
    // Scheduled again where it is last already, with nothing to trace or
    // log: the cancel and the scheduling would only renew these fields.
    if (im->event_ctx == ev && ev->immediate_events.tail == im && !im->busy &&
        handler != nullptr && ev->tracing.im.callback == nullptr &&
        !debug_enabled(ev, TEVENT_DEBUG_TRACE)) {
        im->handler = handler;
        im->private_data = private_data;
        im->handler_name = handler_name;
        im->schedule_location = location;
        return;
    }
    tevent_wrapper_glue *glue = im->wrapper;
    cancel(im, handler != nullptr);
    if (handler == nullptr) {
        return;
    }
    // Every scheduling field is set afresh (cancel leaves an immediate
    // that was detached already as it was).
    im->event_ctx = ev;
    im->wrapper = glue;
    im->detach_ev_ctx = nullptr;
    im->handler = handler;
    im->private_data = private_data;
    im->handler_name = handler_name;
    im->schedule_location = location;
    trace_immediate(ev, im, TEVENT_EVENT_TRACE_ATTACH);
    ev->immediate_events.push_back(im);
    use_destructor(im, true);
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
    // What the handler needs of the scheduling, which ends now.
    struct {
        tevent_wrapper_glue *wrapper;
        tevent_immediate_handler_t handler;
        void *private_data;
        const char *handler_name;
        const char *schedule_location;
    } const cur = {im->wrapper, im->handler, im->private_data, im->handler_name,
                   im->schedule_location};

    TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Run immediate event \"%s\": %p\n",
              im->handler_name, im);
    // Rescheduled in the handler, it may run again in a nested loop: only
    // the outermost call clears busy and performs a deferred free.
    bool outer_busy = im->busy;
    im->busy = true;
    im->handler_name = nullptr;
    cancel(im);

    tevent_wrapper_glue *glue = cur.wrapper;
    if (glue != nullptr) {
        handler_ev = glue->wrap_ev;
        wrapper_push_use_internal(handler_ev, glue);
        glue->ops->before_immediate_handler(glue->wrap_ev, glue->private_state,
                                            glue->main_ev, im, cur.handler_name,
                                            cur.schedule_location);
    }
    trace_immediate(ev, im, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
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
    im->busy = outer_busy;

    if (im->detach_ev_ctx != nullptr) {
        tevent_context *detach_ev = im->detach_ev_ctx;
        im->detach_ev_ctx = nullptr;
        trace_immediate(detach_ev, im, TEVENT_EVENT_TRACE_DETACH);
    }
    if (im->destroyed && !outer_busy) {
        use_destructor(im, false);
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
