// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Async requests (req.cpp), their profiles (req_profile.cpp), call-depth
// tracking (req_calldepth.cpp) and the wakeup request (wakeup_req.cpp).
#pragma once

#include <atomic>

#include "core.hpp"

// 144 bytes: one talloc pool holds it, its state and the trigger
// immediate, see req_create().
struct tevent_req {
    struct {
        tevent_req_fn fn = nullptr;
        void *private_data = nullptr;
        const char *fn_name = nullptr;
    } async;

    void *data = nullptr; // the state, named by its type string
    tevent_req_print_fn private_print = nullptr;

    struct {
        tevent_req_cancel_fn fn = nullptr;
        const char *fn_name = nullptr;
    } private_cancel;

    struct {
        tevent_req_cleanup_fn fn = nullptr;
        const char *fn_name = nullptr;
    } private_cleanup;

    struct {
        const char *private_type = nullptr;
        const char *create_location = nullptr;
        const char *finish_location = nullptr;
        uint64_t error = 0;
        // Delivers the result for tevent_req_post(); created with the
        // request, released when it is received.
        tevent_immediate *trigger = nullptr;
        tevent_context *defer_callback_ev = nullptr;
        tevent_timer *timer = nullptr; // the endtime timer
        tevent_req_profile *profile = nullptr;
        enum tevent_req_state state : 8 = TEVENT_REQ_INIT;
        // The last state the cleanup step ran (or was skipped) for.
        enum tevent_req_state cleanup_state : 8 = TEVENT_REQ_INIT;
        uint32_t call_depth = 0;
    } internal;
};

struct tevent_req_profile {
    tevent_req_profile *prev = nullptr, *next = nullptr; // among siblings
    tevent_req_profile *parent = nullptr;
    const char *req_name = nullptr;
    pid_t pid = 0;
    const char *start_location = nullptr;
    struct timeval start_time = {0, 0};
    const char *stop_location = nullptr;
    struct timeval stop_time = {0, 0};
    enum tevent_req_state state = TEVENT_REQ_INIT;
    uint64_t user_error = 0;
    tev::List<tevent_req_profile> subprofiles;
};

namespace tev
{

// Set once any thread installed a call-depth callback.  Until then the
// notifications skip the thread-local lookup, which from a shared library
// is a call into the dynamic linker each time.
extern std::atomic<bool> call_depth_in_use
    __attribute__((visibility("hidden")));

// Calls the thread's call-depth callback, if one is set.
inline void call_depth_notify(enum tevent_thread_call_depth_cmd cmd,
                              tevent_req *req, size_t depth, const char *fname)
{
    if (!call_depth_in_use.load(std::memory_order_relaxed)) {
        return;
    }
    if (tevent_thread_call_depth_state_g.cb != nullptr) {
        tevent_thread_call_depth_state_g.cb(
            tevent_thread_call_depth_state_g.cb_private, cmd, req, depth,
            fname);
    }
}

// req.cpp
// child_size > 0 reserves room in the request's pool for one more child of
// that size.
tevent_req *req_create(TALLOC_CTX *mem_ctx, void *pstate, size_t state_size,
                       const char *type, const char *func, const char *location,
                       size_t child_size = 0);
void req_set_callback(tevent_req *req, tevent_req_fn fn, const char *fn_name,
                      void *pvt);
void *req_callback_data(tevent_req *req);
void *req_data(tevent_req *req);
void req_set_print_fn(tevent_req *req, tevent_req_print_fn fn);
char *req_default_print(tevent_req *req, TALLOC_CTX *mem_ctx);
char *req_print(TALLOC_CTX *mem_ctx, tevent_req *req);
void req_set_cancel_fn(tevent_req *req, tevent_req_cancel_fn fn,
                       const char *fn_name);
bool req_cancel(tevent_req *req, const char *location);
void req_set_cleanup_fn(tevent_req *req, tevent_req_cleanup_fn fn,
                        const char *fn_name);
bool req_set_endtime(tevent_req *req, tevent_context *ev,
                     struct timeval endtime);
void req_reset_endtime(tevent_req *req);
void req_notify_callback(tevent_req *req, const char *location);
void req_done(tevent_req *req, const char *location);
bool req_error(tevent_req *req, uint64_t error, const char *location);
void req_oom(tevent_req *req, const char *location);
bool req_nomem(const void *p, tevent_req *req, const char *location);
tevent_req *req_post(tevent_req *req, tevent_context *ev);
void req_defer_callback(tevent_req *req, tevent_context *ev);
bool req_is_in_progress(tevent_req *req);
bool req_poll(tevent_req *req, tevent_context *ev);
bool req_is_error(tevent_req *req, enum tevent_req_state *state,
                  uint64_t *error);
void req_received(tevent_req *req);

// req_profile.cpp
bool req_set_profile(tevent_req *req);
const tevent_req_profile *req_get_profile(tevent_req *req);
tevent_req_profile *req_move_profile(tevent_req *req, TALLOC_CTX *mem_ctx);
// Gives a sub-request created on parent's state a profile linked below
// parent's profile; false (req finished with NO_MEMORY) on failure.
bool req_profile_start_sub(tevent_req *req, tevent_req *parent);
// Stamps the end of the request into its profile (req must have one) and,
// for a sub-request, hands the profile over to the parent's profile.
void req_profile_stop(tevent_req *req, enum tevent_req_state state,
                      const char *location);
void profile_get_name(const tevent_req_profile *profile, const char **req_name);
void profile_get_start(const tevent_req_profile *profile,
                       const char **start_location, struct timeval *start_time);
void profile_get_stop(const tevent_req_profile *profile,
                      const char **stop_location, struct timeval *stop_time);
void profile_get_status(const tevent_req_profile *profile, pid_t *pid,
                        enum tevent_req_state *state, uint64_t *user_error);
const tevent_req_profile *
profile_get_subprofiles(const tevent_req_profile *profile);
const tevent_req_profile *profile_next(const tevent_req_profile *profile);
tevent_req_profile *profile_create(TALLOC_CTX *mem_ctx);
bool profile_set_name(tevent_req_profile *profile, const char *req_name);
bool profile_set_start(tevent_req_profile *profile, const char *start_location,
                       struct timeval start_time);
bool profile_set_stop(tevent_req_profile *profile, const char *stop_location,
                      struct timeval stop_time);
void profile_set_status(tevent_req_profile *profile, pid_t pid,
                        enum tevent_req_state state, uint64_t user_error);
void profile_append_sub(tevent_req_profile *parent_profile,
                        tevent_req_profile **sub_profile);

// req_calldepth.cpp
void call_depth_set_callback(tevent_call_depth_callback_t f,
                             void *private_data);
void call_depth_reset_from_req(tevent_req *req, const char *fname);
// The 0.14 interface kept a caller-owned depth counter; since 0.15 the
// callback replaces it and these entry points do nothing.
void call_depth_activate(size_t *ptr);
void call_depth_deactivate();
void call_depth_start(tevent_req *req);

// wakeup_req.cpp
tevent_req *wakeup_send(TALLOC_CTX *mem_ctx, tevent_context *ev,
                        struct timeval wakeup_time);
bool wakeup_recv(tevent_req *req);

} // namespace tev
