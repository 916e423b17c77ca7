// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Handing immediates from other threads to a context's thread.
//
// Two mechanisms, as upstream:
//  - the thread proxy: a pipe and a list of pending items; the destination
//    loop reads the pipe and schedules the items as ordinary immediates;
//  - the threaded context: producers append to the context's
//    scheduled_immediates under a mutex and poke its wakeup fd; the backend
//    moves them into the immediate list at the start of an iteration.
#include "threads.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

#include "debug.hpp"
#include "fd.hpp"
#include "immediate.hpp"
#include "wakeup_fd.hpp"
#include "wrapper.hpp"

namespace
{

// One item handed to a proxy.  It owns the immediate and the private data
// (talloc children) until the destination loop has run the immediate.
struct ProxyItem {
    ProxyItem *prev = nullptr, *next = nullptr;
    tevent_immediate_handler_t handler = nullptr;
    tevent_immediate *im = nullptr;
    void *private_ptr = nullptr;
};

} // namespace

struct tevent_thread_proxy {
    tevent_thread_proxy *prev = nullptr, *next = nullptr; // every proxy
    pthread_mutex_t mutex;
    tevent_context *dest_ev_ctx = nullptr;
    int read_fd = -1;
    int write_fd = -1;
    tevent_fd *pipe_read_fde = nullptr;
    tev::List<ProxyItem> pending;  // newest first
    tev::List<ProxyItem> finished; // scheduled on the destination
    tevent_immediate *free_im = nullptr;
};

namespace tev
{
namespace
{

// Every proxy, so that the fork handlers can take their mutexes.  Lock
// order: g_proxies_mutex, then a proxy's mutex.
pthread_mutex_t g_proxies_mutex = PTHREAD_MUTEX_INITIALIZER;
List<tevent_thread_proxy> g_proxies;

// Freeing an item frees its immediate and its private data with it, which
// may run the caller's destructors: never under the proxy's mutex.
void free_items(List<ProxyItem> &list)
{
    while (ProxyItem *item = list.head) {
        list.remove(item);
        talloc_free(item);
    }
}

// Moves the items of `from` to a list the caller frees after unlocking.
List<ProxyItem> take_items(List<ProxyItem> &from)
{
    List<ProxyItem> taken = from;
    from = List<ProxyItem>{};
    return taken;
}

void free_finished_items(tevent_context *, tevent_immediate *, void *pd)
{
    auto *tp = talloc_get_type_abort(pd, struct tevent_thread_proxy);
    List<ProxyItem> finished;
    {
        MutexLock lock(&tp->mutex);
        finished = take_items(tp->finished);
    }
    free_items(finished);
}

// Runs on the destination thread with tp->mutex held.
void schedule_pending(tevent_thread_proxy *tp)
{
    tevent_context *ev = tp->dest_ev_ctx;
    // Newest first: upstream's observable (LIFO) order.  The handler
    // names are the ones upstream's debug output shows.
    while (ProxyItem *item = tp->pending.head) {
        tp->pending.remove(item);
        ev->ops->schedule_immediate(item->im, ev, item->handler,
                                    item->private_ptr, "im_entry->handler",
                                    TEV_LOCATION);
        tp->finished.push_front(item);
    }
    if (tp->finished.empty()) {
        return;
    }
    // Immediates run in FIFO order, so this one runs after all of the
    // above and can free their items.
    ev->ops->schedule_immediate(tp->free_im, ev, free_finished_items, tp,
                                "free_list_handler", TEV_LOCATION);
}

void proxy_pipe_readable(tevent_context *, tevent_fd *fde, uint16_t, void *pd)
{
    auto *tp = talloc_get_type_abort(pd, struct tevent_thread_proxy);
    MutexLock lock(&tp->mutex);
    if (tp->write_fd == -1) {
        // A fork child that got no pipe of its own: the parent's bytes are
        // not ours to read.
        fd_set_flags(fde, 0);
        return;
    }
    char buf[64];
    ssize_t len;
    do {
        len = read(tp->read_fd, buf, sizeof(buf));
    } while (len == static_cast<ssize_t>(sizeof(buf)));
    schedule_pending(tp);
}

int proxy_destructor(tevent_thread_proxy *tp)
{
    {
        MutexLock lock(&g_proxies_mutex);
        g_proxies.remove(tp);
    }
    List<ProxyItem> pending, finished;
    {
        MutexLock lock(&tp->mutex);
        talloc_free(tp->pipe_read_fde);
        tp->pipe_read_fde = nullptr;
        if (tp->read_fd != -1) {
            close(tp->read_fd);
            tp->read_fd = -1;
        }
        // write_fd == -1 tells late producers that the proxy is going.
        if (tp->write_fd != -1) {
            close(tp->write_fd);
            tp->write_fd = -1;
        }
        pending = take_items(tp->pending);
        finished = take_items(tp->finished);
        talloc_free(tp->free_im);
        tp->free_im = nullptr;
    }
    free_items(pending);
    free_items(finished);
    if (pthread_mutex_destroy(&tp->mutex) != 0) {
        abort();
    }
    return 0;
}

// Fork child: the pipe is shared with the parent, whose producers' bytes
// the child's loop would steal (and the other way round).  The proxy gets
// a pipe of its own under the same fd numbers, so that its fde (and an
// epoll backend re-creating its registrations in the child) follows; when
// no pipe can be had, the proxy stops taking items.
void renew_proxy_pipe(tevent_thread_proxy *tp)
{
    if (tp->write_fd == -1) {
        return;
    }
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
        bool moved = dup3(fds[0], tp->read_fd, O_CLOEXEC) != -1 &&
                     dup3(fds[1], tp->write_fd, O_CLOEXEC) != -1;
        close(fds[0]);
        close(fds[1]);
        if (moved) {
            // Items handed over before the fork stay pending here too.
            if (!tp->pending.empty()) {
                char c = '\0';
                ssize_t written = write(tp->write_fd, &c, 1);
                (void)written;
            }
            return;
        }
    }
    close(tp->write_fd);
    tp->write_fd = -1;
}

// Immediates scheduled from a thread must not be freed until activated.
int pending_threaded_immediate_destructor(tevent_immediate *im)
{
    if (im->event_ctx != nullptr) {
        abort();
    }
    return 0;
}

int threaded_context_destructor(tevent_threaded_context *tctx)
{
    tevent_context *main_ev = wrapper_main_ev(tctx->event_ctx);
    if (main_ev != nullptr) {
        main_ev->threaded_contexts.remove(tctx);
    }
    // A producer may still be between its unlock and returning: taking the
    // mutex once waits for it, so that destroying the mutex is legal.
    if (pthread_mutex_lock(&tctx->event_ctx_mutex) != 0 ||
        pthread_mutex_unlock(&tctx->event_ctx_mutex) != 0 ||
        pthread_mutex_destroy(&tctx->event_ctx_mutex) != 0) {
        abort();
    }
    return 0;
}

void lock_or_abort(tevent_context *ev, pthread_mutex_t *m)
{
    if (pthread_mutex_lock(m) != 0) {
        abort_with(ev, "pthread_mutex_lock failed");
    }
}

void unlock_or_abort(tevent_context *ev, pthread_mutex_t *m)
{
    if (pthread_mutex_unlock(m) != 0) {
        abort_with(ev, "pthread_mutex_unlock failed");
    }
}

} // namespace

tevent_thread_proxy *thread_proxy_create(tevent_context *dest_ev)
{
    if (dest_ev->wrapper.glue != nullptr) {
        TEV_DEBUG(dest_ev->wrapper.glue->main_ev, TEVENT_DEBUG_FATAL,
                  "%s() not allowed on a wrapper context\n",
                  "tevent_thread_proxy_create");
        errno = EINVAL;
        return nullptr;
    }
    auto *tp = make<tevent_thread_proxy>(dest_ev, "struct tevent_thread_proxy");
    if (tp == nullptr) {
        return nullptr;
    }
    if (pthread_mutex_init(&tp->mutex, nullptr) != 0) {
        talloc_free(tp);
        return nullptr;
    }
    tp->dest_ev_ctx = dest_ev;
    {
        MutexLock lock(&g_proxies_mutex);
        g_proxies.push_front(tp);
    }
    talloc_set_destructor(tp, proxy_destructor);

    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1) {
        talloc_free(tp);
        return nullptr;
    }
    tp->read_fd = fds[0];
    tp->write_fd = fds[1];
    tp->pipe_read_fde = dest_ev->ops->add_fd(
        dest_ev, tp, tp->read_fd, TEVENT_FD_READ, proxy_pipe_readable, tp,
        "pipe_read_handler", TEV_LOCATION);
    if (tp->pipe_read_fde == nullptr) {
        talloc_free(tp);
        return nullptr;
    }
    tp->free_im = create_immediate(tp, TEV_LOCATION);
    if (tp->free_im == nullptr) {
        talloc_free(tp);
        return nullptr;
    }
    return tp;
}

void thread_proxy_schedule(tevent_thread_proxy *tp, tevent_immediate **pp_im,
                           tevent_immediate_handler_t handler,
                           void *pp_private_data)
{
    MutexLock lock(&tp->mutex);
    if (tp->write_fd == -1) {
        return;
    }
    // On the NULL context: the caller's talloc tree belongs to its thread.
    auto *item = make<ProxyItem>(nullptr, "struct tevent_immediate_list");
    if (item == nullptr) {
        return;
    }
    item->handler = handler;
    item->im = talloc_move(item, pp_im);
    if (pp_private_data != nullptr) {
        item->private_ptr =
            talloc_move(item, static_cast<void **>(pp_private_data));
    }
    tp->pending.push_front(item);

    char c = '\0';
    ssize_t written;
    do {
        written = write(tp->write_fd, &c, 1);
    } while (written == -1 && errno == EINTR);
}

tevent_threaded_context *threaded_context_create(TALLOC_CTX *mem_ctx,
                                                 tevent_context *ev)
{
    tevent_context *main_ev = wrapper_main_ev(ev);
    // A wrapper whose main context is gone has no loop to hand over to.
    if (main_ev == nullptr) {
        errno = EINVAL;
        return nullptr;
    }
    int ret = common_wakeup_init(main_ev);
    if (ret != 0) {
        errno = ret;
        return nullptr;
    }
    auto *tctx = make<tevent_threaded_context>(
        mem_ctx, "struct tevent_threaded_context");
    if (tctx == nullptr) {
        return nullptr;
    }
    tctx->event_ctx = ev;
    if (pthread_mutex_init(&tctx->event_ctx_mutex, nullptr) != 0) {
        talloc_free(tctx);
        return nullptr;
    }
    main_ev->threaded_contexts.push_front(tctx);
    talloc_set_destructor(tctx, threaded_context_destructor);
    return tctx;
}

void threaded_schedule_immediate(tevent_threaded_context *tctx,
                                 tevent_immediate *im,
                                 tevent_immediate_handler_t handler,
                                 void *private_data, const char *handler_name,
                                 const char *location)
{
    MutexLock tctx_lock(&tctx->event_ctx_mutex);
    tevent_context *ev = tctx->event_ctx;
    if (ev == nullptr) {
        // The context went away: nobody would ever run it.
        return;
    }
    // Misuse here cannot be reported to the caller's thread: hard abort.
    if (im->event_ctx != nullptr || handler == nullptr || im->destroyed ||
        im->busy) {
        abort();
    }
    tevent_context *main_ev = wrapper_main_ev(ev);

    const char *create_location = im->create_location;
    new (im) tevent_immediate{};
    im->event_ctx = ev;
    im->wrapper = ev->wrapper.glue;
    im->handler = handler;
    im->private_data = private_data;
    im->handler_name = handler_name;
    im->create_location = create_location;
    im->schedule_location = location;
    talloc_set_destructor(im, pending_threaded_immediate_destructor);

    int wakeup_fd;
    {
        MutexLock lock(&main_ev->scheduled_mutex);
        main_ev->scheduled_immediates.push_back(im);
        wakeup_fd = main_ev->wakeup_fd.load(std::memory_order_relaxed);
    }
    // Still under the tctx mutex: the context cannot have closed the fd,
    // since its teardown detaches this tctx under the same mutex first.
    common_wakeup_fd(wakeup_fd);
}

void common_threaded_activate_immediate(tevent_context *ev)
{
    MutexLock lock(&ev->scheduled_mutex);
    while (tevent_immediate *im = ev->scheduled_immediates.head) {
        ev->scheduled_immediates.remove(im);
        TEV_DEBUG(ev, TEVENT_DEBUG_TRACE,
                  "Schedule immediate event \"%s\": %p from thread into main\n",
                  im->handler_name, im);
        // Upstream reschedules the still-attached immediate, which
        // cancels it first: a DETACH trace on the context it was
        // scheduled for precedes the ATTACH on this one.
        trace_immediate(im->event_ctx, im, TEVENT_EVENT_TRACE_DETACH);
        im->event_ctx = nullptr;
        talloc_set_destructor(im, nullptr);
        ev->ops->schedule_immediate(im, ev, im->handler, im->private_data,
                                    im->handler_name, im->schedule_location);
    }
}

void threaded_contexts_detach(tevent_context *ev,
                              const tevent_wrapper_glue *glue)
{
    // Producers read event_ctx under the threaded context's mutex.
    tevent_threaded_context *next = nullptr;
    for (auto *tctx = ev->threaded_contexts.head; tctx != nullptr;
         tctx = next) {
        next = tctx->next;
        if (glue != nullptr && tctx->event_ctx != glue->wrap_ev) {
            continue;
        }
        {
            MutexLock lock(&tctx->event_ctx_mutex);
            tctx->event_ctx = nullptr;
        }
        ev->threaded_contexts.remove(tctx);
    }
    // Handed over but never activated: make them inert, so that their
    // owners can free or reschedule them (and, for a wrapper, so that they
    // never run with its freed glue).
    MutexLock lock(&ev->scheduled_mutex);
    tevent_immediate *inext = nullptr;
    for (auto *im = ev->scheduled_immediates.head; im != nullptr; im = inext) {
        inext = im->next;
        if (glue != nullptr && im->wrapper != glue) {
            continue;
        }
        ev->scheduled_immediates.remove(im);
        im->event_ctx = nullptr;
        im->wrapper = nullptr;
        talloc_set_destructor(im, nullptr);
    }
}

void threads_atfork_prepare(tevent_context *ev)
{
    for (auto *tctx = ev->threaded_contexts.head; tctx != nullptr;
         tctx = tctx->next) {
        lock_or_abort(ev, &tctx->event_ctx_mutex);
    }
    lock_or_abort(ev, &ev->scheduled_mutex);
}

void threads_atfork_parent(tevent_context *ev)
{
    unlock_or_abort(ev, &ev->scheduled_mutex);
    for (auto *tctx = ev->threaded_contexts.tail; tctx != nullptr;
         tctx = tctx->prev) {
        unlock_or_abort(ev, &tctx->event_ctx_mutex);
    }
}

void thread_proxies_atfork_prepare()
{
    lock_or_abort(nullptr, &g_proxies_mutex);
    for (auto *tp = g_proxies.head; tp != nullptr; tp = tp->next) {
        lock_or_abort(nullptr, &tp->mutex);
    }
}

void thread_proxies_atfork_parent()
{
    for (auto *tp = g_proxies.tail; tp != nullptr; tp = tp->prev) {
        unlock_or_abort(nullptr, &tp->mutex);
    }
    unlock_or_abort(nullptr, &g_proxies_mutex);
}

void thread_proxies_atfork_child()
{
    for (auto *tp = g_proxies.tail; tp != nullptr; tp = tp->prev) {
        renew_proxy_pipe(tp);
        unlock_or_abort(nullptr, &tp->mutex);
    }
    unlock_or_abort(nullptr, &g_proxies_mutex);
}

void threads_atfork_child(tevent_context *ev)
{
    // The producer threads do not exist in the child.
    while (tevent_threaded_context *tctx = ev->threaded_contexts.tail) {
        tctx->event_ctx = nullptr;
        unlock_or_abort(ev, &tctx->event_ctx_mutex);
        ev->threaded_contexts.remove(tctx);
    }
    unlock_or_abort(ev, &ev->scheduled_mutex);
}

} // namespace tev
