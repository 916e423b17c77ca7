// SPDX-License-Identifier: LGPL-3.0-or-later
//
// tevent_wakeup_send: a request that completes (TIMED_OUT) at a given time.
#include "req.hpp"

struct tevent_wakeup_state {
    struct timeval wakeup_time;
};

namespace tev
{

tevent_req *wakeup_send(TALLOC_CTX *mem_ctx, tevent_context *ev,
                        struct timeval wakeup_time)
{
    tevent_wakeup_state *state = nullptr;
    tevent_req *req = req_create(mem_ctx, &state, sizeof(tevent_wakeup_state),
                                 "struct tevent_wakeup_state",
                                 "tevent_wakeup_send", TEV_LOCATION);
    if (req == nullptr) {
        return nullptr;
    }
    state->wakeup_time = wakeup_time;
    if (!req_set_endtime(req, ev, wakeup_time)) {
        return req_post(req, ev);
    }
    return req;
}

bool wakeup_recv(tevent_req *req)
{
    enum tevent_req_state state;
    uint64_t error;
    return req_is_error(req, &state, &error) && state == TEVENT_REQ_TIMED_OUT;
}

} // namespace tev
