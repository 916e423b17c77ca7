// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Timers.  Upstream keeps a sorted list (O(n) insert); we keep a binary
// min-heap with the same observable order:
//  - earlier deadline first;
//  - among zero deadlines, timers added through the zero shortcut
//    (tevent_add_timer) run before zero timers placed by a sorted insert
//    (tevent_update_timer, tevent_common_add_timer), as upstream's
//    "last zero timer" insertion point yields;
//  - otherwise insertion order (a sequence number).
#include "timer.hpp"

#include <cstdlib>

#include "backend.hpp"
#include "debug.hpp"
#include "wrapper.hpp"

namespace tev
{
namespace
{

constexpr uint32_t not_in_heap = UINT32_MAX;

bool earlier(const tevent_timer *a, const tevent_timer *b)
{
    if (a->next_event.tv_sec != b->next_event.tv_sec) {
        return a->next_event.tv_sec < b->next_event.tv_sec;
    }
    if (a->next_event.tv_usec != b->next_event.tv_usec) {
        return a->next_event.tv_usec < b->next_event.tv_usec;
    }
    if (a->zero_shortcut != b->zero_shortcut) {
        return a->zero_shortcut;
    }
    return a->seq < b->seq;
}

void place(TimerHeap &h, size_t i, tevent_timer *te)
{
    h.slots[i] = te;
    te->heap_index = static_cast<uint32_t>(i);
}

void sift_up(TimerHeap &h, size_t i)
{
    tevent_timer *te = h.slots[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(te, h.slots[parent])) {
            break;
        }
        place(h, i, h.slots[parent]);
        i = parent;
    }
    place(h, i, te);
}

void sift_down(TimerHeap &h, size_t i)
{
    tevent_timer *te = h.slots[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h.count) {
            break;
        }
        if (child + 1 < h.count &&
            earlier(h.slots[child + 1], h.slots[child])) {
            child += 1;
        }
        if (!earlier(h.slots[child], te)) {
            break;
        }
        place(h, i, h.slots[child]);
        i = child;
    }
    place(h, i, te);
}

bool heap_push(TimerHeap &h, tevent_timer *te)
{
    if (h.count >= not_in_heap) {
        return false;
    }
    if (h.count == h.capacity) {
        size_t cap = h.capacity == 0 ? 16 : h.capacity * 2;
        void *mem = realloc(h.slots, cap * sizeof(h.slots[0]));
        if (mem == nullptr) {
            return false;
        }
        h.slots = static_cast<tevent_timer **>(mem);
        h.capacity = cap;
    }
    place(h, h.count, te);
    h.count += 1;
    sift_up(h, h.count - 1);
    return true;
}

void heap_remove(TimerHeap &h, tevent_timer *te)
{
    size_t i = te->heap_index;
    if (i == not_in_heap) {
        return;
    }
    te->heap_index = not_in_heap;
    h.count -= 1;
    if (i == h.count) {
        return;
    }
    place(h, i, h.slots[h.count]);
    if (i > 0 && earlier(h.slots[i], h.slots[(i - 1) / 2])) {
        sift_up(h, i);
    } else {
        sift_down(h, i);
    }
}

int timer_destructor(tevent_timer *te)
{
    if (te->destroyed) {
        check_double_free(te, "tevent_timer double free");
    } else if (tevent_context *ev = te->event_ctx; ev != nullptr) {
        te->destroyed = true;
        TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Destroying timer event %p \"%s\"\n",
                  te, te->handler_name);
        trace_timer(ev, te, TEVENT_EVENT_TRACE_DETACH);
        heap_remove(ev->timers, te);
        te->event_ctx = nullptr;
    } else {
        te->destroyed = true;
    }
    // A detached timer can still be running (its context went away in the
    // handler): its memory stays until the handler returns.
    if (te->busy) {
        return -1;
    }
    te->wrapper = nullptr;
    return 0;
}

// Both insert flavours end here; `shortcut` is upstream's zero optimisation.
bool insert_timer(tevent_context *ev, tevent_timer *te, bool shortcut)
{
    if (te->destroyed) {
        abort_with(ev, "tevent_timer use after free");
        return true;
    }
    te->zero_shortcut = shortcut && timeval_is_zero(&te->next_event);
    te->seq = ev->timer_seq++;
    trace_timer(te->event_ctx, te, TEVENT_EVENT_TRACE_ATTACH);
    // A running timer is freed when its handler returns: queued, it could
    // run again from a nested loop inside that handler.
    return te->busy || heap_push(ev->timers, te);
}

tevent_timer *add_timer(tevent_context *ev, TALLOC_CTX *mem_ctx,
                        struct timeval next_event,
                        tevent_timer_handler_t handler, void *private_data,
                        const char *handler_name, const char *location,
                        bool shortcut)
{
    auto *te = make<tevent_timer>(mem_ctx != nullptr ? mem_ctx : ev,
                                  "struct tevent_timer");
    if (te == nullptr) {
        return nullptr;
    }
    te->event_ctx = ev;
    te->next_event = next_event;
    te->handler = handler;
    te->private_data = private_data;
    te->handler_name = handler_name;
    te->location = location;
    te->heap_index = not_in_heap;
    if (!insert_timer(ev, te, shortcut)) {
        // Only the heap array could not grow: undo the attach.
        trace_timer(ev, te, TEVENT_EVENT_TRACE_DETACH);
        talloc_free(te);
        return nullptr;
    }
    talloc_set_destructor(te, timer_destructor);
    TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Added timed event \"%s\": %p\n",
              handler_name, te);
    return te;
}

} // namespace

tevent_timer *common_add_timer(tevent_context *ev, TALLOC_CTX *mem_ctx,
                               struct timeval next_event,
                               tevent_timer_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location)
{
    return add_timer(ev, mem_ctx, next_event, handler, private_data,
                     handler_name, location, false);
}

tevent_timer *common_add_timer_v2(tevent_context *ev, TALLOC_CTX *mem_ctx,
                                  struct timeval next_event,
                                  tevent_timer_handler_t handler,
                                  void *private_data, const char *handler_name,
                                  const char *location)
{
    return add_timer(ev, mem_ctx, next_event, handler, private_data,
                     handler_name, location, true);
}

void update_timer(tevent_timer *te, struct timeval next_event)
{
    tevent_context *ev = te->event_ctx;
    trace_timer(ev, te, TEVENT_EVENT_TRACE_DETACH);
    heap_remove(ev->timers, te);
    te->next_event = next_event;
    if (te->busy && !te->destroyed) {
        TEV_DEBUG(ev, TEVENT_DEBUG_WARNING,
                  "tevent_update_timer() on timer %p \"%s\" inside its own "
                  "handler: it is freed when the handler returns\n",
                  te, te->handler_name);
    }
    // The slot just freed leaves room.
    insert_timer(ev, te, false);
}

bool timer_set_wrapper(tevent_timer *te, tevent_wrapper_glue *glue)
{
    te->wrapper = glue;
    return true;
}

tevent_timer *timer_first(const tevent_context *ev)
{
    return ev->timers.count > 0 ? ev->timers.slots[0] : nullptr;
}

void timers_detach_all(tevent_context *ev)
{
    TimerHeap &h = ev->timers;
    while (h.count > 0) {
        tevent_timer *te = h.slots[0];
        trace_timer(te->event_ctx, te, TEVENT_EVENT_TRACE_DETACH);
        te->wrapper = nullptr;
        te->event_ctx = nullptr;
        heap_remove(h, te);
    }
    free(h.slots);
    h.slots = nullptr;
    h.capacity = 0;
}

void timers_detach_wrapper(tevent_context *ev, const tevent_wrapper_glue *glue)
{
    // Compact the survivors, then restore the heap property in O(n).
    TimerHeap &h = ev->timers;
    size_t kept = 0;
    for (size_t i = 0; i < h.count; i++) {
        tevent_timer *te = h.slots[i];
        if (te->wrapper == glue) {
            te->heap_index = not_in_heap;
            te->wrapper = nullptr;
            te->event_ctx = nullptr;
        } else {
            place(h, kept++, te);
        }
    }
    h.count = kept;
    for (size_t i = kept / 2; i-- > 0;) {
        sift_down(h, i);
    }
}

int common_invoke_timer_handler(tevent_timer *te, struct timeval current_time,
                                bool *removed)
{
    if (removed != nullptr) {
        *removed = false;
    }
    tevent_context *ev = te->event_ctx;
    if (ev == nullptr) {
        return 0;
    }
    tevent_context *handler_ev = ev;
    heap_remove(ev->timers, te);
    TEV_DEBUG(ev, TEVENT_DEBUG_TRACE, "Running timer event %p \"%s\"\n", te,
              te->handler_name);
    te->busy = true;
    tevent_wrapper_glue *glue = te->wrapper;
    if (glue != nullptr) {
        handler_ev = glue->wrap_ev;
        wrapper_push_use_internal(handler_ev, glue);
        glue->ops->before_timer_handler(
            glue->wrap_ev, glue->private_state, glue->main_ev, te,
            te->next_event, current_time, te->handler_name, te->location);
    }
    trace_timer(ev, te, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
    FrameScope scope(ev);
    te->handler(handler_ev, te, current_time, te->private_data);
    if (scope.ev_freed()) {
        // The handler freed the context: nothing left to report to.
        te->event_ctx = nullptr;
    }
    if (glue != nullptr) {
        glue->ops->after_timer_handler(
            glue->wrap_ev, glue->private_state, glue->main_ev, te,
            te->next_event, current_time, te->handler_name, te->location);
        wrapper_pop_use_internal(handler_ev, glue);
    }
    te->busy = false;
    // The handler may have freed the context: te->event_ctx tells.
    TEV_DEBUG(te->event_ctx, TEVENT_DEBUG_TRACE,
              "Ending timer event %p \"%s\"\n", te, te->handler_name);
    if (!te->destroyed && te->event_ctx != nullptr) {
        trace_timer(te->event_ctx, te, TEVENT_EVENT_TRACE_DETACH);
    }
    te->wrapper = nullptr;
    te->event_ctx = nullptr;
    talloc_set_destructor(te, nullptr);
    talloc_free(te);
    if (removed != nullptr) {
        *removed = true;
    }
    return 0;
}

struct timeval common_loop_timer_delay(tevent_context *ev)
{
    tevent_timer *te = timer_first(ev);
    if (te == nullptr) {
        return ev->wait_timeout;
    }
    struct timeval now = {0, 0};
    // A zero deadline is due without reading the clock.
    if (!timeval_is_zero(&te->next_event)) {
        now = timeval_current();
        struct timeval delay = timeval_until(&now, &te->next_event);
        if (!timeval_is_zero(&delay)) {
            if (no_timeout(&ev->wait_timeout)) {
                return ev->wait_timeout;
            }
            return delay;
        }
    }
    if (common_invoke_timer_handler(te, now, nullptr) != 0) {
        abort_with(ev, "tevent_common_invoke_timer_handler() failed");
    }
    return {0, 0};
}

} // namespace tev
