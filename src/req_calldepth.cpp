// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Per-thread call-depth tracking of requests: the callback registration.
// The notifications themselves are sent by req.cpp, queue.cpp and the loop
// through call_depth_notify().
#include "req.hpp"

// Declared in tevent.h for source compatibility, but not exported: the
// callback is only reachable through tevent_thread_call_depth_set_callback.
__thread struct tevent_thread_call_depth_state tevent_thread_call_depth_state_g
    __attribute__((visibility("hidden")));

namespace tev
{

// Never reset: a thread sees its own store before it looks at its callback.
std::atomic<bool> call_depth_in_use{false};

void call_depth_set_callback(tevent_call_depth_callback_t f, void *private_data)
{
    // The previous callback learns that tracking restarts at depth 0.
    call_depth_notify(TEVENT_CALL_FLOW_REQ_RESET, nullptr, 0,
                      "tevent_thread_call_depth_set_callback");
    if (f != nullptr) {
        call_depth_in_use.store(true, std::memory_order_relaxed);
    }
    tevent_thread_call_depth_state_g = {f, private_data};
}

void call_depth_reset_from_req(tevent_req *req, const char *fname)
{
    call_depth_notify(TEVENT_CALL_FLOW_REQ_RESET, req, req->internal.call_depth,
                      fname);
}

void call_depth_activate(size_t *) {}

void call_depth_deactivate() {}

void call_depth_start(tevent_req *) {}

} // namespace tev
