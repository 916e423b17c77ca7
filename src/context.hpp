// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The context: its layout, loop frames, creation and teardown, fork
// handling (context.cpp).  The loop entry points are in loop.hpp, the
// backend registry in registry.hpp.
#pragma once

#include <atomic>

#include "core.hpp"
#include "timer.hpp"

namespace tev
{

// A loop call or handler dispatch running on a context (nested ones chain,
// innermost first).  A handler may free the context: its destructor flags
// every frame so that the callers return without touching it again.
struct LoopFrame {
    LoopFrame *outer = nullptr;
    bool ev_freed = false;
};

struct Poller;

// Counts the fork() calls this process descends from; a poller whose
// state is from an older generation belongs to a parent process.
extern unsigned g_fork_generation __attribute__((visibility("hidden")));
inline unsigned fork_generation()
{
    return g_fork_generation;
}

template <class Cb> struct TraceSlot {
    Cb callback = nullptr;
    void *private_data = nullptr;
};

} // namespace tev

struct tevent_context {
    const tevent_ops *ops = nullptr;

    // Looked at on every loop iteration, in this order.
    tev::List<tevent_signal> signal_events;
    tev::List<tevent_threaded_context> threaded_contexts;
    tev::List<tevent_immediate> immediate_events;
    tev::List<tevent_fd> fd_events; // new fdes at the head
    tev::TimerQueue timers;

    // Immediates handed over by other threads, guarded by scheduled_mutex.
    pthread_mutex_t scheduled_mutex;
    tev::List<tevent_immediate> scheduled_immediates;

    void *additional_data = nullptr; // the backend's state

    // The poller of a built-in backend (poller.hpp); none for a backend of
    // the caller's.
    struct {
        const tev::Poller *ops = nullptr;
        const tev::Poller *fallback = nullptr; // takes over when ops fails
        unsigned generation = 0;               // fork generation of the state
        const char *failure = nullptr;         // set by poller_failed()
        int failure_errno = 0;
    } poller;

    // Wakes the loop from signal handlers and other threads.
    tevent_fd *wakeup_fde = nullptr;
    // Atomic: the async signal handler reads it while teardown clears it.
    std::atomic<int> wakeup_fd{-1};

    struct {
        enum tevent_debug_level max_level = TEVENT_DEBUG_FATAL;
        tevent_debug_fn debug = nullptr;
        void *context = nullptr;
    } debug_ops;

    struct {
        bool allowed = false;
        uint32_t level = 0;
        tevent_nesting_hook hook_fn = nullptr;
        void *hook_private = nullptr;
    } nesting;

    struct {
        tev::TraceSlot<tevent_trace_callback_t> point;
        tev::TraceSlot<tevent_trace_fd_callback_t> fde;
        tev::TraceSlot<tevent_trace_signal_callback_t> se;
        tev::TraceSlot<tevent_trace_timer_callback_t> te;
        tev::TraceSlot<tevent_trace_immediate_callback_t> im;
        tev::TraceSlot<tevent_trace_queue_callback_t> qe;
    } tracing;

    struct {
        tev::List<tevent_wrapper_glue> list; // wrappers of this main ev
        tevent_wrapper_glue *glue = nullptr; // set when this is a wrapper
    } wrapper;

    struct timeval wait_timeout = {30, 0};
    int wait_timeout_msec = 30000; // the same as a poll(2) timeout

    tev::LoopFrame *loop_frames = nullptr; // innermost running loop call

    // Process-wide list of contexts, for fork handling.
    tevent_context *prev = nullptr, *next = nullptr;
};

namespace tev
{

// Registers a frame on ev for the lifetime of a scope.  Whatever looks at
// ev again after running a handler holds one.
class FrameScope
{
  public:
    explicit FrameScope(tevent_context *ev) : ev_(ev)
    {
        frame_.outer = ev->loop_frames;
        ev->loop_frames = &frame_;
    }
    ~FrameScope()
    {
        if (!frame_.ev_freed) {
            ev_->loop_frames = frame_.outer;
        }
    }
    FrameScope(const FrameScope &) = delete;
    FrameScope &operator=(const FrameScope &) = delete;

    // True once a handler freed the context: it must not be touched.
    bool ev_freed() const { return frame_.ev_freed; }

  private:
    tevent_context *ev_;
    LoopFrame frame_;
};

tevent_context *context_init_ops(TALLOC_CTX *mem_ctx, const tevent_ops *ops,
                                 void *additional_data);
tevent_context *context_init_byname(TALLOC_CTX *mem_ctx, const char *name);
int context_destructor(tevent_context *ev);
int re_initialise(tevent_context *ev);
uint32_t set_wait_timeout(tevent_context *ev, uint32_t secs);

// pid cached by the fork handlers; registers them on first use.
pid_t cached_getpid();

// tevent_context_set_wait_timeout(0) is stored as {0, INT32_MAX}, which
// common_loop_timer_delay() hands on as "do not block".
inline bool no_timeout(const struct timeval *tv)
{
    return tv->tv_sec == 0 && tv->tv_usec == INT32_MAX;
}

// A delay from common_loop_timer_delay() as a poll(2)/epoll_wait(2)
// timeout: milliseconds rounded up, -1 for no limit, 0 for no wait.
inline int timeout_msec(const struct timeval *tv)
{
    if (tv->tv_sec == INT32_MAX) {
        return -1;
    }
    if (tv->tv_usec == 0) {
        return static_cast<int>(tv->tv_sec * 1000);
    }
    if (no_timeout(tv)) {
        return 0;
    }
    return static_cast<int>((tv->tv_usec + 999) / 1000 + tv->tv_sec * 1000);
}

// tevent_add_timer(): through the context's backend (or wrapper) ops.  It
// lives here rather than in timer.hpp, which the context layout includes.
inline tevent_timer *add_timer(tevent_context *ev, TALLOC_CTX *mem_ctx,
                               struct timeval next_event,
                               tevent_timer_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location)
{
    return ev->ops->add_timer(ev, mem_ctx, next_event, handler, private_data,
                              handler_name, location);
}

} // namespace tev
