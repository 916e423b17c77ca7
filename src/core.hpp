// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The C++ core of tevent-cxx: the real layout of every object that the C API
// only knows as an opaque struct, and the small helpers every file uses.
// Each concept declares its functions in its own header (fd.hpp, ...).
// Nothing here is exported; the C entry points live in src/capi/ and only
// convert and forward.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <pthread.h>
#include <sys/time.h>

#include "tevent_internal.h"

struct tevent_wrapper_glue;

namespace tev
{

// ---------------------------------------------------------------------------
// Small building blocks

// A doubly linked list threaded through T::prev / T::next.  Unlike a
// std::list it never allocates, so unlinking from a talloc destructor is
// always safe.
template <class T> struct List {
    T *head = nullptr;
    T *tail = nullptr;

    bool empty() const { return head == nullptr; }

    void push_front(T *n)
    {
        n->prev = nullptr;
        n->next = head;
        if (head != nullptr) {
            head->prev = n;
        } else {
            tail = n;
        }
        head = n;
    }

    void push_back(T *n)
    {
        n->next = nullptr;
        n->prev = tail;
        if (tail != nullptr) {
            tail->next = n;
        } else {
            head = n;
        }
        tail = n;
    }

    void remove(T *n)
    {
        if (n->prev != nullptr) {
            n->prev->next = n->next;
        } else {
            head = n->next;
        }
        if (n->next != nullptr) {
            n->next->prev = n->prev;
        } else {
            tail = n->prev;
        }
        n->prev = n->next = nullptr;
    }
};

// Allocates a talloc chunk named `name` and constructs a T in it.  The
// object is value-initialised, so every member without an initialiser is
// zero, as upstream's talloc_zero() objects are.
template <class T> T *make(const void *parent, const char *name)
{
    void *mem = talloc_named_const(parent, sizeof(T), name);
    if (mem == nullptr) {
        return nullptr;
    }
    return new (mem) T{};
}

// The user tag of any event object; NULL-safe as the API promises.
template <class T> void set_tag(T *obj, uint64_t tag)
{
    if (obj != nullptr) {
        obj->tag = tag;
    }
}

template <class T> uint64_t get_tag(const T *obj)
{
    return obj != nullptr ? obj->tag : 0;
}

// Minimal RAII lock for pthread mutexes (no libstdc++ at run time).
class MutexLock
{
  public:
    // A failing lock means a destroyed or corrupt mutex: stop, as upstream.
    explicit MutexLock(pthread_mutex_t *m) : m_(m)
    {
        if (pthread_mutex_lock(m_) != 0) {
            abort();
        }
    }
    ~MutexLock()
    {
        if (pthread_mutex_unlock(m_) != 0) {
            abort();
        }
    }
    MutexLock(const MutexLock &) = delete;
    MutexLock &operator=(const MutexLock &) = delete;

  private:
    pthread_mutex_t *m_;
};

// The pending timers of a context (timer_queue.cpp).  Zero timers added
// through the shortcut wait in a FIFO; a timer whose deadline is not before
// the sorted run's last one is appended to that run; the others go into a
// binary min-heap.
enum TimerPlace : uint32_t {
    timer_unqueued = 0,
    timer_in_zero = 1,
    timer_in_run = 2,
    timer_in_heap = 3,
};

struct TimerList {
    tevent_timer *head = nullptr;
    tevent_timer *tail = nullptr;
};

struct TimerHeap {
    tevent_timer **slots = nullptr; // malloc()ed, freed at context teardown
    uint32_t count = 0;
    uint32_t capacity = 0;
    uint64_t seq = 0; // insertion order among equal deadlines
    // The latest deadline pushed since the heap was last empty.
    struct timeval high = {0, 0};
};

// What the timers added at one place share (timer_sites.cpp).  Pending
// timers hold references; unused sites are reclaimed lazily.
struct TimerSite {
    tevent_timer_handler_t handler;
    const char *handler_name;
    const char *location;
    tevent_wrapper_glue *wrapper;
    uint32_t refs;
    uint32_t chain; // next site + 1 in the hash bucket or the free list
};

struct TimerSites {
    TimerSite *v = nullptr;      // malloc()ed
    uint32_t *buckets = nullptr; // malloc()ed, `capacity` of them
    uint32_t count = 0;          // sites handed out, free ones included
    uint32_t capacity = 0;
    uint32_t free = 0;              // first free site + 1
    uint32_t last = 0;              // index of last_site
    TimerSite *last_site = nullptr; // the most recently used site
};

struct TimerQueue {
    TimerList zero;
    TimerList run;
    TimerHeap heap;
    TimerSites sites;
    // Counts teardowns (tevent_re_initialise may run inside a handler): a
    // running timer's site belongs to the table of its epoch only.
    uint32_t epoch = 0;
};

// A loop call or handler dispatch running on a context (nested ones chain,
// innermost first).  A handler may free the context: its destructor flags
// every frame so that the callers return without touching it again.
struct LoopFrame {
    LoopFrame *outer = nullptr;
    bool ev_freed = false;
};

} // namespace tev

// ---------------------------------------------------------------------------
// The event objects.  Field meanings follow upstream's observable behaviour:
// `busy` is set while the object's handler runs; `destroyed` once its
// talloc destructor ran, which while `busy` keeps the memory until the
// handler returns (and makes a second explicit free detectable).

// talloc names compared on hot paths: one object, so that talloc's name
// check succeeds on the pointer comparison.
namespace tev
{
inline constexpr char fd_type_name[] = "struct tevent_fd";
} // namespace tev

struct tevent_fd {
    tevent_fd *prev = nullptr, *next = nullptr;
    tevent_context *event_ctx = nullptr;
    tevent_wrapper_glue *wrapper = nullptr;
    bool busy = false;
    bool destroyed = false;
    int fd = -1;
    uint16_t flags = 0;
    tevent_fd_handler_t handler = nullptr;
    tevent_fd_close_fn_t close_fn = nullptr;
    void *private_data = nullptr;
    const char *handler_name = nullptr;
    const char *location = nullptr;
    // Private to the backend (poll: array index; epoll: state bits).
    uint64_t additional_flags = 0;
    uint64_t tag = 0;
    // Several fdes on one fd share one kernel registration (epoll).  The
    // primary fde carries the list of the others and the union of flags.
    struct Mpx {
        tevent_fd *primary = nullptr;               // set on secondaries only
        tevent_fd *prev = nullptr, *next = nullptr; // in primary's list
        tevent_fd *list = nullptr;                  // on the primary
        uint16_t total_flags = 0;
        bool has_mpx = false;
    } mpx;
};

// 56 bytes, so that with talloc's header it fills a 160-byte malloc chunk:
// the handler, its names and the wrapper live in the context's TimerSites,
// tv_usec takes 32 bits unless it is `wide`.
struct tevent_timer {
    tevent_context *event_ctx = nullptr; // nullptr once detached
    // Where it waits (`place`): linked in the zero FIFO or the sorted run,
    // or at `index` in the heap.  While its handler runs (unqueued), its
    // name, for when the context and its site table go away meanwhile.
    union {
        struct {
            tevent_timer *prev;
            tevent_timer *next;
        } link;
        struct {
            uint64_t seq;
            uint32_t index;
            int32_t usec_hi; // upper half of a wide tv_usec
        } heap;
        struct {
            const char *handler_name;
        } running;
    } pos = {};
    void *private_data = nullptr;
    uint64_t tag = 0;
    time_t tv_sec = 0;      // the deadline, exactly as given
    int32_t usec_lo = 0;    // tv_usec, or its lower half when `wide`
    uint32_t site : 24 = 0; // index in event_ctx->timers.sites
    uint32_t place : 2 = tev::timer_unqueued;
    uint32_t wide : 1 = 0; // tv_usec needs 64 bits: only ever in the heap
    uint32_t busy : 1 = 0;
    uint32_t destroyed : 1 = 0;
};
static_assert(sizeof(tevent_timer) == 56);

struct tevent_immediate {
    tevent_immediate *prev = nullptr, *next = nullptr;
    tevent_context *event_ctx = nullptr;
    tevent_wrapper_glue *wrapper = nullptr;
    bool busy = false;
    bool destroyed = false;
    tevent_context *detach_ev_ctx = nullptr;
    tevent_immediate_handler_t handler = nullptr;
    void *private_data = nullptr;
    const char *handler_name = nullptr;
    const char *create_location = nullptr;
    const char *schedule_location = nullptr;
    uint64_t tag = 0;
};

struct tevent_signal {
    tevent_signal *prev = nullptr, *next = nullptr;
    tevent_context *event_ctx = nullptr;
    tevent_wrapper_glue *wrapper = nullptr;
    bool busy = false;
    bool destroyed = false;
    int signum = 0;
    int sa_flags = 0;
    tevent_signal_handler_t handler = nullptr;
    void *private_data = nullptr;
    const char *handler_name = nullptr;
    const char *location = nullptr;
    void *additional_data = nullptr; // its node in the process-wide table
    uint64_t tag = 0;
};

struct tevent_threaded_context {
    tevent_threaded_context *prev = nullptr, *next = nullptr;
    pthread_mutex_t event_ctx_mutex;
    tevent_context *event_ctx = nullptr;
};

struct tevent_wrapper_glue {
    tevent_wrapper_glue *prev = nullptr, *next = nullptr;
    tevent_context *wrap_ev = nullptr;
    tevent_context *main_ev = nullptr;
    bool busy = false;
    bool destroyed = false;
    const tevent_wrapper_ops *ops = nullptr;
    void *private_state = nullptr;
};

template <class Cb> struct TraceSlot {
    Cb callback = nullptr;
    void *private_data = nullptr;
};

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
    // Set by a backend that groups fdes (epoll): takes an fde that is
    // disarmed while the context lives on out of its group (fd_disarm()).
    void (*fd_disarm_hook)(tevent_fd *fde) = nullptr;
    void *std_glue = nullptr; // the "standard" backend's per-context state

    // Wakes the loop from signal handlers and other threads.
    tevent_fd *wakeup_fde = nullptr;
    int wakeup_fd = -1;

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
        TraceSlot<tevent_trace_callback_t> point;
        TraceSlot<tevent_trace_fd_callback_t> fde;
        TraceSlot<tevent_trace_signal_callback_t> se;
        TraceSlot<tevent_trace_timer_callback_t> te;
        TraceSlot<tevent_trace_immediate_callback_t> im;
        TraceSlot<tevent_trace_queue_callback_t> qe;
    } tracing;

    struct {
        tev::List<tevent_wrapper_glue> list; // wrappers of this main ev
        tevent_wrapper_glue *glue = nullptr; // set when this is a wrapper
    } wrapper;

    struct timeval wait_timeout = {30, 0};

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

// Debug messages below the context's max level cost one comparison.
inline bool debug_enabled(const tevent_context *ev, tevent_debug_level level)
{
    return ev != nullptr && level <= ev->debug_ops.max_level;
}

#define TEV_DEBUG(ev, level, ...)                                              \
    do {                                                                       \
        if (tev::debug_enabled((ev), (level))) {                               \
            tev::debug((ev), (level), __VA_ARGS__);                            \
        }                                                                      \
    } while (0)

} // namespace tev

// upstream's __location__: "file:line" of the call site.
#define TEV_STRINGIFY2(x) #x
#define TEV_STRINGIFY(x) TEV_STRINGIFY2(x)
// __FILE_NAME__ keeps the build directory out of the library.
#define TEV_LOCATION __FILE_NAME__ ":" TEV_STRINGIFY(__LINE__)

// Exported symbols are marked explicitly; everything else is hidden.
#define TEVENT_EXPORT extern "C" __attribute__((visibility("default")))
