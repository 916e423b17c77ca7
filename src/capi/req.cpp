// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: async requests, profiles, wakeup and call depth.
#include "../req.hpp"

// The header turns these names into macros that record the function name;
// the plain functions remain for binaries built against older headers.
#undef tevent_req_set_callback
#undef tevent_req_set_cancel_fn
#undef tevent_req_set_cleanup_fn
#undef tevent_thread_call_depth_reset_from_req

TEVENT_EXPORT struct tevent_req *
__tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate, size_t state_size,
                    const char *type, const char *func, const char *location)
{
    return tev::req_create(mem_ctx, pstate, state_size, type, func, location);
}

TEVENT_EXPORT struct tevent_req *
_tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate, size_t state_size,
                   const char *type, const char *location)
{
    return tev::req_create(mem_ctx, pstate, state_size, type, nullptr,
                           location);
}

TEVENT_EXPORT void _tevent_req_set_callback(struct tevent_req *req,
                                            tevent_req_fn fn,
                                            const char *fn_name, void *pvt)
{
    tev::req_set_callback(req, fn, fn_name, pvt);
}

TEVENT_EXPORT void tevent_req_set_callback(struct tevent_req *req,
                                           tevent_req_fn fn, void *pvt)
{
    tev::req_set_callback(req, fn, nullptr, pvt);
}

TEVENT_EXPORT void *_tevent_req_callback_data(struct tevent_req *req)
{
    return tev::req_callback_data(req);
}

TEVENT_EXPORT void *_tevent_req_data(struct tevent_req *req)
{
    return tev::req_data(req);
}

TEVENT_EXPORT void tevent_req_set_print_fn(struct tevent_req *req,
                                           tevent_req_print_fn fn)
{
    tev::req_set_print_fn(req, fn);
}

TEVENT_EXPORT char *tevent_req_default_print(struct tevent_req *req,
                                             TALLOC_CTX *mem_ctx)
{
    return tev::req_default_print(req, mem_ctx);
}

TEVENT_EXPORT char *tevent_req_print(TALLOC_CTX *mem_ctx,
                                     struct tevent_req *req)
{
    return tev::req_print(mem_ctx, req);
}

TEVENT_EXPORT void _tevent_req_set_cancel_fn(struct tevent_req *req,
                                             tevent_req_cancel_fn fn,
                                             const char *fn_name)
{
    tev::req_set_cancel_fn(req, fn, fn_name);
}

TEVENT_EXPORT void tevent_req_set_cancel_fn(struct tevent_req *req,
                                            tevent_req_cancel_fn fn)
{
    tev::req_set_cancel_fn(req, fn, nullptr);
}

TEVENT_EXPORT bool _tevent_req_cancel(struct tevent_req *req,
                                      const char *location)
{
    return tev::req_cancel(req, location);
}

TEVENT_EXPORT void _tevent_req_set_cleanup_fn(struct tevent_req *req,
                                              tevent_req_cleanup_fn fn,
                                              const char *fn_name)
{
    tev::req_set_cleanup_fn(req, fn, fn_name);
}

TEVENT_EXPORT void tevent_req_set_cleanup_fn(struct tevent_req *req,
                                             tevent_req_cleanup_fn fn)
{
    tev::req_set_cleanup_fn(req, fn, nullptr);
}

TEVENT_EXPORT bool tevent_req_set_endtime(struct tevent_req *req,
                                          struct tevent_context *ev,
                                          struct timeval endtime)
{
    return tev::req_set_endtime(req, ev, endtime);
}

TEVENT_EXPORT void tevent_req_reset_endtime(struct tevent_req *req)
{
    tev::req_reset_endtime(req);
}

TEVENT_EXPORT void _tevent_req_notify_callback(struct tevent_req *req,
                                               const char *location)
{
    tev::req_notify_callback(req, location);
}

TEVENT_EXPORT void _tevent_req_done(struct tevent_req *req,
                                    const char *location)
{
    tev::req_done(req, location);
}

TEVENT_EXPORT bool _tevent_req_error(struct tevent_req *req, uint64_t error,
                                     const char *location)
{
    return tev::req_error(req, error, location);
}

TEVENT_EXPORT void _tevent_req_oom(struct tevent_req *req, const char *location)
{
    tev::req_oom(req, location);
}

TEVENT_EXPORT bool _tevent_req_nomem(const void *p, struct tevent_req *req,
                                     const char *location)
{
    return tev::req_nomem(p, req, location);
}

TEVENT_EXPORT struct tevent_req *tevent_req_post(struct tevent_req *req,
                                                 struct tevent_context *ev)
{
    return tev::req_post(req, ev);
}

TEVENT_EXPORT void tevent_req_defer_callback(struct tevent_req *req,
                                             struct tevent_context *ev)
{
    tev::req_defer_callback(req, ev);
}

TEVENT_EXPORT bool tevent_req_is_in_progress(struct tevent_req *req)
{
    return tev::req_is_in_progress(req);
}

TEVENT_EXPORT bool tevent_req_poll(struct tevent_req *req,
                                   struct tevent_context *ev)
{
    return tev::req_poll(req, ev);
}

TEVENT_EXPORT bool tevent_req_is_error(struct tevent_req *req,
                                       enum tevent_req_state *state,
                                       uint64_t *error)
{
    return tev::req_is_error(req, state, error);
}

TEVENT_EXPORT void tevent_req_received(struct tevent_req *req)
{
    tev::req_received(req);
}

TEVENT_EXPORT bool tevent_req_set_profile(struct tevent_req *req)
{
    return tev::req_set_profile(req);
}

TEVENT_EXPORT const struct tevent_req_profile *
tevent_req_get_profile(struct tevent_req *req)
{
    return tev::req_get_profile(req);
}

TEVENT_EXPORT struct tevent_req_profile *
tevent_req_move_profile(struct tevent_req *req, TALLOC_CTX *mem_ctx)
{
    return tev::req_move_profile(req, mem_ctx);
}

TEVENT_EXPORT void
tevent_req_profile_get_name(const struct tevent_req_profile *profile,
                            const char **req_name)
{
    tev::profile_get_name(profile, req_name);
}

TEVENT_EXPORT void
tevent_req_profile_get_start(const struct tevent_req_profile *profile,
                             const char **start_location,
                             struct timeval *start_time)
{
    tev::profile_get_start(profile, start_location, start_time);
}

TEVENT_EXPORT void
tevent_req_profile_get_stop(const struct tevent_req_profile *profile,
                            const char **stop_location,
                            struct timeval *stop_time)
{
    tev::profile_get_stop(profile, stop_location, stop_time);
}

TEVENT_EXPORT void
tevent_req_profile_get_status(const struct tevent_req_profile *profile,
                              pid_t *pid, enum tevent_req_state *state,
                              uint64_t *user_error)
{
    tev::profile_get_status(profile, pid, state, user_error);
}

TEVENT_EXPORT const struct tevent_req_profile *
tevent_req_profile_get_subprofiles(const struct tevent_req_profile *profile)
{
    return tev::profile_get_subprofiles(profile);
}

TEVENT_EXPORT const struct tevent_req_profile *
tevent_req_profile_next(const struct tevent_req_profile *profile)
{
    return tev::profile_next(profile);
}

TEVENT_EXPORT struct tevent_req_profile *
tevent_req_profile_create(TALLOC_CTX *mem_ctx)
{
    return tev::profile_create(mem_ctx);
}

TEVENT_EXPORT bool
tevent_req_profile_set_name(struct tevent_req_profile *profile,
                            const char *req_name)
{
    return tev::profile_set_name(profile, req_name);
}

TEVENT_EXPORT bool
tevent_req_profile_set_start(struct tevent_req_profile *profile,
                             const char *start_location,
                             struct timeval start_time)
{
    return tev::profile_set_start(profile, start_location, start_time);
}

TEVENT_EXPORT bool
tevent_req_profile_set_stop(struct tevent_req_profile *profile,
                            const char *stop_location, struct timeval stop_time)
{
    return tev::profile_set_stop(profile, stop_location, stop_time);
}

TEVENT_EXPORT void
tevent_req_profile_set_status(struct tevent_req_profile *profile, pid_t pid,
                              enum tevent_req_state state, uint64_t user_error)
{
    tev::profile_set_status(profile, pid, state, user_error);
}

TEVENT_EXPORT void
tevent_req_profile_append_sub(struct tevent_req_profile *parent_profile,
                              struct tevent_req_profile **sub_profile)
{
    tev::profile_append_sub(parent_profile, sub_profile);
}

TEVENT_EXPORT struct tevent_req *tevent_wakeup_send(TALLOC_CTX *mem_ctx,
                                                    struct tevent_context *ev,
                                                    struct timeval wakeup_time)
{
    return tev::wakeup_send(mem_ctx, ev, wakeup_time);
}

TEVENT_EXPORT bool tevent_wakeup_recv(struct tevent_req *req)
{
    return tev::wakeup_recv(req);
}

TEVENT_EXPORT void
tevent_thread_call_depth_set_callback(tevent_call_depth_callback_t f,
                                      void *private_data)
{
    tev::call_depth_set_callback(f, private_data);
}

TEVENT_EXPORT void
_tevent_thread_call_depth_reset_from_req(struct tevent_req *req,
                                         const char *fname)
{
    tev::call_depth_reset_from_req(req, fname);
}

TEVENT_EXPORT void
tevent_thread_call_depth_reset_from_req(struct tevent_req *req)
{
    tev::call_depth_reset_from_req(req, nullptr);
}

TEVENT_EXPORT void tevent_thread_call_depth_activate(size_t *ptr)
{
    tev::call_depth_activate(ptr);
}

TEVENT_EXPORT void tevent_thread_call_depth_deactivate(void)
{
    tev::call_depth_deactivate();
}

TEVENT_EXPORT void tevent_thread_call_depth_start(struct tevent_req *req)
{
    tev::call_depth_start(req);
}
