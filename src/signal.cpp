// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Signal events and their dispatch.  Dispositions are per process, so the
// signal events of all contexts share one table: the first event for a
// signal number installs our handler, the last one restores the previous
// disposition, and whichever context checks first dispatches every pending
// delivery to every event.
//
// What the handlers record lives in signal_delivery.cpp.  Everything here
// (the event lists, the saved dispositions, the running dispatches) lives in
// the talloc object "struct tevent_sig_state" and is changed only under
// g_lock, which is never held while user code runs.
#include "signal.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "debug.hpp"
#include "signal_delivery.hpp"
#include "tevent_signal_config.h"
#include "wakeup_fd.hpp"
#include "wrapper.hpp"

namespace tev
{
namespace
{

// talloc name "struct tevent_common_signal_list": a child of its event.
struct SignalNode {
    SignalNode *prev = nullptr, *next = nullptr;
    tevent_signal *se = nullptr;
    // The context this event keeps in the wake list of its signal, until
    // either leaves.
    tevent_context *wake_ev = nullptr;
};

// One dispatch of one signal's deliveries, walking its event list.
// Handlers may free any event, so unlinking a node moves every frame that
// was about to visit it.
struct DispatchFrame {
    SignalNode *next = nullptr;
    DispatchFrame *outer = nullptr;
    pthread_t thread;
    int signum = 0;
    DeliveryBatch batch;
};

// talloc name "struct tevent_sig_state": allocated on the NULL context on
// first use and referenced by every signal event.
struct SigState {
    struct PerSignal {
        List<SignalNode> events; // newest first
        bool installed = false;  // our handler is the disposition
        struct sigaction oldact; // the disposition it replaced
    } sig[signal_table_size];
    DispatchFrame *frames = nullptr;
};

pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
SigState *g_state = nullptr;

bool install_handler(int signum, int sa_flags)
{
    SigState::PerSignal &ps = g_state->sig[signum];
    if ((sa_flags & SA_SIGINFO) != 0 && !attach_siginfo_ring(signum, g_state)) {
        errno = ENOMEM;
        return false;
    }
    struct sigaction act;
    fill_sigaction(&act, sa_flags);
    if (sigaction(signum, &act, &ps.oldact) == -1) {
        int err = errno;
        detach_siginfo_ring(signum);
        errno = err;
        return false;
    }
    ps.installed = true;
    return true;
}

void restore_handler(int signum)
{
    SigState::PerSignal &ps = g_state->sig[signum];
    sigaction(signum, &ps.oldact, nullptr);
    ps.installed = false;
    detach_siginfo_ring(signum);
}

// Links a new event into the process table, installing the handler for the
// first event of its signal.  errno is set on failure.
bool register_event(tevent_signal *se, SignalNode *node)
{
    MutexLock lock(&g_lock);
    if (g_state == nullptr) {
        g_state = make<SigState>(nullptr, "struct tevent_sig_state");
        if (g_state == nullptr) {
            errno = ENOMEM;
            return false;
        }
    }
    // Like upstream's, every event references the shared state (this shows
    // in talloc reports); the reference is dropped when the event detaches.
    if (talloc_reference(se, g_state) == nullptr) {
        errno = ENOMEM;
        return false;
    }
    SigState::PerSignal &ps = g_state->sig[se->signum];
    if (!ps.installed && !install_handler(se->signum, se->sa_flags)) {
        talloc_unlink(se, g_state);
        return false;
    }
    if (!wake_list_add(se->signum, node->wake_ev)) {
        if (ps.events.empty()) {
            restore_handler(se->signum);
        }
        talloc_unlink(se, g_state);
        errno = ENOMEM;
        return false;
    }
    ps.events.push_front(node);
    return true;
}

void unregister_event(tevent_signal *se, SignalNode *node)
{
    MutexLock lock(&g_lock);
    SigState::PerSignal &ps = g_state->sig[se->signum];
    for (DispatchFrame *f = g_state->frames; f != nullptr; f = f->outer) {
        if (f->next == node) {
            f->next = node->next;
        }
    }
    ps.events.remove(node);
    if (node->wake_ev != nullptr) {
        wake_list_remove(se->signum, node->wake_ev);
        node->wake_ev = nullptr;
    }
    if (ps.events.empty() && ps.installed) {
        restore_handler(se->signum);
    }
    talloc_unlink(se, g_state);
}

// Unhooks se from the process table and from its context, unless that
// happened already.
void detach_signal(tevent_signal *se)
{
    auto *node = static_cast<SignalNode *>(se->additional_data);
    if (node != nullptr) {
        se->additional_data = nullptr;
        unregister_event(se, node);
        talloc_free(node);
    }
    if (se->event_ctx != nullptr) {
        trace_signal(se->event_ctx, se, TEVENT_EVENT_TRACE_DETACH);
        se->event_ctx->signal_events.remove(se);
    }
    se->event_ctx = nullptr;
}

int signal_destructor(tevent_signal *se)
{
    if (se->destroyed) {
        check_double_free(se, "tevent_signal double free");
    } else {
        se->destroyed = true;
        detach_signal(se);
    }
    if (se->busy) {
        // Freed from its own handler: the dispatcher frees it afterwards.
        return -1;
    }
    se->wrapper = nullptr;
    return 0;
}

// Plain events get one call with the number of deliveries; SA_SIGINFO
// events one call per delivery, with a record that only carries the signal
// number where the delivery has none.
void run_event(tevent_signal *se, int signum, const DeliveryBatch &batch)
{
    if ((se->sa_flags & SA_SIGINFO) == 0) {
        common_invoke_signal_handler(
            se, signum, static_cast<int>(batch.total()), nullptr, nullptr);
        return;
    }
    bool removed = false;
    for (uint32_t i = 0; i < batch.with_info && !removed; i++) {
        common_invoke_signal_handler(se, signum, 1, batch.info(i), &removed);
    }
    for (uint32_t i = 0; i < batch.without_info && !removed; i++) {
        siginfo_t substitute;
        memset(&substitute, 0, sizeof(substitute));
        substitute.si_signo = signum;
        common_invoke_signal_handler(se, signum, 1, &substitute, &removed);
    }
}

// Takes the deliveries of signum and runs every event of it for them.  A
// handler's nested loop only sees deliveries that arrive meanwhile.
void dispatch_signal(tevent_context *ev, int signum)
{
    DispatchFrame frame;
    SignalNode *node;
    {
        MutexLock lock(&g_lock);
        frame.batch = take_deliveries(signum);
        node = frame.batch.total() != 0 ? g_state->sig[signum].events.head
                                        : nullptr;
        if (node == nullptr) {
            release_deliveries(signum, frame.batch);
            return;
        }
        frame.next = node->next;
        frame.outer = g_state->frames;
        frame.thread = pthread_self();
        frame.signum = signum;
        g_state->frames = &frame;
    }
    if (frame.batch.lost != 0) {
        TEV_DEBUG(ev, TEVENT_DEBUG_WARNING,
                  "tevent: signal %d: %u siginfo records lost, the ring of "
                  "%u entries was full\n",
                  signum, frame.batch.lost, siginfo_ring_size);
    }
    for (;;) {
        run_event(node->se, signum, frame.batch);
        MutexLock lock(&g_lock);
        node = frame.next;
        if (node != nullptr) {
            frame.next = node->next;
            continue;
        }
        DispatchFrame **link = &g_state->frames;
        while (*link != &frame) {
            link = &(*link)->outer;
        }
        *link = frame.outer;
        release_deliveries(signum, frame.batch);
        return;
    }
}

} // namespace

tevent_signal *common_add_signal(tevent_context *ev, TALLOC_CTX *mem_ctx,
                                 int signum, int sa_flags,
                                 tevent_signal_handler_t handler,
                                 void *private_data, const char *handler_name,
                                 const char *location)
{
    int ret = common_wakeup_init(ev);
    if (ret != 0) {
        errno = ret;
        return nullptr;
    }
    if (signum < 0 || signum >= signal_table_size) {
        errno = EINVAL;
        return nullptr;
    }

    auto *se = make<tevent_signal>(mem_ctx != nullptr ? mem_ctx : ev,
                                   "struct tevent_signal");
    if (se == nullptr) {
        return nullptr;
    }
    auto *node = make<SignalNode>(se, "struct tevent_common_signal_list");
    if (node == nullptr) {
        talloc_free(se);
        return nullptr;
    }
    node->se = se;
    node->wake_ev = ev;
    se->event_ctx = ev;
    se->signum = signum;
    se->sa_flags = sa_flags;
    se->handler = handler;
    se->private_data = private_data;
    se->handler_name = handler_name;
    se->location = location;
    se->additional_data = node;

    if (!register_event(se, node)) {
        int err = errno;
        talloc_free(se);
        errno = err;
        return nullptr;
    }
    ev->signal_events.push_front(se);
    talloc_set_destructor(se, signal_destructor);
    trace_signal(ev, se, TEVENT_EVENT_TRACE_ATTACH);
    return se;
}

int common_check_signal(tevent_context *ev)
{
    int signum = pending_signal_from(0);
    if (signum < 0) {
        return 0;
    }
    // A handler may free ev; it is only needed for debug messages.
    FrameScope scope(ev);
    do {
        clear_pending(signum);
        dispatch_signal(scope.ev_freed() ? nullptr : ev, signum);
        signum = pending_signal_from(signum + 1);
    } while (signum >= 0);
    return 1;
}

void cleanup_pending_signal_handlers(tevent_signal *se)
{
    // Detached, not destroyed: the event stays allocated and inert until
    // its owner frees it, also when its handler is running (its wrapper or
    // context freed there).  Such an event keeps its destructor, so that
    // freeing it inside the handler stays deferred until the handler
    // returns.
    detach_signal(se);
    se->wrapper = nullptr;
    if (!se->busy) {
        talloc_set_destructor(se, nullptr);
    }
}

int common_invoke_signal_handler(tevent_signal *se, int signum, int count,
                                 void *siginfo, bool *removed)
{
    if (removed != nullptr) {
        *removed = false;
    }
    if (se->event_ctx == nullptr) {
        return 0;
    }

    tevent_context *handler_ev = se->event_ctx;
    tevent_wrapper_glue *glue = se->wrapper;
    // A nested loop in the handler may enter it again: only the outermost
    // call clears busy and performs a deferred free.
    bool outer_busy = se->busy;
    se->busy = true;
    if (glue != nullptr) {
        handler_ev = glue->wrap_ev;
        wrapper_push_use_internal(handler_ev, glue);
        glue->ops->before_signal_handler(
            glue->wrap_ev, glue->private_state, glue->main_ev, se, signum,
            count, siginfo, se->handler_name, se->location);
    }
    trace_signal(se->event_ctx, se, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
    se->handler(handler_ev, se, signum, count, siginfo, se->private_data);
    if (glue != nullptr) {
        glue->ops->after_signal_handler(
            glue->wrap_ev, glue->private_state, glue->main_ev, se, signum,
            count, siginfo, se->handler_name, se->location);
        wrapper_pop_use_internal(handler_ev, glue);
    }
    se->busy = outer_busy;
    if (outer_busy) {
        return 0;
    }

    bool remove = (se->sa_flags & SA_RESETHAND) != 0;
    if (se->destroyed) {
        talloc_set_destructor(se, nullptr);
        remove = true;
    }
    if (remove) {
        talloc_free(se);
        if (removed != nullptr) {
            *removed = true;
        }
    }
    return 0;
}

size_t num_signals()
{
    return signal_table_size;
}

size_t sa_info_queue_count()
{
    return siginfo_ring_size;
}

void signals_leave_wake_lists(tevent_context *ev)
{
    if (ev->signal_events.empty()) {
        return;
    }
    MutexLock lock(&g_lock);
    for (tevent_signal *se = ev->signal_events.head; se != nullptr;
         se = se->next) {
        auto *node = static_cast<SignalNode *>(se->additional_data);
        if (node->wake_ev != nullptr) {
            wake_list_remove(se->signum, node->wake_ev);
            node->wake_ev = nullptr;
        }
    }
}

void signals_detach_all(tevent_context *ev)
{
    while (tevent_signal *se = ev->signal_events.head) {
        trace_signal(se->event_ctx, se, TEVENT_EVENT_TRACE_DETACH);
        se->wrapper = nullptr;
        se->event_ctx = nullptr;
        ev->signal_events.remove(se);
        cleanup_pending_signal_handlers(se);
    }
}

void signals_atfork_prepare()
{
    if (pthread_mutex_lock(&g_lock) != 0) {
        abort();
    }
}

void signals_atfork_parent()
{
    if (pthread_mutex_unlock(&g_lock) != 0) {
        abort();
    }
}

void signals_atfork_child()
{
    // Dispatches running in other threads never finish in the child: their
    // ring entries go back to the handlers.
    if (g_state != nullptr) {
        pthread_t self = pthread_self();
        DispatchFrame **link = &g_state->frames;
        while (DispatchFrame *f = *link) {
            if (pthread_equal(f->thread, self)) {
                link = &f->outer;
                continue;
            }
            *link = f->outer;
            release_deliveries(f->signum, f->batch);
        }
    }
    deliveries_after_fork();
    if (pthread_mutex_unlock(&g_lock) != 0) {
        abort();
    }
}

} // namespace tev
