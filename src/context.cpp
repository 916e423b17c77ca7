// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Contexts: creation and teardown, the process-wide context list and fork
// handling.
#include "context.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <unistd.h>

#include "registry.hpp"
#include "debug.hpp"
#include "fd.hpp"
#include "immediate.hpp"
#include "req.hpp"
#include "signal.hpp"
#include "threads.hpp"
#include "timer.hpp"
#include "wakeup_fd.hpp"
#include "wrapper.hpp"

namespace tev
{

unsigned g_fork_generation = 0;

namespace
{

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
    g_fork_generation += 1;
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

} // namespace

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
        fd_detach(fde);
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
    ev->wait_timeout_msec = timeout_msec(&ev->wait_timeout);
    return old > INT32_MAX ? INT32_MAX : static_cast<uint32_t>(old);
}

} // namespace tev
