// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Wrapper contexts: a second tevent_context that owns no loop of its own.
// Events created through it live on the main context but remember the
// wrapper, so that their handlers run between the wrapper's before/after
// hooks and receive the wrapper as their context.
#include "wrapper.hpp"

#include <cerrno>
#include <cstdlib>

#include "debug.hpp"
#include "fd.hpp"
#include "immediate.hpp"
#include "signal.hpp"
#include "threads.hpp"
#include "timer.hpp"

namespace tev
{
namespace
{

// ---------------------------------------------------------------------------
// The use stack.  Upstream keeps one for the whole process, not one per
// thread, and callers may observe that (a wrapper busy in one thread cannot
// be pushed in another), so this is deliberately a plain global.

constexpr size_t use_stack_size = 32;

struct UseEntry {
    const void *ev = nullptr;
    const tevent_wrapper_glue *glue = nullptr;
};

UseEntry g_use_stack[use_stack_size];
size_t g_use_depth = 0;

// Pops the top entry.  Returns true if that released a wrapper whose free
// was deferred while it was in use; it is freed by then.
bool pop_use(const tevent_context *ev, tevent_wrapper_glue *glue)
{
    // ev may already be freed: only its address is compared.
    tevent_context *main_ev = glue != nullptr ? glue->main_ev : nullptr;
    if (g_use_depth == 0) {
        abort_with(main_ev, "tevent_wrapper stack already empty");
        return false;
    }
    g_use_depth -= 1;
    if (glue != nullptr) {
        glue->busy = false;
    }
    const UseEntry &top = g_use_stack[g_use_depth];
    if (top.ev != ev) {
        abort_with(main_ev, "tevent_wrapper_pop_use mismatch ev!");
        return false;
    }
    if (top.glue != glue) {
        abort_with(main_ev, "tevent_wrapper_pop_use mismatch wrap!");
        return false;
    }
    if (glue == nullptr || !glue->destroyed) {
        return false;
    }
    // The glue is a child of the wrapper context: free the context.
    talloc_free(glue->wrap_ev);
    return true;
}

// ---------------------------------------------------------------------------
// The wrapper's tevent_ops: event creation is forwarded to the main
// context, everything that would run a loop is refused.

int wrapper_context_init(tevent_context *ev)
{
    abort_with(ev, "tevent_wrapper_glue_context_init() called");
    errno = ENOSYS;
    return -1;
}

// The main context to create an event on, or nullptr (errno set) when the
// wrapper is unusable.
tevent_context *forward_target(tevent_context *ev, const char *what)
{
    tevent_wrapper_glue *glue = ev->wrapper.glue;
    if (glue->destroyed) {
        abort_with(ev, what);
        return nullptr;
    }
    if (glue->main_ev == nullptr) {
        errno = EINVAL;
        return nullptr;
    }
    return glue->main_ev;
}

tevent_fd *wrapper_add_fd(tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                          uint16_t flags, tevent_fd_handler_t handler,
                          void *private_data, const char *handler_name,
                          const char *location)
{
    tevent_context *main_ev =
        forward_target(ev, "add_fd wrapper use after free");
    if (main_ev == nullptr) {
        return nullptr;
    }
    tevent_fd *fde = main_ev->ops->add_fd(main_ev, mem_ctx, fd, flags, handler,
                                          private_data, handler_name, location);
    if (fde != nullptr) {
        fde->wrapper = ev->wrapper.glue;
    }
    return fde;
}

tevent_timer *wrapper_add_timer(tevent_context *ev, TALLOC_CTX *mem_ctx,
                                struct timeval next_event,
                                tevent_timer_handler_t handler,
                                void *private_data, const char *handler_name,
                                const char *location)
{
    tevent_context *main_ev =
        forward_target(ev, "add_timer wrapper use after free");
    if (main_ev == nullptr) {
        return nullptr;
    }
    tevent_timer *te =
        main_ev->ops->add_timer(main_ev, mem_ctx, next_event, handler,
                                private_data, handler_name, location);
    if (te != nullptr && !timer_set_wrapper(te, ev->wrapper.glue)) {
        talloc_free(te);
        return nullptr;
    }
    return te;
}

void wrapper_schedule_immediate(tevent_immediate *im, tevent_context *ev,
                                tevent_immediate_handler_t handler,
                                void *private_data, const char *handler_name,
                                const char *location)
{
    tevent_wrapper_glue *glue = ev->wrapper.glue;
    // Upstream's reason string, typo included.
    if (glue->destroyed) {
        abort_with(ev, "scheduke_immediate wrapper use after free");
        return;
    }
    // Unlike the other events there is no way to report failure here.
    if (glue->main_ev == nullptr) {
        abort_with(ev, location);
        errno = EINVAL;
        return;
    }
    tevent_context *main_ev = glue->main_ev;
    main_ev->ops->schedule_immediate(im, main_ev, handler, private_data,
                                     handler_name, location);
    // A cancel (NULL handler) must not leave the wrapper behind: nothing
    // would clear it when the wrapper is freed.
    if (handler != nullptr) {
        im->wrapper = glue;
    }
}

tevent_signal *wrapper_add_signal(tevent_context *ev, TALLOC_CTX *mem_ctx,
                                  int signum, int sa_flags,
                                  tevent_signal_handler_t handler,
                                  void *private_data, const char *handler_name,
                                  const char *location)
{
    tevent_context *main_ev =
        forward_target(ev, "add_signal wrapper use after free");
    if (main_ev == nullptr) {
        return nullptr;
    }
    tevent_signal *se =
        main_ev->ops->add_signal(main_ev, mem_ctx, signum, sa_flags, handler,
                                 private_data, handler_name, location);
    if (se != nullptr) {
        se->wrapper = ev->wrapper.glue;
    }
    return se;
}

int wrapper_loop_once(tevent_context *ev, const char *)
{
    abort_with(ev, "tevent_wrapper_glue_loop_once() called");
    errno = ENOSYS;
    return -1;
}

int wrapper_loop_wait(tevent_context *ev, const char *)
{
    abort_with(ev, "tevent_wrapper_glue_loop_wait() called");
    errno = ENOSYS;
    return -1;
}

const tevent_ops wrapper_ops = {
    .context_init = wrapper_context_init,
    .add_fd = wrapper_add_fd,
    .set_fd_close_fn = common_fd_set_close_fn,
    .get_fd_flags = common_fd_get_flags,
    .set_fd_flags = common_fd_set_flags,
    .add_timer = wrapper_add_timer,
    .schedule_immediate = wrapper_schedule_immediate,
    .add_signal = wrapper_add_signal,
    .loop_once = wrapper_loop_once,
    .loop_wait = wrapper_loop_wait,
};

// ---------------------------------------------------------------------------
// Teardown of a wrapper: every event it created becomes inert, the main
// context carries on.

void detach_events(tevent_context *main_ev, tevent_wrapper_glue *glue)
{
    tevent_fd *fnext = nullptr;
    for (tevent_fd *fde = main_ev->fd_events.head; fde != nullptr;
         fde = fnext) {
        fnext = fde->next;
        if (fde->wrapper != glue) {
            continue;
        }
        // Through the backend first, so that it forgets the fd as well.
        fd_set_flags(fde, 0);
        fd_disarm(fde);
        // A closed fd makes the backend disarm the fd's whole group, which
        // may include fnext (unlinked then): start over.
        if (fnext != nullptr && fnext->event_ctx == nullptr) {
            fnext = main_ev->fd_events.head;
        }
    }

    timers_detach_wrapper(main_ev, glue);

    // As upstream, timers and immediates go without a DETACH trace.
    immediates_detach(main_ev, glue);

    tevent_signal *snext = nullptr;
    for (tevent_signal *se = main_ev->signal_events.head; se != nullptr;
         se = snext) {
        snext = se->next;
        if (se->wrapper != glue) {
            continue;
        }
        se->wrapper = nullptr;
        cleanup_pending_signal_handlers(se);
    }
}

int wrapper_destructor(tevent_context *wrap_ev)
{
    tevent_wrapper_glue *glue = wrap_ev->wrapper.glue;
    if (glue->destroyed && glue->busy) {
        check_double_free(wrap_ev, "tevent_context wrapper double free");
    }
    glue->destroyed = true;
    // In use (a hook or handler of it is running): pop_use frees it.
    if (glue->busy) {
        return -1;
    }
    tevent_context *main_ev = glue->main_ev;
    if (main_ev == nullptr) {
        return 0;
    }
    TEV_DEBUG(wrap_ev, TEVENT_DEBUG_TRACE,
              "Destroying wrapper context %p \"%s\"\n", wrap_ev,
              talloc_get_name(glue->private_state));
    // Producer threads follow glue->main_ev under the tctx mutexes: detach
    // them before the main ev is forgotten.
    threaded_contexts_detach(main_ev, glue);
    glue->main_ev = nullptr;
    main_ev->wrapper.list.remove(glue);
    detach_events(main_ev, glue);
    return 0;
}

} // namespace

tevent_context *context_wrapper_create(tevent_context *main_ev,
                                       TALLOC_CTX *mem_ctx,
                                       const tevent_wrapper_ops *ops,
                                       void *pstate, size_t psize,
                                       const char *type, const char *location)
{
    if (main_ev->wrapper.glue != nullptr) {
        TEV_DEBUG(main_ev->wrapper.glue->main_ev, TEVENT_DEBUG_FATAL,
                  "%s: %s() stacking not allowed\n",
                  "_tevent_context_wrapper_create", location);
        errno = EINVAL;
        return nullptr;
    }
    if (main_ev->nesting.allowed) {
        TEV_DEBUG(main_ev, TEVENT_DEBUG_FATAL,
                  "%s: %s() conflicts with nesting\n",
                  "_tevent_context_wrapper_create", location);
        errno = EINVAL;
        return nullptr;
    }

    auto *ev = make<tevent_context>(mem_ctx, "struct tevent_context");
    if (ev == nullptr) {
        return nullptr;
    }
    ev->ops = &wrapper_ops;
    auto *glue = make<tevent_wrapper_glue>(ev, "struct tevent_wrapper_glue");
    if (glue == nullptr) {
        talloc_free(ev);
        return nullptr;
    }
    ev->wrapper.glue = glue;
    // Safe from here on: the destructor does nothing without a main ev.
    talloc_set_destructor(ev, wrapper_destructor);

    glue->wrap_ev = ev;
    glue->ops = ops;
    glue->private_state = talloc_zero_size(glue, psize);
    if (glue->private_state == nullptr) {
        talloc_free(ev);
        return nullptr;
    }
    talloc_set_name_const(glue->private_state, type);
    glue->main_ev = main_ev;
    main_ev->wrapper.list.push_back(glue);

    *static_cast<void **>(pstate) = glue->private_state;
    return ev;
}

bool context_is_wrapper(tevent_context *ev)
{
    return ev->wrapper.glue != nullptr;
}

tevent_context *wrapper_main_ev(tevent_context *ev)
{
    if (ev == nullptr) {
        return nullptr;
    }
    if (ev->wrapper.glue == nullptr) {
        return ev;
    }
    return ev->wrapper.glue->main_ev;
}

void wrapper_push_use_internal(tevent_context *ev, tevent_wrapper_glue *glue)
{
    // A raw context is pushed with no glue, a wrapper with its own.
    if (ev->wrapper.glue != glue) {
        abort_with(ev, "tevent_wrapper_push_use_internal() invalid arguments");
        return;
    }
    if (glue != nullptr) {
        if (glue->busy) {
            abort_with(ev, "wrapper already busy!");
            return;
        }
        glue->busy = true;
    }
    if (g_use_depth >= use_stack_size) {
        abort_with(ev, "TEVENT_WRAPPER_STACK_SIZE overflow");
        return;
    }
    g_use_stack[g_use_depth] = UseEntry{ev, glue};
    g_use_depth += 1;
}

void wrapper_pop_use_internal(const tevent_context *ev,
                              tevent_wrapper_glue *glue)
{
    pop_use(ev, glue);
}

bool context_push_use(tevent_context *ev, const char *location)
{
    tevent_wrapper_glue *glue = ev->wrapper.glue;
    if (glue == nullptr) {
        wrapper_push_use_internal(ev, nullptr);
        return true;
    }
    if (glue->main_ev == nullptr) {
        return false;
    }
    wrapper_push_use_internal(ev, glue);
    if (!glue->ops->before_use(glue->wrap_ev, glue->private_state,
                               glue->main_ev, location)) {
        pop_use(ev, glue);
        return false;
    }
    return true;
}

void context_pop_use(tevent_context *ev, const char *location)
{
    tevent_wrapper_glue *glue = ev->wrapper.glue;
    if (pop_use(ev, glue) || glue == nullptr) {
        return;
    }
    if (glue->main_ev == nullptr) {
        return;
    }
    glue->ops->after_use(glue->wrap_ev, glue->private_state, glue->main_ev,
                         location);
}

bool context_same_loop(tevent_context *ev1, tevent_context *ev2)
{
    tevent_context *main_ev1 = wrapper_main_ev(ev1);
    if (main_ev1 == nullptr) {
        return false;
    }
    return main_ev1 == wrapper_main_ev(ev2);
}

void wrappers_orphan_all(tevent_context *ev)
{
    while (tevent_wrapper_glue *glue = ev->wrapper.list.head) {
        glue->main_ev = nullptr;
        ev->wrapper.list.remove(glue);
    }
}

} // namespace tev
