// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Contexts: the backend registry, creation and teardown, fork handling and
// the loop entry points with their nesting rules.
#include "context.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <unistd.h>

#include "backend.hpp"
#include "debug.hpp"
#include "fd.hpp"
#include "immediate.hpp"
#include "req.hpp"
#include "signal.hpp"
#include "threads.hpp"
#include "timer.hpp"
#include "wakeup.hpp"
#include "wrapper.hpp"

namespace tev
{
namespace
{

// ---------------------------------------------------------------------------
// Backend registry: newest registration first, as upstream lists them.

struct BackendEntry {
    BackendEntry *prev = nullptr, *next = nullptr;
    const char *name = nullptr;
    const tevent_ops *ops = nullptr;
};

List<BackendEntry> g_backends;
char *g_default_backend = nullptr;
bool g_builtins_registered = false;

void register_builtins()
{
    if (g_builtins_registered) {
        return;
    }
    g_builtins_registered = true;
    register_backend("poll", &poll_ops);
    register_backend("poll_mt", &poll_mt_ops);
    register_backend("epoll", &epoll_ops);
    register_backend("standard", &standard_ops);
}

// ---------------------------------------------------------------------------
// Process-wide context list and fork handlers.

pthread_mutex_t g_contexts_mutex = PTHREAD_MUTEX_INITIALIZER;
List<tevent_context> g_contexts;
pthread_once_t g_atfork_once = PTHREAD_ONCE_INIT;
pid_t g_cached_pid = 0;

void atfork_prepare()
{
    if (pthread_mutex_lock(&g_contexts_mutex) != 0) {
        abort();
    }
    for (tevent_context *ev = g_contexts.head; ev != nullptr; ev = ev->next) {
        threads_atfork_prepare(ev);
    }
    signals_atfork_prepare();
    thread_proxies_atfork_prepare();
}

void atfork_parent()
{
    thread_proxies_atfork_parent();
    signals_atfork_parent();
    for (tevent_context *ev = g_contexts.tail; ev != nullptr; ev = ev->prev) {
        threads_atfork_parent(ev);
    }
    if (pthread_mutex_unlock(&g_contexts_mutex) != 0) {
        abort();
    }
}

void atfork_child()
{
    g_cached_pid = getpid();
    thread_proxies_atfork_child();
    signals_atfork_child();
    for (tevent_context *ev = g_contexts.tail; ev != nullptr; ev = ev->prev) {
        threads_atfork_child(ev);
    }
    if (pthread_mutex_unlock(&g_contexts_mutex) != 0) {
        abort();
    }
}

void prepare_atfork()
{
    if (pthread_atfork(atfork_prepare, atfork_parent, atfork_child) != 0) {
        abort();
    }
    g_cached_pid = getpid();
}

int init_globals()
{
    return pthread_once(&g_atfork_once, prepare_atfork);
}

// Freeing (unlike tevent_re_initialise) also ends the loop calls running
// on the context.
int talloc_destructor(tevent_context *ev)
{
    for (LoopFrame *f = ev->loop_frames; f != nullptr; f = f->outer) {
        f->ev_freed = true;
    }
    return context_destructor(ev);
}

int context_constructor(tevent_context *ev)
{
    int ret = init_globals();
    if (ret != 0) {
        return ret;
    }
    ret = pthread_mutex_init(&ev->scheduled_mutex, nullptr);
    if (ret != 0) {
        return ret;
    }
    {
        MutexLock lock(&g_contexts_mutex);
        g_contexts.push_front(ev);
    }
    talloc_set_destructor(ev, talloc_destructor);
    return 0;
}

void abort_nesting(tevent_context *ev, const char *location)
{
    const char *reason =
        talloc_asprintf(nullptr, "tevent_loop_once() nesting at %s", location);
    if (reason == nullptr) {
        reason = "tevent_loop_once() nesting";
    }
    abort_with(ev, reason);
}

int nesting_hook(tevent_context *ev, bool begin, void **stack_ptr,
                 const char *location)
{
    if (ev->nesting.hook_fn == nullptr) {
        return 0;
    }
    return ev->nesting.hook_fn(ev, ev->nesting.hook_private, ev->nesting.level,
                               begin, static_cast<void *>(stack_ptr), location);
}

// Runs body(scope) between the nesting bookkeeping of one loop entry point.
template <class Body>
int with_nesting(tevent_context *ev, const char *location, Body body)
{
    void *stack_ptr = nullptr;
    ev->nesting.level += 1;
    if (ev->nesting.level > 1 && !ev->nesting.allowed) {
        abort_nesting(ev, location);
        // Upstream leaves the level raised when the abort hook returns.
        errno = ELOOP;
        return -1;
    }
    int ret = nesting_hook(ev, true, &stack_ptr, location);
    if (ret == 0) {
        FrameScope scope(ev);
        ret = body(scope);
        if (scope.ev_freed()) {
            return ret;
        }
        int end = nesting_hook(ev, false, &stack_ptr, location);
        if (end != 0) {
            ret = end;
        }
    }
    ev->nesting.level -= 1;
    return ret;
}

} // namespace

bool register_backend(const char *name, const tevent_ops *ops)
{
    for (BackendEntry *e = g_backends.head; e != nullptr; e = e->next) {
        if (strcmp(e->name, name) == 0) {
            return true;
        }
    }
    auto *e = make<BackendEntry>(nullptr, "struct tevent_ops_list");
    if (e == nullptr) {
        return false;
    }
    e->name = name;
    e->ops = ops;
    g_backends.push_front(e);
    return true;
}

void set_default_backend(const char *name)
{
    talloc_free(g_default_backend);
    g_default_backend = talloc_strdup(nullptr, name);
}

const tevent_ops *find_ops_byname(const char *name)
{
    register_builtins();
    if (name == nullptr) {
        name = g_default_backend;
    }
    if (name == nullptr) {
        name = "standard";
    }
    for (BackendEntry *e = g_backends.head; e != nullptr; e = e->next) {
        if (strcmp(e->name, name) == 0) {
            return e->ops;
        }
    }
    return nullptr;
}

const char **backend_list(TALLOC_CTX *mem_ctx)
{
    register_builtins();
    size_t n = 0;
    for (BackendEntry *e = g_backends.head; e != nullptr; e = e->next) {
        n += 1;
    }
    const char **list = talloc_zero_array(mem_ctx, const char *, n + 1);
    if (list == nullptr) {
        return nullptr;
    }
    size_t i = 0;
    for (BackendEntry *e = g_backends.head; e != nullptr; e = e->next) {
        list[i] = talloc_strdup(list, e->name);
        if (list[i] == nullptr) {
            talloc_free(list);
            return nullptr;
        }
        i += 1;
    }
    return list;
}

pid_t cached_getpid()
{
    init_globals();
    return g_cached_pid != 0 ? g_cached_pid : getpid();
}

int context_destructor(tevent_context *ev)
{
    if (ev->wrapper.glue != nullptr) {
        abort_with(ev, "tevent_common_context_destructor() active on wrapper");
    }
    {
        MutexLock lock(&g_contexts_mutex);
        g_contexts.remove(ev);
    }
    threaded_contexts_detach(ev, nullptr);
    if (pthread_mutex_destroy(&ev->scheduled_mutex) != 0) {
        abort();
    }
    wrappers_orphan_all(ev);
    // A delivery still finding ev would write into a closed (or reused) fd.
    signals_leave_wake_lists(ev);
    common_wakeup_fini(ev);
    while (tevent_fd *fde = ev->fd_events.head) {
        fd_disarm_unhooked(fde);
    }
    timers_detach_all(ev);
    immediates_detach(ev, nullptr);
    signals_detach_all(ev);
    ev->nesting.level = 0;
    ev->nesting.hook_fn = nullptr;
    ev->nesting.hook_private = nullptr;
    return 0;
}

tevent_context *context_init_ops(TALLOC_CTX *mem_ctx, const tevent_ops *ops,
                                 void *additional_data)
{
    auto *ev = make<tevent_context>(mem_ctx, "struct tevent_context");
    if (ev == nullptr) {
        return nullptr;
    }
    if (context_constructor(ev) != 0) {
        talloc_free(ev);
        return nullptr;
    }
    ev->ops = ops;
    ev->additional_data = additional_data;
    set_wait_timeout(ev, 30);
    if (ev->ops->context_init(ev) != 0) {
        talloc_free(ev);
        return nullptr;
    }
    return ev;
}

tevent_context *context_init_byname(TALLOC_CTX *mem_ctx, const char *name)
{
    const tevent_ops *ops = find_ops_byname(name);
    if (ops == nullptr) {
        return nullptr;
    }
    return context_init_ops(mem_ctx, ops, nullptr);
}

int re_initialise(tevent_context *ev)
{
    context_destructor(ev);
    context_constructor(ev);
    return ev->ops->context_init(ev);
}

uint32_t set_wait_timeout(tevent_context *ev, uint32_t secs)
{
    time_t old = ev->wait_timeout.tv_sec;
    if (secs > INT32_MAX) {
        secs = INT32_MAX;
    }
    // {0, INT32_MAX} tells the backends "never block".
    ev->wait_timeout.tv_sec = secs;
    ev->wait_timeout.tv_usec = secs == 0 ? INT32_MAX : 0;
    return old > INT32_MAX ? INT32_MAX : static_cast<uint32_t>(old);
}

int loop_once(tevent_context *ev, const char *location)
{
    return with_nesting(ev, location, [&](const FrameScope &scope) {
        trace_point(ev, TEVENT_TRACE_BEFORE_LOOP_ONCE);
        int ret = ev->ops->loop_once(ev, location);
        if (!scope.ev_freed()) {
            trace_point(ev, TEVENT_TRACE_AFTER_LOOP_ONCE);
        }
        call_depth_notify(TEVENT_CALL_FLOW_REQ_RESET, nullptr, 0,
                          "_tevent_loop_once");
        return ret;
    });
}

int loop_until(tevent_context *ev, bool (*finished)(void *), void *pd,
               const char *location)
{
    return with_nesting(ev, location, [&](const FrameScope &scope) {
        int ret = 0;
        while (!finished(pd)) {
            trace_point(ev, TEVENT_TRACE_BEFORE_LOOP_ONCE);
            ret = ev->ops->loop_once(ev, location);
            if (scope.ev_freed()) {
                break;
            }
            trace_point(ev, TEVENT_TRACE_AFTER_LOOP_ONCE);
            if (ret != 0) {
                break;
            }
        }
        return ret;
    });
}

int loop_wait(tevent_context *ev, const char *location)
{
    return ev->ops->loop_wait(ev, location);
}

bool have_events(tevent_context *ev)
{
    if (timer_first(ev) != nullptr || !ev->immediate_events.empty() ||
        !ev->signal_events.empty()) {
        return true;
    }
    for (tevent_fd *fde = ev->fd_events.head; fde != nullptr; fde = fde->next) {
        if (fde != ev->wakeup_fde && fde->flags != 0) {
            return true;
        }
    }
    return false;
}

int common_loop_wait(tevent_context *ev, const char *location)
{
    FrameScope scope(ev);
    while (have_events(ev)) {
        int ret = loop_once(ev, location);
        if (scope.ev_freed()) {
            return ret;
        }
        if (ret != 0) {
            debug(ev, TEVENT_DEBUG_FATAL,
                  "_tevent_loop_once() failed: %d - %s\n", ret,
                  strerror(errno));
            return ret;
        }
    }
    debug(ev, TEVENT_DEBUG_WARNING,
          "tevent_common_loop_wait() out of events\n");
    return 0;
}

void loop_allow_nesting(tevent_context *ev)
{
    if (ev->wrapper.glue != nullptr) {
        abort_with(ev, "tevent_loop_allow_nesting() on wrapper");
        return;
    }
    if (!ev->wrapper.list.empty()) {
        abort_with(ev, "tevent_loop_allow_nesting() with wrapper");
        return;
    }
    ev->nesting.allowed = true;
}

void loop_set_nesting_hook(tevent_context *ev, tevent_nesting_hook hook,
                           void *private_data)
{
    if (ev->nesting.hook_fn != nullptr &&
        (ev->nesting.hook_fn != hook ||
         ev->nesting.hook_private != private_data)) {
        // Two different hooks cannot be honoured at the same time.
        abort_with(ev, "tevent: Violation of nesting hook rules\n");
    }
    ev->nesting.hook_fn = hook;
    ev->nesting.hook_private = private_data;
}

} // namespace tev
