// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Signal events.  Dispositions are per process, so the signal events of all
// contexts share one table: the first event for a signal number installs our
// handler, the last one restores the previous disposition, and whichever
// context checks first dispatches every pending delivery to every event.
//
// The table has two halves.  The asynchronous handler only touches the
// constant-initialised AsyncState (atomic counters, siginfo rings and the
// wakeup list of each signal) and write(2).  Everything else (the event lists
// and the saved dispositions) lives in the talloc object "struct
// tevent_sig_state" and is changed only under g_lock, which is never held
// while user code runs.
#include "signal.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <ucontext.h>

#include "debug.hpp"
#include "tevent_signal_config.h"
#include "wakeup.hpp"
#include "wrapper.hpp"

namespace tev
{
namespace
{

constexpr int signal_table_size = TEVENT_NUM_SIGNALS;

// Deliveries of one signal that have not been dispatched yet are kept in a
// ring indexed by the delivery counter; a power of two keeps the index right
// when the 32-bit counters wrap.
constexpr uint32_t siginfo_ring_size = 256;
static_assert((siginfo_ring_size & (siginfo_ring_size - 1)) == 0);
static_assert(std::atomic<uint32_t>::is_always_lock_free);
static_assert(std::atomic<void *>::is_always_lock_free);

// ---------------------------------------------------------------------------
// The half shared with the asynchronous handler

struct AsyncSlot {
    std::atomic<uint32_t> count{0}; // deliveries so far
    std::atomic<uint32_t> seen{0};  // deliveries dispatched so far
    // Set when a full ring made the handler block the signal; the
    // dispatcher unblocks it once the ring has drained.
    std::atomic<uint32_t> blocked{0};
    std::atomic<siginfo_t *> ring{nullptr}; // only with an SA_SIGINFO handler
    // The distinct contexts with an event for this signal, whose wakeup fds
    // the handler writes.  Grown by publishing a new array; entries are
    // removed in place (the last one moves into the hole).
    std::atomic<tevent_context **> wake{nullptr};
    std::atomic<uint32_t> wake_count{0};
};

struct AsyncState {
    std::atomic<uint32_t> pending{0};   // undispatched deliveries, all signals
    std::atomic<uint32_t> in_flight{0}; // handlers running right now
    AsyncSlot slot[signal_table_size];
};

constinit AsyncState g_async;

// Memory that a running handler may still read (an old wakeup array, a ring,
// a context leaving the wakeup list) is released only after this returns.
// The unpublishing store, the handler's in_flight increment and the loads on
// either side are sequentially consistent: a handler this does not wait for
// sees the new state.  Handlers are short and never block, so this ends.
void wait_for_handlers()
{
    while (g_async.in_flight.load() != 0) {
        sched_yield();
    }
}

void wake_contexts(const AsyncSlot &slot)
{
    uint32_t count = slot.wake_count.load();
    tevent_context **evs = slot.wake.load();
    if (evs == nullptr) {
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        tevent_context *ev = std::atomic_ref<tevent_context *>(evs[i]).load(
            std::memory_order_relaxed);
        int fd = ev->wakeup_fd.load(std::memory_order_relaxed);
        if (fd != -1) {
            common_wakeup_fd(fd);
        }
    }
}

void record_delivery(AsyncSlot &slot)
{
    slot.count.fetch_add(1, std::memory_order_release);
    g_async.pending.fetch_add(1, std::memory_order_release);
    wake_contexts(slot);
}

void on_signal(int signum)
{
    int saved_errno = errno;
    g_async.in_flight.fetch_add(1);
    record_delivery(g_async.slot[signum]);
    g_async.in_flight.fetch_sub(1);
    errno = saved_errno;
}

void on_signal_info(int signum, siginfo_t *info, void *uctx)
{
    int saved_errno = errno;
    g_async.in_flight.fetch_add(1);
    AsyncSlot &slot = g_async.slot[signum];
    uint32_t count = slot.count.load(std::memory_order_relaxed);
    uint32_t undispatched = count - slot.seen.load(std::memory_order_acquire);
    siginfo_t *ring = slot.ring.load();
    if (ring != nullptr) {
        ring[count % siginfo_ring_size] = *info;
    }
    record_delivery(slot);
    if (undispatched + 1 == siginfo_ring_size) {
        // The ring is full.  Blocking with sigprocmask() here would only
        // change the temporary mask of this handler; the interrupted
        // context's mask is the one restored on return.
        sigaddset(&static_cast<ucontext_t *>(uctx)->uc_sigmask, signum);
        slot.blocked.fetch_add(1, std::memory_order_release);
    }
    g_async.in_flight.fetch_sub(1);
    errno = saved_errno;
}

// ---------------------------------------------------------------------------
// The dispatcher's half, guarded by g_lock

// talloc name "struct tevent_common_signal_list": a child of its event.
struct SignalNode {
    SignalNode *prev = nullptr, *next = nullptr;
    tevent_signal *se = nullptr;
    tevent_context *ev = nullptr; // its entry in the wakeup list
};

// A dispatch walking one signal's event list.  Handlers may free any event,
// so unlinking a node moves every cursor that was about to visit it.
struct Cursor {
    SignalNode *next = nullptr;
    Cursor *outer = nullptr;
};

// talloc name "struct tevent_sig_state": allocated on the NULL context on
// first use and referenced by every signal event.
struct SigState {
    struct PerSignal {
        List<SignalNode> events;       // newest first
        uint32_t *wake_refs = nullptr; // events per entry of AsyncSlot::wake
        uint32_t wake_capacity = 0;
        bool installed = false;  // our handler is the disposition
        struct sigaction oldact; // the disposition it replaced
    } sig[signal_table_size];
    Cursor *cursors = nullptr;
};

pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
SigState *g_state = nullptr;

bool wake_add(int signum, tevent_context *ev)
{
    AsyncSlot &slot = g_async.slot[signum];
    SigState::PerSignal &ps = g_state->sig[signum];
    tevent_context **evs = slot.wake.load(std::memory_order_relaxed);
    uint32_t count = slot.wake_count.load(std::memory_order_relaxed);
    for (uint32_t i = 0; i < count; i++) {
        if (evs[i] == ev) {
            ps.wake_refs[i] += 1;
            return true;
        }
    }
    if (count == ps.wake_capacity) {
        uint32_t capacity = count == 0 ? 4 : count * 2;
        auto *refs = static_cast<uint32_t *>(
            realloc(ps.wake_refs, capacity * sizeof(uint32_t)));
        if (refs == nullptr) {
            return false;
        }
        ps.wake_refs = refs;
        auto **grown = static_cast<tevent_context **>(
            calloc(capacity, sizeof(tevent_context *)));
        if (grown == nullptr) {
            return false;
        }
        if (count != 0) {
            memcpy(grown, evs, count * sizeof(tevent_context *));
        }
        slot.wake.store(grown);
        wait_for_handlers();
        free(evs);
        evs = grown;
        ps.wake_capacity = capacity;
    }
    std::atomic_ref<tevent_context *>(evs[count])
        .store(ev, std::memory_order_relaxed);
    ps.wake_refs[count] = 1;
    slot.wake_count.store(count + 1);
    return true;
}

void wake_remove(int signum, tevent_context *ev)
{
    AsyncSlot &slot = g_async.slot[signum];
    SigState::PerSignal &ps = g_state->sig[signum];
    tevent_context **evs = slot.wake.load(std::memory_order_relaxed);
    uint32_t count = slot.wake_count.load(std::memory_order_relaxed);
    uint32_t i = 0;
    while (evs[i] != ev) {
        i += 1;
    }
    ps.wake_refs[i] -= 1;
    if (ps.wake_refs[i] != 0) {
        return;
    }
    uint32_t last = count - 1;
    std::atomic_ref<tevent_context *>(evs[i]).store(evs[last],
                                                    std::memory_order_relaxed);
    ps.wake_refs[i] = ps.wake_refs[last];
    slot.wake_count.store(last);
    if (last == 0) {
        slot.wake.store(nullptr);
    }
    // ev may be freed as soon as we return.
    wait_for_handlers();
    if (last == 0) {
        free(evs);
        free(ps.wake_refs);
        ps.wake_refs = nullptr;
        ps.wake_capacity = 0;
    }
}

bool install_handler(int signum, int sa_flags)
{
    SigState::PerSignal &ps = g_state->sig[signum];
    AsyncSlot &slot = g_async.slot[signum];
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    act.sa_flags = sa_flags;
    if ((sa_flags & SA_SIGINFO) != 0) {
        siginfo_t *ring =
            talloc_zero_array(g_state, siginfo_t, siginfo_ring_size);
        if (ring == nullptr) {
            return false;
        }
        slot.ring.store(ring, std::memory_order_release);
        act.sa_sigaction = on_signal_info;
    } else {
        act.sa_handler = on_signal;
    }
    if (sigaction(signum, &act, &ps.oldact) == -1) {
        int err = errno;
        talloc_free(slot.ring.exchange(nullptr));
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
    siginfo_t *ring = g_async.slot[signum].ring.exchange(nullptr);
    if (ring != nullptr) {
        wait_for_handlers();
        talloc_free(ring);
    }
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
    if (!wake_add(se->signum, node->ev)) {
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
    for (Cursor *c = g_state->cursors; c != nullptr; c = c->outer) {
        if (c->next == node) {
            c->next = node->next;
        }
    }
    ps.events.remove(node);
    wake_remove(se->signum, node->ev);
    if (ps.events.empty() && ps.installed) {
        restore_handler(se->signum);
    }
    talloc_unlink(se, g_state);
}

// Unhooks se from the process table and from its context.
void detach_signal(tevent_signal *se)
{
    auto *node = static_cast<SignalNode *>(se->additional_data);
    se->additional_data = nullptr;
    unregister_event(se, node);
    talloc_free(node);
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

// SA_SIGINFO events get one call per delivery.  Without a ring (the handler
// was installed by an event without SA_SIGINFO) they get a siginfo_t that
// only carries the signal number.
void dispatch_each(tevent_signal *se, int signum, uint32_t first,
                   uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        siginfo_t substitute;
        siginfo_t *info;
        siginfo_t *ring =
            g_async.slot[signum].ring.load(std::memory_order_acquire);
        if (ring != nullptr) {
            info = &ring[(first + i) % siginfo_ring_size];
        } else {
            memset(&substitute, 0, sizeof(substitute));
            substitute.si_signo = signum;
            info = &substitute;
        }
        bool removed = false;
        common_invoke_signal_handler(se, signum, 1, info, &removed);
        if (removed) {
            return;
        }
    }
}

// Runs every event of signum for the deliveries [first, first + count).
void dispatch_signal(int signum, uint32_t first, uint32_t count)
{
    SigState::PerSignal &ps = g_state->sig[signum];
    bool used_ring = false;
    Cursor cursor;

    pthread_mutex_lock(&g_lock);
    cursor.next = ps.events.head;
    cursor.outer = g_state->cursors;
    g_state->cursors = &cursor;
    while (SignalNode *node = cursor.next) {
        cursor.next = node->next;
        tevent_signal *se = node->se;
        pthread_mutex_unlock(&g_lock);
        if ((se->sa_flags & SA_SIGINFO) != 0) {
            used_ring = true;
            dispatch_each(se, signum, first, count);
        } else {
            common_invoke_signal_handler(se, signum, static_cast<int>(count),
                                         nullptr, nullptr);
        }
        pthread_mutex_lock(&g_lock);
    }
    Cursor **link = &g_state->cursors;
    while (*link != &cursor) {
        link = &(*link)->outer;
    }
    *link = cursor.outer;
    // Dispatched slots are cleared before the handler may reuse them.
    siginfo_t *ring = g_async.slot[signum].ring.load(std::memory_order_acquire);
    if (used_ring && ring != nullptr) {
        for (uint32_t i = 0; i < count; i++) {
            memset(&ring[(first + i) % siginfo_ring_size], 0,
                   sizeof(siginfo_t));
        }
    }
    pthread_mutex_unlock(&g_lock);
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
    node->ev = ev;
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

int common_check_signal(tevent_context *)
{
    if (g_async.pending.load(std::memory_order_acquire) == 0) {
        return 0;
    }
    for (int signum = 0; signum < signal_table_size; signum++) {
        AsyncSlot &slot = g_async.slot[signum];
        uint32_t first = slot.seen.load(std::memory_order_relaxed);
        uint32_t count = slot.count.load(std::memory_order_acquire) - first;
        if (count == 0) {
            continue;
        }
        dispatch_signal(signum, first, count);
        // A handler that ran a nested loop may have dispatched (and
        // accounted for) the same deliveries already.
        if (slot.seen.compare_exchange_strong(first, first + count)) {
            g_async.pending.fetch_sub(count);
        }
        // Unblock only now that the ring has room again.
        if (slot.blocked.exchange(0) != 0) {
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, signum);
            pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
        }
    }
    return 1;
}

void cleanup_pending_signal_handlers(tevent_signal *se)
{
    signal_destructor(se);
    // A running handler's event keeps its destructor, so that freeing it
    // (or its parent) stays deferred until the dispatcher frees it.
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
    se->busy = false;

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
    pthread_mutex_lock(&g_lock);
}

void signals_atfork_parent()
{
    pthread_mutex_unlock(&g_lock);
}

void signals_atfork_child()
{
    // Handlers that were running in other threads at fork() do not exist in
    // the child: nothing is in flight, and a delivery counted in its slot
    // but not yet in `pending` is recounted from the slots.
    g_async.in_flight.store(0);
    uint32_t pending = 0;
    for (AsyncSlot &slot : g_async.slot) {
        pending += slot.count.load() - slot.seen.load();
    }
    g_async.pending.store(pending);
    pthread_mutex_unlock(&g_lock);
}

} // namespace tev
