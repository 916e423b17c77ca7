// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Timers: creation, update, dispatch and teardown.  The pending ones wait
// in the context's TimerQueue (timer_queue.cpp), in upstream's order:
//  - earlier deadline first;
//  - among zero deadlines, timers added through the zero shortcut
//    (tevent_add_timer) run before zero timers placed by a sorted insert
//    (tevent_update_timer, tevent_common_add_timer), as upstream's
//    "last zero timer" insertion point yields;
//  - otherwise insertion order.
// What timers added at one place share lives in the context's TimerSites.
#include "timer.hpp"

#include <cstdlib>

#include "context.hpp"
#include "debug.hpp"
#include "timer_queue.hpp"
#include "timer_sites.hpp"
#include "wrapper.hpp"

namespace tev
{
namespace
{

// Takes a pending timer out of its queue and drops its site reference.
[[gnu::always_inline]] inline void
forget_pending(TimerQueue &q, tevent_timer *te, uint32_t state)
{
    site_release(q.sites, state & timer_site_mask);
    timer_unlink(q, te, state);
}

// Whatever the destructor must report, and timers that are not simply
// pending: running ones (detached or not), detached ones, double frees.
[[gnu::noinline]] int destructor_slow(tevent_timer *te)
{
    tevent_context *ev = te->event_ctx;
    if (timer_has(te, timer_destroyed)) {
        check_double_free(te, "tevent_timer double free");
    } else if (ev == nullptr) {
        te->state |= timer_destroyed;
    } else if (timer_has(te, timer_busy)) {
        // Running: the dispatcher dequeued it and keeps its name (the
        // context may be going away, site table included).
        te->state |= timer_destroyed;
        TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Destroying timer event %p \"%s\"\n",
                  te, te->pos.running.handler_name);
        trace_timer(ev, te, TEVENT_EVENT_TRACE_DETACH);
        te->event_ctx = nullptr;
    } else {
        // Pending: gone once this returns.
        TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Destroying timer event %p \"%s\"\n",
                  te, timer_site(ev, te).handler_name);
        trace_timer(ev, te, TEVENT_EVENT_TRACE_DETACH);
        forget_pending(ev->timers, te, te->state);
        return 0;
    }
    // A detached timer can still be running (its context went away in the
    // handler): its memory stays until the handler returns.
    return timer_has(te, timer_busy) ? -1 : 0;
}

// A pending timer that nothing reports on goes without a stack frame.
int timer_destructor(tevent_timer *te)
{
    tevent_context *ev = te->event_ctx;
    uint32_t state = te->state;
    // A pending timer has its context: one test of the state covers both.
    if ((state & (timer_busy | timer_destroyed | timer_detached)) != 0 ||
        // (debug_enabled() without its test for ev: it is set here.)
        ev->debug_ops.max_level >= TEVENT_DEBUG_TRACE ||
        ev->tracing.te.callback != nullptr) [[unlikely]] {
        return destructor_slow(te);
    }
    forget_pending(ev->timers, te, state);
    return 0;
}

// A new timer that goes into the heap.  nullptr (te freed) when out of
// memory.
[[gnu::noinline]] tevent_timer *add_to_heap(tevent_context *ev,
                                            tevent_timer *te,
                                            struct timeval next_event,
                                            uint32_t site)
{
    timer_init(te, next_event, site);
    if (!timer_heap_push(ev->timers.heap, te)) [[unlikely]] {
        site_release(ev->timers.sites, site);
        talloc_free(te);
        return nullptr;
    }
    return te;
}

[[gnu::noinline, gnu::cold]] void added_debug(tevent_context *ev,
                                              tevent_timer *te)
{
    debug(ev, TEVENT_DEBUG_TRACE, "Added timed event \"%s\": %p\n",
          timer_site(ev, te).handler_name, te);
}

// `shortcut`: a zero deadline goes into the zero FIFO (tevent_add_timer).
template <bool shortcut>
tevent_timer *add_timer(tevent_context *ev, TALLOC_CTX *mem_ctx,
                        struct timeval next_event,
                        tevent_timer_handler_t handler, void *private_data,
                        const char *handler_name, const char *location)
{
    void *mem = talloc_named_const(mem_ctx != nullptr ? mem_ctx : ev,
                                   sizeof(tevent_timer), "struct tevent_timer");
    if (mem == nullptr) [[unlikely]] {
        return nullptr;
    }
    // Every field is written below (the queue links when queued).
    auto *te = new (mem) tevent_timer;
    te->private_data = private_data;
    te->event_ctx = ev;
    te->tag = 0;
    TimerQueue &q = ev->timers;
    // site_acquire(), with the test for no_site on the slow path only.
    uint32_t site;
    if (TimerSite *last = site_last_match(q.sites, handler, handler_name,
                                          location, nullptr)) [[likely]] {
        last->refs += 1;
        site = q.sites.last[0];
    } else {
        site = site_acquire_slow(q.sites, handler, handler_name, location,
                                 nullptr);
        if (site == no_site) [[unlikely]] {
            talloc_free(te);
            return nullptr;
        }
    }
    // Queued before the ATTACH trace, so that a failed push has nothing to
    // undo.
    if (shortcut && timeval_is_zero(&next_event)) {
        te->tv_sec = 0;
        te->usec_lo = 0;
        timer_list_append(q.zero, te);
        te->state = site | timer_in_zero;
    } else if (timer_fits_run(q, next_event)) {
        te->tv_sec = next_event.tv_sec;
        te->usec_lo = static_cast<int32_t>(next_event.tv_usec);
        timer_list_append(q.run, te);
        te->state = site | timer_in_run;
    } else if (add_to_heap(ev, te, next_event, site) == nullptr) {
        return nullptr;
    }
    trace_timer(ev, te, TEVENT_EVENT_TRACE_ATTACH);
    talloc_set_destructor(te, timer_destructor);
    if (debug_enabled(ev, TEVENT_DEBUG_TRACE)) [[unlikely]] {
        added_debug(ev, te);
    }
    return te;
}

} // namespace

tevent_timer *common_add_timer(tevent_context *ev, TALLOC_CTX *mem_ctx,
                               struct timeval next_event,
                               tevent_timer_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location)
{
    return add_timer<false>(ev, mem_ctx, next_event, handler, private_data,
                            handler_name, location);
}

tevent_timer *common_add_timer_v2(tevent_context *ev, TALLOC_CTX *mem_ctx,
                                  struct timeval next_event,
                                  tevent_timer_handler_t handler,
                                  void *private_data, const char *handler_name,
                                  const char *location)
{
    return add_timer<true>(ev, mem_ctx, next_event, handler, private_data,
                           handler_name, location);
}

void update_timer(tevent_timer *te, struct timeval next_event)
{
    tevent_context *ev = te->event_ctx;
    trace_timer(ev, te, TEVENT_EVENT_TRACE_DETACH);
    timer_dequeue(ev->timers, te);
    timer_set_deadline(te, next_event);
    if (timer_has(te, timer_destroyed)) {
        abort_with(ev, "tevent_timer use after free");
        return;
    }
    trace_timer(ev, te, TEVENT_EVENT_TRACE_ATTACH);
    if (timer_has(te, timer_busy)) {
        // Queued, it could run again from a nested loop in its handler.
        TEV_DEBUG(ev, TEVENT_DEBUG_WARNING,
                  "tevent_update_timer() on timer %p \"%s\" inside its own "
                  "handler: it is freed when the handler returns\n",
                  te, te->pos.running.handler_name);
    } else if (!timer_enqueue(ev->timers, te)) {
        TEV_DEBUG(ev, TEVENT_DEBUG_WARNING,
                  "tevent_update_timer(): no memory to queue timer %p "
                  "\"%s\" again: it will not run\n",
                  te, timer_site(ev, te).handler_name);
    }
}

bool timer_set_wrapper(tevent_timer *te, tevent_wrapper_glue *glue)
{
    TimerSites &sites = te->event_ctx->timers.sites;
    const TimerSite &old = sites.v[timer_site_index(te)];
    uint32_t site =
        site_acquire(sites, old.handler, old.handler_name, old.location, glue);
    if (site == no_site) {
        return false;
    }
    site_release(sites, timer_site_index(te));
    te->state = (te->state & ~timer_site_mask) | site;
    return true;
}

tevent_timer *timer_first(const tevent_context *ev)
{
    return timer_queue_first(ev->timers);
}

void timers_detach_all(tevent_context *ev)
{
    // Running timers keep the context until their handler returns.
    while (tevent_timer *te = timer_queue_first(ev->timers)) {
        trace_timer(ev, te, TEVENT_EVENT_TRACE_DETACH);
        timer_dequeue(ev->timers, te);
        te->event_ctx = nullptr;
        te->state |= timer_detached;
    }
    timer_queue_fini(ev->timers);
    sites_fini(ev->timers.sites);
}

void timers_detach_wrapper(tevent_context *ev, const tevent_wrapper_glue *glue)
{
    struct Match {
        tevent_context *ev;
        const tevent_wrapper_glue *glue;
    } match = {ev, glue};
    timer_queue_drop_if(
        ev->timers,
        [](tevent_timer *te, void *arg) {
            auto *m = static_cast<Match *>(arg);
            if (timer_site(m->ev, te).wrapper != m->glue) {
                return false;
            }
            site_release(m->ev->timers.sites, timer_site_index(te));
            te->event_ctx = nullptr;
            te->state |= timer_detached;
            return true;
        },
        &match);
}

namespace
{

// A timer's handler with the wrapper, debug output or trace callbacks
// around it.  te is dequeued and busy; its site reference is dropped.
[[gnu::noinline]] void invoke_reported(tevent_context *ev, tevent_timer *te,
                                       struct timeval current_time,
                                       tevent_timer_handler_t handler,
                                       const char *location,
                                       tevent_wrapper_glue *glue)
{
    const char *handler_name = te->pos.running.handler_name;
    TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Running timer event %p \"%s\"\n", te,
              handler_name);
    tevent_context *handler_ev = ev;
    if (glue != nullptr) {
        handler_ev = glue->wrap_ev;
        wrapper_push_use_internal(handler_ev, glue);
        glue->ops->before_timer_handler(glue->wrap_ev, glue->private_state,
                                        glue->main_ev, te, timer_deadline(te),
                                        current_time, handler_name, location);
    }
    trace_timer(ev, te, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
    FrameScope scope(ev);
    handler(handler_ev, te, current_time, te->private_data);
    bool ev_alive = !scope.ev_freed();
    if (!ev_alive) {
        // Nothing left to report to.
        te->event_ctx = nullptr;
    }
    if (glue != nullptr) {
        glue->ops->after_timer_handler(glue->wrap_ev, glue->private_state,
                                       glue->main_ev, te, timer_deadline(te),
                                       current_time, handler_name, location);
        wrapper_pop_use_internal(handler_ev, glue);
    }
    TEV_DEBUG(te->event_ctx, TEVENT_DEBUG_TRACE,
              "Ending timer event %p \"%s\"\n", te, handler_name);
    // Still attached unless the handler freed it.
    if (ev_alive && te->event_ctx != nullptr) {
        trace_timer(ev, te, TEVENT_EVENT_TRACE_DETACH);
    }
}

// The end of a handler run that debug output or a trace callback, set up
// by the handler, wants to hear about.
[[gnu::noinline, gnu::cold]] void report_end(tevent_context *ev,
                                             tevent_timer *te)
{
    TEV_DEBUG(te->event_ctx, TEVENT_DEBUG_TRACE,
              "Ending timer event %p \"%s\"\n", te,
              te->pos.running.handler_name);
    if (te->event_ctx != nullptr) {
        trace_timer(ev, te, TEVENT_EVENT_TRACE_DETACH);
    }
}

// Runs te's handler and frees te.
[[gnu::always_inline]] inline void invoke(tevent_context *ev, tevent_timer *te,
                                          struct timeval current_time)
{
    TimerQueue &q = ev->timers;
    uint32_t state = te->state;
    timer_unlink(q, te, state);
    // The handler may free the context and with it the site table: what
    // the run needs is copied, and the reference dropped now.
    TimerSite &site = q.sites.v[state & timer_site_mask];
    tevent_timer_handler_t handler = site.handler;
    const char *handler_name = site.handler_name;
    tevent_wrapper_glue *glue = site.wrapper;
    site.refs -= 1;
    te->state = (state & ~timer_place_mask) | timer_busy;
    te->pos.running.handler_name = handler_name;
    // The loop's frame tells whether the handler freed the context.
    LoopFrame *frame = ev->loop_frames;
    if (glue != nullptr || frame == nullptr ||
        debug_enabled(ev, TEVENT_DEBUG_TRACE) ||
        ev->tracing.te.callback != nullptr) [[unlikely]] {
        invoke_reported(ev, te, current_time, handler, site.location, glue);
    } else {
        handler(ev, te, current_time, te->private_data);
        if (frame->ev_freed) [[unlikely]] {
            te->event_ctx = nullptr;
        } else if (debug_enabled(ev, TEVENT_DEBUG_TRACE) ||
                   ev->tracing.te.callback != nullptr) [[unlikely]] {
            report_end(ev, te);
        }
    }
    // Freed here whatever the handler did: if it freed te, the destructor
    // only marked it.
    talloc_set_destructor(te, nullptr);
    talloc_free(te);
}

} // namespace

int common_invoke_timer_handler(tevent_timer *te, struct timeval current_time,
                                bool *removed)
{
    if (removed != nullptr) {
        *removed = false;
    }
    tevent_context *ev = te->event_ctx;
    // A timer runs once: not again from inside its own handler, where
    // invoke() would free it under the outer call.
    if (ev == nullptr || timer_has(te, timer_busy)) {
        return 0;
    }
    invoke(ev, te, current_time);
    if (removed != nullptr) {
        *removed = true;
    }
    return 0;
}

struct timeval common_loop_timer_delay(tevent_context *ev)
{
    tevent_timer *te = timer_queue_first(ev->timers);
    if (te == nullptr) {
        return ev->wait_timeout;
    }
    struct timeval now = {0, 0};
    // A zero deadline is due without reading the clock.
    if (!timer_deadline_is_zero(te)) {
        now = timeval_current();
        // Due as well when the delay rounds to zero (odd tv_usec values).
        if (timer_after(te, now)) {
            struct timeval deadline = timer_deadline(te);
            struct timeval delay = timeval_until(&now, &deadline);
            if (!timeval_is_zero(&delay)) {
                if (no_timeout(&ev->wait_timeout)) {
                    return ev->wait_timeout;
                }
                return delay;
            }
        }
    }
    invoke(ev, te, now);
    return {0, 0};
}

} // namespace tev
