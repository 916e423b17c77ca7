// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Async requests: creation, completion, posting, timeouts, cancel and
// cleanup.  Completion is synchronous and unguarded, as callers rely on:
// finishing twice runs the callback twice.
#include "req.hpp"

#include "context.hpp"
#include "debug.hpp"
#include "immediate.hpp"
#include "loop.hpp"
#include "timer.hpp"

namespace tev
{
namespace
{

// talloc's layout (LP64): a 96-byte chunk header, a 32-byte pool header,
// bodies aligned to 16.  What a child of `body` bytes takes of a pool:
constexpr size_t chunk_size(size_t body)
{
    return (96 + body + 15) & ~size_t{15};
}
// talloc_pooled_object(ctx, type, 1, n) reserves n bytes plus, for the
// object and one sub-object, a chunk header, a pool header and 15 bytes of
// alignment.  The state takes at most its size, a chunk header and 15
// bytes of that, which leaves this much for other children:
constexpr size_t reserve_left = 2 * (96 + 32 + 15) - (96 + 15);
// What to reserve beyond the state's size so that children of `chunks`
// bytes in all fit too, for any state size.
constexpr size_t room_for(size_t chunks)
{
    return chunks > reserve_left ? chunks - reserve_left : 0;
}
constexpr size_t trigger_chunk = chunk_size(sizeof(tevent_immediate));
// The request's own size enters the pool unaligned.
static_assert(sizeof(tevent_req) % 16 == 0);

// Runs the cleanup fn once per state increase; the CLEANUP notification is
// sent for every increase, also without a cleanup fn.
inline __attribute__((always_inline)) void req_cleanup(tevent_req *req)
{
    if (req->internal.cleanup_state >= req->internal.state) {
        return;
    }
    call_depth_notify(TEVENT_CALL_FLOW_REQ_CLEANUP, req,
                      req->internal.call_depth, req->private_cleanup.fn_name);
    if (req->private_cleanup.fn == nullptr) {
        return;
    }
    // Recorded first: a cleanup fn that finishes the request again with the
    // same state must not recurse.
    req->internal.cleanup_state = req->internal.state;
    req->private_cleanup.fn(req, req->internal.state);
}

// req_received() without resetting the destructor, for the destructor.
void release(tevent_req *req)
{
    req->private_print = nullptr;
    req->private_cancel.fn = nullptr;
    req->private_cancel.fn_name = nullptr;

    // Received (or freed) from the callback the trigger is delivering, the
    // immediate is busy: its free fails and the dispatcher frees it once
    // the handler returns.
    if (req->internal.trigger != nullptr) {
        free_immediate(req->internal.trigger);
        req->internal.trigger = nullptr;
    }
    TALLOC_FREE(req->internal.timer);

    req->internal.state = TEVENT_REQ_RECEIVED;
    req_cleanup(req);

    TALLOC_FREE(req->data);
}

// Freeing a request that was never received releases it like a receive.
int req_destructor(tevent_req *req)
{
    release(req);
    return 0;
}

void req_finish(tevent_req *req, enum tevent_req_state state,
                const char *location)
{
    // A finished request must not time out later.
    TALLOC_FREE(req->internal.timer);

    req->internal.state = state;
    req->internal.finish_location = location;

    req_cleanup(req);
    if (req->internal.profile != nullptr) {
        req_profile_stop(req, state, location);
    }
    req_notify_callback(req, location);
}

// Handler of the request's private immediate: delivers the current result.
// private_data is the request, which owns the immediate: no type check.
void req_trigger(tevent_context *, tevent_immediate *, void *private_data)
{
    auto *req = static_cast<tevent_req *>(private_data);
    req_finish(req, req->internal.state, req->internal.finish_location);
}

void req_timedout(tevent_context *, tevent_timer *, struct timeval,
                  void *private_data)
{
    auto *req = talloc_get_type_abort(private_data, struct tevent_req);
    TALLOC_FREE(req->internal.timer);
    req_finish(req, TEVENT_REQ_TIMED_OUT, "tevent_req_timedout");
}

} // namespace

tevent_req *req_create(TALLOC_CTX *mem_ctx, void *pstate, size_t state_size,
                       const char *type, const char *func, const char *location,
                       size_t child_size)
{
    // One malloc: the request is a talloc pool sized for its state, the
    // trigger immediate and the child asked for, without a full
    // sub-object's reserve for more.
    size_t room =
        room_for(trigger_chunk + (child_size > 0 ? chunk_size(child_size) : 0));
    if (state_size > SIZE_MAX - room) {
        return nullptr;
    }
    void *mem =
        talloc_pooled_object(mem_ctx, struct tevent_req, 1, state_size + room);
    if (mem == nullptr) {
        return nullptr;
    }
    auto *req = new (mem) tevent_req{};
    req->internal.private_type = type;
    req->internal.create_location = location;
    req->internal.state = TEVENT_REQ_IN_PROGRESS;
    // Both come from the pool.  The trigger first, as upstream's (talloc
    // lists the state before it).
    req->internal.trigger = create_immediate(req, TEV_LOCATION);
    req->data = _talloc_zero(req, state_size, type);
    if (req->internal.trigger == nullptr || req->data == nullptr) {
        talloc_free(req);
        return nullptr;
    }
    talloc_set_destructor(req, req_destructor);

    // mem_ctx being another request's state makes this a sub-request.
    tevent_req *parent = nullptr;
    if (void *p = talloc_parent(mem_ctx); p != nullptr) {
        parent = talloc_get_type(p, struct tevent_req);
    }
    if (parent != nullptr && parent->internal.profile != nullptr) {
        if (!req_profile_start_sub(req, parent)) {
            talloc_free(req);
            return nullptr;
        }
    }

    *static_cast<void **>(pstate) = req->data;

    if (parent != nullptr) {
        req->internal.call_depth = parent->internal.call_depth + 1;
    }
    call_depth_notify(TEVENT_CALL_FLOW_REQ_CREATE, req,
                      req->internal.call_depth, func);
    return req;
}

void req_set_callback(tevent_req *req, tevent_req_fn fn, const char *fn_name,
                      void *pvt)
{
    req->async.fn = fn;
    req->async.fn_name = fn_name;
    req->async.private_data = pvt;
}

void *req_callback_data(tevent_req *req)
{
    return req->async.private_data;
}

void *req_data(tevent_req *req)
{
    return req->data;
}

void req_set_print_fn(tevent_req *req, tevent_req_print_fn fn)
{
    req->private_print = fn;
}

char *req_default_print(tevent_req *req, TALLOC_CTX *mem_ctx)
{
    return talloc_asprintf(
        mem_ctx,
        "tevent_req[%p/%s]: state[%d] error[%lld (0x%llX)]  state[%s (%p)] "
        "timer[%p] finish[%s]",
        static_cast<void *>(req), req->internal.create_location,
        req->internal.state,
        static_cast<unsigned long long>(req->internal.error),
        static_cast<unsigned long long>(req->internal.error),
        req->internal.private_type, req->data,
        static_cast<void *>(req->internal.timer),
        req->internal.finish_location);
}

char *req_print(TALLOC_CTX *mem_ctx, tevent_req *req)
{
    if (req == nullptr) {
        return talloc_strdup(mem_ctx, "tevent_req[NULL]");
    }
    if (req->private_print == nullptr) {
        return req_default_print(req, mem_ctx);
    }
    return req->private_print(req, mem_ctx);
}

void req_set_cancel_fn(tevent_req *req, tevent_req_cancel_fn fn,
                       const char *fn_name)
{
    req->private_cancel.fn = fn;
    req->private_cancel.fn_name = fn != nullptr ? fn_name : nullptr;
}

bool req_cancel(tevent_req *req, const char *)
{
    call_depth_notify(TEVENT_CALL_FLOW_REQ_CANCEL, req,
                      req->internal.call_depth, req->private_cancel.fn_name);
    if (req->private_cancel.fn == nullptr) {
        return false;
    }
    return req->private_cancel.fn(req);
}

void req_set_cleanup_fn(tevent_req *req, tevent_req_cleanup_fn fn,
                        const char *fn_name)
{
    // The current state counts as cleaned up already.
    req->internal.cleanup_state = req->internal.state;
    req->private_cleanup.fn = fn;
    req->private_cleanup.fn_name = fn != nullptr ? fn_name : nullptr;
}

bool req_set_endtime(tevent_req *req, tevent_context *ev,
                     struct timeval endtime)
{
    TALLOC_FREE(req->internal.timer);
    req->internal.timer =
        ev->ops->add_timer(ev, req, endtime, req_timedout, req,
                           "tevent_req_timedout", TEV_LOCATION);
    return !req_nomem(req->internal.timer, req, TEV_LOCATION);
}

void req_reset_endtime(tevent_req *req)
{
    TALLOC_FREE(req->internal.timer);
}

void req_notify_callback(tevent_req *req, const char *location)
{
    req->internal.finish_location = location;
    if (req->internal.defer_callback_ev != nullptr) {
        req_post(req, req->internal.defer_callback_ev);
        req->internal.defer_callback_ev = nullptr;
        return;
    }
    if (req->async.fn == nullptr) {
        return;
    }
    // The callback runs in the caller's frame: one level up.
    size_t depth =
        req->internal.call_depth > 0 ? req->internal.call_depth - 1 : 0;
    call_depth_notify(TEVENT_CALL_FLOW_REQ_NOTIFY_CB, req, depth,
                      req->async.fn_name);
    req->async.fn(req);
}

void req_done(tevent_req *req, const char *location)
{
    req_finish(req, TEVENT_REQ_DONE, location);
}

bool req_error(tevent_req *req, uint64_t error, const char *location)
{
    // 0 is "no error": callers write `if (tevent_req_error(req, ret))`.
    if (error == 0) {
        return false;
    }
    req->internal.error = error;
    req_finish(req, TEVENT_REQ_USER_ERROR, location);
    return true;
}

void req_oom(tevent_req *req, const char *location)
{
    req_finish(req, TEVENT_REQ_NO_MEMORY, location);
}

bool req_nomem(const void *p, tevent_req *req, const char *location)
{
    if (p != nullptr) {
        return false;
    }
    req_oom(req, location);
    return true;
}

tevent_req *req_post(tevent_req *req, tevent_context *ev)
{
    // Only a request received already has no trigger (upstream follows
    // the NULL pointer).
    if (req->internal.trigger == nullptr) [[unlikely]] {
        abort_with(ev, "tevent_req_post: request already received");
        return req;
    }
    ev->ops->schedule_immediate(req->internal.trigger, ev, req_trigger, req,
                                "tevent_req_trigger", TEV_LOCATION);
    return req;
}

void req_defer_callback(tevent_req *req, tevent_context *ev)
{
    req->internal.defer_callback_ev = ev;
}

bool req_is_in_progress(tevent_req *req)
{
    return req->internal.state == TEVENT_REQ_IN_PROGRESS;
}

bool req_poll(tevent_req *req, tevent_context *ev)
{
    while (req_is_in_progress(req)) {
        if (loop_once(ev, TEV_LOCATION) != 0) {
            return false;
        }
    }
    return true;
}

bool req_is_error(tevent_req *req, enum tevent_req_state *state,
                  uint64_t *error)
{
    if (req->internal.state == TEVENT_REQ_DONE) {
        return false;
    }
    if (req->internal.state == TEVENT_REQ_USER_ERROR) {
        *error = req->internal.error;
    }
    *state = req->internal.state;
    return true;
}

void req_received(tevent_req *req)
{
    talloc_set_destructor(req, nullptr);
    release(req);
}

} // namespace tev
