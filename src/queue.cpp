// SPDX-License-Identifier: LGPL-3.0-or-later
//
// tevent_queue: serialises requests.  Entries form a FIFO; the head is the
// active one once its trigger ran.  The queue only advances when the head
// entry is destroyed (normally because its request is freed), and then
// always through the queue's immediate, so triggers never nest inside a
// talloc_free().

#include "queue.hpp"

#include <cstdlib>

#include "debug.hpp"
#include "immediate.hpp"
#include "req.hpp"

struct tevent_queue_entry {
    tevent_queue_entry *prev = nullptr, *next = nullptr;
    tevent_queue *queue = nullptr;
    bool triggered = false;
    tevent_req *req = nullptr;
    tevent_context *ev = nullptr;
    tevent_queue_trigger_fn_t trigger = nullptr;
    const char *trigger_name = nullptr;
    void *private_data = nullptr;
    uint64_t tag = 0;
};

struct tevent_queue {
    const char *name = nullptr;
    const char *location = nullptr;
    bool running = false;
    tevent_immediate *immediate = nullptr;
    // Kept as a counter: tevent_queue_length() is O(1).
    size_t length = 0;
    tev::List<tevent_queue_entry> list;
};

namespace tev
{
namespace
{

// The state of tevent_queue_wait_send(); only its size and name matter.
struct tevent_queue_wait_state {
    uint8_t dummy = 0;
};

void immediate_trigger(tevent_context *ev, tevent_immediate *im,
                       void *private_data);

void schedule_head(tevent_queue *q)
{
    tevent_context *ev = q->list.head->ev;
    ev->ops->schedule_immediate(q->immediate, ev, immediate_trigger, q,
                                "tevent_queue_immediate_trigger", TEV_LOCATION);
}

void immediate_trigger(tevent_context *ev, tevent_immediate *, void *pd)
{
    // pd is the queue, which owns the immediate: no type check.
    auto *q = static_cast<tevent_queue *>(pd);
    if (!q->running || q->list.empty()) {
        return;
    }
    // Upstream does not look at `triggered` here: a head that was triggered
    // directly meanwhile is triggered a second time.
    tevent_queue_entry *head = q->list.head;
    trace_queue(ev, head, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
    call_depth_notify(TEVENT_CALL_FLOW_REQ_QUEUE_TRIGGER, head->req,
                      head->req->internal.call_depth, head->trigger_name);
    head->triggered = true;
    head->trigger(head->req, head->private_data);
}

// A NULL trigger makes the entry a pure blocker.
void noop_trigger(tevent_req *, void *) {}

int entry_destructor(tevent_queue_entry *e)
{
    tevent_queue *q = e->queue;
    // Upstream reports the leaving entry on the ev of the current head, and
    // the QUEUE_LEAVE on the current head's request, which may be another
    // entry than the one leaving.
    tevent_queue_entry *head = q->list.head;
    trace_queue(head->ev, e, TEVENT_EVENT_TRACE_DETACH);
    call_depth_notify(TEVENT_CALL_FLOW_REQ_QUEUE_LEAVE, head->req,
                      head->req->internal.call_depth, e->trigger_name);
    q->list.remove(e);
    q->length--;

    if (q->running && !q->list.empty() && !q->list.head->triggered) {
        schedule_head(q);
    }
    return 0;
}

int queue_destructor(tevent_queue *q)
{
    // Stopped first, so that removing the entries schedules nothing.  The
    // requests themselves belong to their callers and stay.
    q->running = false;
    while (!q->list.empty()) {
        talloc_free(q->list.head);
    }
    return 0;
}

} // namespace

tevent_queue *queue_create(TALLOC_CTX *mem_ctx, const char *name,
                           const char *location)
{
    auto *q = make<tevent_queue>(mem_ctx, "struct tevent_queue");
    if (q == nullptr) {
        return nullptr;
    }
    q->name = talloc_strdup(q, name);
    if (q->name == nullptr) {
        talloc_free(q);
        return nullptr;
    }
    q->immediate = create_immediate(q, TEV_LOCATION);
    if (q->immediate == nullptr) {
        talloc_free(q);
        return nullptr;
    }
    q->location = location;
    q->running = true;
    talloc_set_destructor(q, queue_destructor);
    return q;
}

tevent_queue_entry *queue_add(tevent_queue *queue, tevent_context *ev,
                              tevent_req *req,
                              tevent_queue_trigger_fn_t trigger,
                              const char *trigger_name, void *private_data,
                              bool allow_direct)
{
    auto *e = make<tevent_queue_entry>(req, "struct tevent_queue_entry");
    if (e == nullptr) {
        return nullptr;
    }
    e->queue = queue;
    e->req = req;
    e->ev = ev;
    e->trigger = trigger != nullptr ? trigger : noop_trigger;
    e->trigger_name = trigger_name;
    e->private_data = private_data;

    // The direct call is only safe when nothing is queued before req and
    // the caller cannot yet be waiting for req's callback.
    if (queue->length > 0 || req->async.fn != nullptr) {
        allow_direct = false;
    }

    queue->list.push_back(e);
    queue->length++;
    talloc_set_destructor(e, entry_destructor);
    trace_queue(ev, e, TEVENT_EVENT_TRACE_ATTACH);
    call_depth_notify(TEVENT_CALL_FLOW_REQ_QUEUE_ENTER, req,
                      req->internal.call_depth, e->trigger_name);

    tevent_queue_entry *head = queue->list.head;
    if (!queue->running || head->triggered) {
        return e;
    }
    if (allow_direct) {
        // Unlike the immediate path, no QUEUE_TRIGGER notification.
        trace_queue(ev, head, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
        head->triggered = true;
        head->trigger(head->req, head->private_data);
        return e;
    }
    schedule_head(queue);
    return e;
}

void queue_entry_untrigger(tevent_queue_entry *entry)
{
    // Misuse is a plain abort(), not tevent_abort(): upstream ignores the
    // abort hook here.
    if (entry->queue->running || entry->queue->list.head != entry) {
        abort();
    }
    entry->triggered = false;
}

void queue_start(tevent_queue *queue)
{
    if (queue->running) {
        return;
    }
    queue->running = true;
    if (queue->list.empty() || queue->list.head->triggered) {
        return;
    }
    schedule_head(queue);
}

void queue_stop(tevent_queue *queue)
{
    queue->running = false;
}

size_t queue_length(const tevent_queue *queue)
{
    return queue->length;
}

bool queue_running(const tevent_queue *queue)
{
    return queue->running;
}

namespace
{

void wait_trigger(tevent_req *req, void *)
{
    req_done(req, TEV_LOCATION);
}

} // namespace

tevent_req *queue_wait_send(TALLOC_CTX *mem_ctx, tevent_context *ev,
                            tevent_queue *queue)
{
    tevent_queue_wait_state *state = nullptr;
    // With room for its entry, as upstream's pool has: adding it to the
    // queue cannot fail.
    tevent_req *req = req_create(
        mem_ctx, &state, sizeof(*state), "struct tevent_queue_wait_state",
        "tevent_queue_wait_send", TEV_LOCATION, sizeof(tevent_queue_entry));
    if (req == nullptr) {
        return nullptr;
    }
    if (queue_add(queue, ev, req, wait_trigger, "tevent_queue_wait_trigger",
                  nullptr, false) == nullptr) {
        req_oom(req, TEV_LOCATION);
        return req_post(req, ev);
    }
    return req;
}

bool queue_wait_recv(tevent_req *req)
{
    enum tevent_req_state state;
    uint64_t err;
    bool failed = req_is_error(req, &state, &err);
    req_received(req);
    return !failed;
}

void queue_entry_set_tag(tevent_queue_entry *entry, uint64_t tag)
{
    if (entry != nullptr) {
        entry->tag = tag;
    }
}

uint64_t queue_entry_get_tag(const tevent_queue_entry *entry)
{
    return entry != nullptr ? entry->tag : 0;
}

} // namespace tev
