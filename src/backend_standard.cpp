// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The "standard" backend: epoll, switching to poll for good as soon as
// epoll cannot be set up or an epoll call fails.
//
// Each context gets its own ops table (ev->ops), a talloc child of a
// "struct std_event_glue" that remembers both backends.  While epoll is
// in use the table is epoll's with loop_once/loop_wait wrapped to notice
// a fallback that happened inside them; after the fallback it is poll's.
#include "backend.hpp"

#include "context.hpp"
#include "registry.hpp"
#include "fd.hpp"

namespace tev
{
namespace
{

const char kGlueName[] = "struct std_event_glue";

struct StdGlue {
    const tevent_ops *epoll_ops = nullptr; // nullptr once on poll
    const tevent_ops *poll_ops = nullptr;
    tevent_ops *glue_ops = nullptr; // == ev->ops
    // The failure happened while waiting, so the iteration ran no handler
    // and poll should do it over.
    bool fallback_replay = false;
};

int std_context_init(tevent_context *ev);

// Kept in the context rather than looked up from ev->ops' talloc parent on
// every iteration, as upstream does.
StdGlue *glue_of(tevent_context *ev)
{
    return static_cast<StdGlue *>(ev->std_glue);
}

void use_poll_ops(StdGlue *glue)
{
    glue->epoll_ops = nullptr;
    *glue->glue_ops = *glue->poll_ops;
    glue->glue_ops->context_init = std_context_init;
}

// Called by the epoll backend after it freed its state.
bool fallback_to_poll(tevent_context *ev, bool replay)
{
    StdGlue *glue = glue_of(ev);
    glue->fallback_replay = replay;
    use_poll_ops(glue);
    if (glue->poll_ops->context_init(ev) != 0) {
        return false;
    }
    for (tevent_fd *fde = ev->fd_events.head; fde != nullptr; fde = fde->next) {
        if (!poll_event_add_fd_internal(ev, fde)) {
            return false;
        }
    }
    return true;
}

int std_loop_once(tevent_context *ev, const char *location)
{
    StdGlue *glue = glue_of(ev);
    FrameScope scope(ev);
    int ret = glue->epoll_ops->loop_once(ev, location);
    if (scope.ev_freed() || glue->epoll_ops != nullptr ||
        !glue->fallback_replay) {
        // A handler freed the context, we are still on epoll, or the
        // failure came from changing an fde and a handler already ran in
        // this iteration.
        return ret;
    }
    return glue->poll_ops->loop_once(ev, location);
}

int std_loop_wait(tevent_context *ev, const char *location)
{
    StdGlue *glue = glue_of(ev);
    FrameScope scope(ev);
    int ret = glue->epoll_ops->loop_wait(ev, location);
    if (scope.ev_freed() || glue->epoll_ops != nullptr) {
        return ret;
    }
    return glue->poll_ops->loop_wait(ev, location);
}

int std_context_init(tevent_context *ev)
{
    StdGlue *glue = nullptr;
    // The shared "standard" table has only context_init: first call.
    if (ev->ops->loop_once == nullptr) {
        glue = make<StdGlue>(ev, kGlueName);
        if (glue == nullptr) {
            return -1;
        }
        glue->epoll_ops = find_ops_byname("epoll");
        glue->poll_ops = find_ops_byname("poll");
        if (glue->poll_ops == nullptr) {
            return -1;
        }
        glue->glue_ops = static_cast<tevent_ops *>(
            _talloc_zero(glue, sizeof(tevent_ops), "struct tevent_ops"));
        if (glue->glue_ops == nullptr) {
            talloc_free(glue);
            return -1;
        }
        ev->ops = glue->glue_ops;
        ev->std_glue = glue;
    } else {
        glue = glue_of(ev);
    }

    if (glue->epoll_ops != nullptr) {
        *glue->glue_ops = *glue->epoll_ops;
        glue->glue_ops->context_init = std_context_init;
        glue->glue_ops->loop_once = std_loop_once;
        glue->glue_ops->loop_wait = std_loop_wait;
        int ret = glue->epoll_ops->context_init(ev);
        if (ret != -1) {
            epoll_set_panic_fallback(ev, fallback_to_poll);
            return ret;
        }
    }
    use_poll_ops(glue);
    return glue->poll_ops->context_init(ev);
}

} // namespace

const tevent_ops standard_ops = {
    .context_init = std_context_init,
    .add_fd = nullptr,
    .set_fd_close_fn = nullptr,
    .get_fd_flags = nullptr,
    .set_fd_flags = nullptr,
    .add_timer = nullptr,
    .schedule_immediate = nullptr,
    .add_signal = nullptr,
    .loop_once = nullptr,
    .loop_wait = nullptr,
};

} // namespace tev
