// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Request profiles: start/stop stamps of a request and, nested below it, the
// profiles of the sub-requests it created.
#include <cerrno>

#include "req.hpp"
#include "timer.hpp"

namespace tev
{
namespace
{

// Keeps the tree consistent whichever node is freed first: unlink from the
// parent and turn the sub-profiles into roots.
int profile_destructor(tevent_req_profile *p)
{
    if (p->parent != nullptr) {
        p->parent->subprofiles.remove(p);
        p->parent = nullptr;
    }
    while (tevent_req_profile *sub = p->subprofiles.head) {
        sub->parent = nullptr;
        p->subprofiles.remove(sub);
    }
    return 0;
}

} // namespace

bool req_set_profile(tevent_req *req)
{
    if (req->internal.profile != nullptr) {
        req_error(req, EINVAL, TEV_LOCATION);
        return false;
    }
    tevent_req_profile *p = profile_create(req);
    if (req_nomem(p, req, TEV_LOCATION)) {
        return false;
    }
    p->req_name = talloc_get_name(req->data);
    p->start_location = req->internal.create_location;
    p->start_time = timeval_current();
    req->internal.profile = p;
    return true;
}

bool req_profile_start_sub(tevent_req *req, tevent_req *parent)
{
    if (!req_set_profile(req)) {
        return false;
    }
    req->internal.profile->parent = parent->internal.profile;
    parent->internal.profile->subprofiles.push_back(req->internal.profile);
    return true;
}

void req_profile_stop(tevent_req *req, enum tevent_req_state state,
                      const char *location)
{
    tevent_req_profile *p = req->internal.profile;
    p->stop_location = location;
    p->stop_time = timeval_current();
    p->state = state;
    p->user_error = req->internal.error;
    // A finished sub-request's profile belongs to the parent's profile from
    // now on, so it survives the sub-request.
    if (p->parent != nullptr) {
        talloc_steal(p->parent, p);
        req->internal.profile = nullptr;
    }
}

const tevent_req_profile *req_get_profile(tevent_req *req)
{
    return req->internal.profile;
}

tevent_req_profile *req_move_profile(tevent_req *req, TALLOC_CTX *mem_ctx)
{
    return talloc_move(mem_ctx, &req->internal.profile);
}

void profile_get_name(const tevent_req_profile *profile, const char **req_name)
{
    if (req_name != nullptr) {
        *req_name = profile->req_name;
    }
}

void profile_get_start(const tevent_req_profile *profile,
                       const char **start_location, struct timeval *start_time)
{
    if (start_location != nullptr) {
        *start_location = profile->start_location;
    }
    if (start_time != nullptr) {
        *start_time = profile->start_time;
    }
}

void profile_get_stop(const tevent_req_profile *profile,
                      const char **stop_location, struct timeval *stop_time)
{
    if (stop_location != nullptr) {
        *stop_location = profile->stop_location;
    }
    if (stop_time != nullptr) {
        *stop_time = profile->stop_time;
    }
}

void profile_get_status(const tevent_req_profile *profile, pid_t *pid,
                        enum tevent_req_state *state, uint64_t *user_error)
{
    if (pid != nullptr) {
        *pid = profile->pid;
    }
    if (state != nullptr) {
        *state = profile->state;
    }
    if (user_error != nullptr) {
        *user_error = profile->user_error;
    }
}

const tevent_req_profile *
profile_get_subprofiles(const tevent_req_profile *profile)
{
    return profile->subprofiles.head;
}

const tevent_req_profile *profile_next(const tevent_req_profile *profile)
{
    return profile->next;
}

tevent_req_profile *profile_create(TALLOC_CTX *mem_ctx)
{
    auto *p = make<tevent_req_profile>(mem_ctx, "struct tevent_req_profile");
    if (p == nullptr) {
        return nullptr;
    }
    talloc_set_destructor(p, profile_destructor);
    return p;
}

bool profile_set_name(tevent_req_profile *profile, const char *req_name)
{
    profile->req_name = talloc_strdup(profile, req_name);
    return profile->req_name != nullptr;
}

bool profile_set_start(tevent_req_profile *profile, const char *start_location,
                       struct timeval start_time)
{
    profile->start_time = start_time;
    profile->start_location = talloc_strdup(profile, start_location);
    return profile->start_location != nullptr;
}

bool profile_set_stop(tevent_req_profile *profile, const char *stop_location,
                      struct timeval stop_time)
{
    profile->stop_time = stop_time;
    profile->stop_location = talloc_strdup(profile, stop_location);
    return profile->stop_location != nullptr;
}

void profile_set_status(tevent_req_profile *profile, pid_t pid,
                        enum tevent_req_state state, uint64_t user_error)
{
    profile->pid = pid;
    profile->state = state;
    profile->user_error = user_error;
}

void profile_append_sub(tevent_req_profile *parent_profile,
                        tevent_req_profile **sub_profile)
{
    tevent_req_profile *sub = talloc_move(parent_profile, sub_profile);
    sub->parent = parent_profile;
    parent_profile->subprofiles.push_back(sub);
}

} // namespace tev
