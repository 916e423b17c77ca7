/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * tevent-cxx: public header
 *
 * Copyright (C) the tevent-cxx authors
 *
 * This is the public header of tevent-cxx, a reimplementation in C++ of
 * the C API of Samba's tevent event loop library (version 0.17.2). The
 * declarations, macros, types and structure layouts below keep tevent's
 * C API and ABI unchanged, so programs written for tevent build and run
 * against tevent-cxx without modification. The header can be used from
 * both C and C++ translation units.
 *
 * This library is free software: you can redistribute it and/or modify it
 * under the terms of the GNU Lesser General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or (at
 * your option) any later version.
 */

/**
 * @file tevent.h
 * @brief The tevent API: event contexts, fd, timer, immediate and signal
 * events, asynchronous requests and request queues.
 *
 * Include it as `#include <tevent.h>` and build with
 * `pkg-config --cflags --libs tevent`. It includes `talloc.h`,
 * `stdint.h`, `stdbool.h`, `sys/time.h` and `sys/types.h` itself.
 *
 * The rules below hold for every function unless its own documentation
 * says otherwise.
 *
 * - **Memory.** Every object tevent hands out is a talloc chunk. A
 *   function that creates one takes its talloc parent as the `mem_ctx`
 *   argument; the object lives until it or an ancestor is freed with
 *   talloc_free(). Freeing an event removes it from its context. The
 *   objects carry tevent's talloc type names (`"struct tevent_fd"` and
 *   so on), so talloc_get_type_abort() works on them.
 * - **Strings.** Handler names, source locations and the other
 *   `const char *` arguments are stored by pointer, not copied: pass
 *   string literals, as the macros do. Functions that copy a string say
 *   so.
 * - **Handlers.** Every function may be called from inside a handler,
 *   callback or trigger that tevent runs, including handlers of the same
 *   context, and an event may be freed from inside its own handler. The
 *   exceptions are the functions that run a loop (tevent_loop_once(),
 *   tevent_loop_wait(), tevent_loop_until(), tevent_req_poll()): entered
 *   from inside a handler of the same context they abort, unless
 *   tevent_loop_allow_nesting() was called.
 * - **Threads.** A context and everything attached to it belong to one
 *   thread at a time; different threads may run contexts of their own.
 *   Only tevent_threaded_schedule_immediate() and
 *   tevent_thread_proxy_schedule() may be called on behalf of another
 *   thread's context. Functions that use no context (the timeval
 *   helpers, tevent_cached_getpid()) may be called from any thread.
 * - **Errors.** A function sets errno only where its documentation says
 *   so. "Aborts" means that tevent logs the reason at
 *   #TEVENT_DEBUG_FATAL and calls the function installed with
 *   tevent_set_abort_fn(), or abort() if there is none; if that function
 *   returns, the caller continues as documented. A "hard abort" calls
 *   abort() directly.
 * - **Versions.** "Since" names the first tevent release that had the
 *   function, macro or type. 0.9.9 is the oldest release with versioned
 *   symbols, so what is marked 0.9.9 may be older.
 *
 * Two parts of the header are optional. Define `TEVENT_DEPRECATED` before
 * including it to declare the deprecated interfaces (nested loops,
 * wrapper contexts, the old call-depth functions); they carry the
 * `deprecated` attribute unless the includer defines `_DEPRECATED_`
 * itself. Define `TEVENT_COMPAT_DEFINES` to get the old `event_*` names.
 * The library exports every function either way.
 */

#ifndef __TEVENT_H__
#define __TEVENT_H__

#include <stdint.h>
#include <talloc.h>
#include <sys/time.h>
#include <sys/types.h>
#include <stdbool.h>

/** @cond TEVENT_HEADER_HELPERS */

/* Compilers without the __has_attribute feature test: assume "no". */
#ifndef __has_attribute
#define __has_attribute(x) 0
#endif

/*
 * Declarations guarded by TEVENT_DEPRECATED are tagged with _DEPRECATED_
 * unless the includer already provides its own definition.
 */
#ifdef TEVENT_DEPRECATED
#ifndef _DEPRECATED_
#if __has_attribute(deprecated) || (__GNUC__ >= 3)
/* clang-format off */
#define _DEPRECATED_ __attribute__ ((deprecated))
/* clang-format on */
#else
#define _DEPRECATED_
#endif
#endif
#endif

/** @endcond */

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Opaque object types
 * ------------------------------------------------------------------- */

/**
 * @struct tevent_context
 * An event context: a set of events and the backend that waits for them.
 *
 * Created by tevent_context_init() and its variants, freed with
 * talloc_free(). A wrapper context (tevent_context_wrapper_create()) has
 * the same type. The layout is private to the library.
 * @ingroup tevent_context
 * @since 0.9.9
 */
struct tevent_context;
struct tevent_ops;
/**
 * @struct tevent_fd
 * An fd event: a file descriptor watched by a context.
 *
 * Created by tevent_add_fd(), freed with talloc_free().
 * @ingroup tevent_fd
 * @since 0.9.9
 */
struct tevent_fd;
/**
 * @struct tevent_timer
 * A timer: a handler that runs once at a given time.
 *
 * Created by tevent_add_timer(); freed by tevent after its handler ran,
 * or earlier with talloc_free() to cancel it.
 * @ingroup tevent_timer
 * @since 0.9.9
 */
struct tevent_timer;
/**
 * @struct tevent_immediate
 * An immediate event: a handler that runs in a later loop iteration.
 *
 * Created by tevent_create_immediate(), scheduled any number of times
 * with tevent_schedule_immediate(), freed with talloc_free().
 * @ingroup tevent_immediate
 * @since 0.9.9
 */
struct tevent_immediate;
/**
 * @struct tevent_signal
 * A signal event: a handler run from the loop when a signal arrived.
 *
 * Created by tevent_add_signal(), freed with talloc_free().
 * @ingroup tevent_signal
 * @since 0.9.9
 */
struct tevent_signal;
/**
 * @struct tevent_thread_proxy
 * A channel through which other threads hand immediates to a context.
 *
 * Created by tevent_thread_proxy_create().
 * @ingroup tevent_threads
 * @since 0.9.26
 */
struct tevent_thread_proxy;
/**
 * @struct tevent_threaded_context
 * A handle through which other threads schedule immediates on a context.
 *
 * Created by tevent_threaded_context_create().
 * @ingroup tevent_threads
 * @since 0.9.30
 */
struct tevent_threaded_context;
/**
 * @struct tevent_req
 * An asynchronous request: a piece of work that finishes later and then
 * calls its callback.
 *
 * Created by tevent_req_create(), freed with talloc_free().
 * @ingroup tevent_req
 * @since 0.9.9
 */
struct tevent_req;
/**
 * @struct tevent_req_profile
 * The recorded timing and outcome of a request and of its sub-requests.
 *
 * Recorded with tevent_req_set_profile() or built by hand with
 * tevent_req_profile_create().
 * @ingroup tevent_req_profile
 * @since 0.9.37
 */
struct tevent_req_profile;
/**
 * @struct tevent_queue
 * A queue that lets requests use a resource one at a time.
 *
 * Created by tevent_queue_create(), freed with talloc_free().
 * @ingroup tevent_queue
 * @since 0.9.9
 */
struct tevent_queue;
/**
 * @struct tevent_queue_entry
 * The place of one request in a tevent_queue.
 *
 * Created by the tevent_queue_add() family as a talloc child of the
 * request; freeing it takes the request out of the queue.
 * @ingroup tevent_queue
 * @since 0.9.14
 */
struct tevent_queue_entry;

/* ---------------------------------------------------------------------
 * Event handler callback types
 * ------------------------------------------------------------------- */

/**
 * Handler of an fd event, called when the descriptor is ready.
 *
 * It runs from the loop of the context the event was added to, once per
 * readiness, until the event is freed or its flags are cleared. It may
 * free @p fde: the event is removed at once and its memory released when
 * the handler returns.
 *
 * @param ev the context the event was added through (a wrapper context
 *        if it was added through one)
 * @param fde the fd event
 * @param flags the events that are ready, out of those the event asked
 *        for: #TEVENT_FD_READ, #TEVENT_FD_WRITE, #TEVENT_FD_ERROR
 * @param private_data the pointer given to tevent_add_fd()
 * @ingroup tevent_fd
 * @since 0.9.9
 */
typedef void (*tevent_fd_handler_t)(struct tevent_context *ev,
                                    struct tevent_fd *fde, uint16_t flags,
                                    void *private_data);

/**
 * Close function of an fd event, called when the event is freed.
 *
 * Installed with tevent_fd_set_close_fn(); tevent_fd_set_auto_close()
 * installs one that calls close(). It runs from the event's talloc
 * destructor after the descriptor was taken out of the backend, also
 * when the context was freed first. Wrapper contexts do not wrap it.
 *
 * @param ev the context of the event, or NULL if the context is gone
 * @param fde the fd event being freed
 * @param fd its file descriptor
 * @param private_data the pointer given to tevent_add_fd()
 * @ingroup tevent_fd
 * @since 0.9.9
 */
typedef void (*tevent_fd_close_fn_t)(struct tevent_context *ev,
                                     struct tevent_fd *fde, int fd,
                                     void *private_data);

/**
 * Handler of a timer, called once when its time has come.
 *
 * Timers are one-shot: tevent frees the timer right after the handler
 * returns. Clear any pointer you keep to it inside the handler and do
 * not free it afterwards; freeing it inside the handler is allowed. For
 * a new deadline add a new timer: tevent_update_timer() must not be
 * used on @p te here.
 *
 * @param ev the context the timer was added through (a wrapper context
 *        if it was added through one)
 * @param te the timer
 * @param current_time the time read just before the handler was called;
 *        the zero time for a timer whose deadline was the zero time
 * @param private_data the pointer given to tevent_add_timer()
 * @ingroup tevent_timer
 * @since 0.9.9
 */
typedef void (*tevent_timer_handler_t)(struct tevent_context *ev,
                                       struct tevent_timer *te,
                                       struct timeval current_time,
                                       void *private_data);

/**
 * Handler of an immediate event.
 *
 * When it runs, the immediate is no longer scheduled. The handler may
 * schedule it again (it then runs after the immediates already pending),
 * free it, or keep it for later; tevent does not free it (except for
 * immediates handed over through tevent_thread_proxy_schedule()).
 *
 * @param ctx the context the immediate was scheduled on (a wrapper
 *        context if it was scheduled through one)
 * @param im the immediate event
 * @param private_data the pointer given when it was scheduled
 * @ingroup tevent_immediate
 * @since 0.9.9
 */
typedef void (*tevent_immediate_handler_t)(struct tevent_context *ctx,
                                           struct tevent_immediate *im,
                                           void *private_data);

/**
 * Handler of a signal event, called from the loop after the signal
 * arrived.
 *
 * It runs from tevent_loop_once(), not from the asynchronous signal
 * handler, so it may call any function. Without `SA_SIGINFO` it is
 * called once for all deliveries since its last call; with `SA_SIGINFO`
 * once per delivery. It may free @p se.
 *
 * @param ev the context the event was added through (a wrapper context
 *        if it was added through one)
 * @param se the signal event
 * @param signum the signal number
 * @param count the number of deliveries this call reports (always 1
 *        with `SA_SIGINFO`)
 * @param siginfo with `SA_SIGINFO`, a `siginfo_t *` describing the
 *        delivery, valid during the call; otherwise NULL
 * @param private_data the pointer given to tevent_add_signal()
 * @ingroup tevent_signal
 * @since 0.9.9
 */
typedef void (*tevent_signal_handler_t)(struct tevent_context *ev,
                                        struct tevent_signal *se, int signum,
                                        int count, void *siginfo,
                                        void *private_data);

/* ---------------------------------------------------------------------
 * Event contexts and backends
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_context Event contexts
 * Creating event contexts, choosing their backend, and what happens
 * across fork().
 *
 * An event context holds fd events, timers, immediate and signal events
 * and runs their handlers from its loop (see @ref tevent_loop). A
 * backend is the part that waits for the events: the built-in ones are
 * "standard" (the default: epoll, falling back to poll for good when
 * epoll fails), "epoll", "poll" and "poll_mt" (poll that is woken up
 * when another thread changes the context under a lock of its own, for
 * instance released at #TEVENT_TRACE_BEFORE_WAIT and taken again at
 * #TEVENT_TRACE_AFTER_WAIT).
 * @{
 */

/**
 * Creates an event context with the default backend.
 *
 * The default backend is "standard" unless tevent_set_default_backend()
 * chose another one. Same as tevent_context_init_byname() with a NULL
 * name.
 *
 * The context is a talloc child of @p mem_ctx. Freeing it detaches all
 * its events: events allocated on the context are freed with it, events
 * on other parents stay allocated but never run again. A context may be
 * freed from inside one of its own handlers; the loop function that ran
 * the handler then returns without touching it.
 *
 * @param mem_ctx talloc parent of the context (may be NULL)
 * @return the new context, or NULL if memory ran out or the backend
 *         could not be started
 * @since 0.9.9
 */
struct tevent_context *tevent_context_init(TALLOC_CTX *mem_ctx);

/**
 * Creates an event context with the named backend.
 *
 * Ownership as for tevent_context_init(). Backends added with
 * tevent_register_backend() can be chosen as well as the built-in ones.
 *
 * @param mem_ctx talloc parent of the context (may be NULL)
 * @param name backend name, or NULL for the default backend
 * @return the new context, or NULL if @p name is not registered, memory
 *         ran out or the backend could not be started
 * @since 0.9.9
 */
struct tevent_context *tevent_context_init_byname(TALLOC_CTX *mem_ctx,
                                                  const char *name);

/**
 * Creates an event context driven by the given backend operations.
 *
 * For backends that are not registered under a name. The context starts
 * with a wait timeout of 30 seconds, then `ops->context_init` runs; if it
 * fails, the context is freed again. Ownership as for
 * tevent_context_init().
 *
 * @param mem_ctx talloc parent of the context (may be NULL)
 * @param ops the backend; kept by pointer, so it must outlive the
 *        context
 * @param additional_data private data for the backend. The built-in
 *        backends talloc_free() it and install their own, so pass NULL
 *        with them.
 * @return the new context, or NULL if memory ran out or
 *         `ops->context_init` failed
 * @since 0.9.16
 */
struct tevent_context *tevent_context_init_ops(TALLOC_CTX *mem_ctx,
                                               const struct tevent_ops *ops,
                                               void *additional_data);

/**
 * Lists the names of all registered backends.
 *
 * The most recently registered backend comes first; the built-in ones
 * appear as "standard", "epoll", "poll_mt", "poll".
 *
 * @param mem_ctx talloc parent of the returned array
 * @return a NULL-terminated talloc array of copied names (children of the
 *         array, freed with it), or NULL if memory ran out
 * @since 0.9.9
 */
const char **tevent_backend_list(TALLOC_CTX *mem_ctx);

/**
 * Chooses the backend used when no backend name is given.
 *
 * Affects tevent_context_init() and a NULL name in
 * tevent_context_init_byname() process-wide. The name is copied but not
 * checked: with an unknown name those calls fail.
 *
 * @param backend backend name, or NULL to return to "standard"
 * @since 0.9.9
 */
void tevent_set_default_backend(const char *backend);

/**
 * Sets how long the loop may block while no timer is pending.
 *
 * The limit applies only while the context has no timers; otherwise the
 * loop waits until the earliest timer is due. 0 means "never block":
 * tevent_loop_once() then returns -1 with errno `EAGAIN` when nothing
 * was ready (even if a timer is pending), which also ends
 * tevent_loop_wait(). Values of `INT32_MAX` and above mean "no limit".
 *
 * @param ev the context
 * @param secs the new limit in seconds (initially 30)
 * @return the previous limit in seconds
 * @since 0.17.0
 */
uint32_t tevent_context_set_wait_timeout(struct tevent_context *ev,
                                         uint32_t secs);

/** @} */

/* ---------------------------------------------------------------------
 * File descriptor events
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_fd File descriptor events
 * Running a handler when a file descriptor is readable, writable or in
 * an error state.
 * @{
 */

/**
 * Function behind the tevent_add_fd() macro; call the macro instead.
 *
 * @param ev,mem_ctx,fd,flags,handler,private_data see tevent_add_fd()
 * @param handler_name name of the handler for debug and trace output
 *        (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_add_fd()
 * @since 0.9.9
 */
struct tevent_fd *_tevent_add_fd(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                                 int fd, uint16_t flags,
                                 tevent_fd_handler_t handler,
                                 void *private_data, const char *handler_name,
                                 const char *location);
/**
 * Watches a file descriptor for readability, writability or errors.
 *
 * @p handler runs from the loop of @p ev whenever the descriptor is ready
 * for one of the events in @p flags, until the event is freed or its
 * flags are cleared. One loop iteration runs at most one fd handler;
 * several fd events on the same descriptor are allowed and take turns.
 *
 * Errors and hang-ups are reported as #TEVENT_FD_READ to an event that
 * asks for #TEVENT_FD_READ, and as #TEVENT_FD_ERROR to one that asks for
 * #TEVENT_FD_ERROR. An event that asks only for #TEVENT_FD_WRITE does not
 * see them; tevent may clear its #TEVENT_FD_WRITE flag instead. If the
 * descriptor turns out to be closed, the event is disabled for good (its
 * flags read as 0) and an error is logged.
 *
 * The event is a talloc child of @p mem_ctx, or of @p ev if @p mem_ctx
 * is NULL. Freeing it ends the watch; the descriptor is closed only if
 * tevent_fd_set_close_fn() or tevent_fd_set_auto_close() asked for it.
 *
 * @param ev the context (or a wrapper context)
 * @param mem_ctx talloc parent of the event, or NULL for @p ev
 * @param fd the descriptor; tevent does not change its file status flags,
 *        so make it non-blocking yourself if needed
 * @param flags #TEVENT_FD_READ, #TEVENT_FD_WRITE and #TEVENT_FD_ERROR
 *        or'ed together; 0 adds an inactive event
 * @param handler called on readiness, see tevent_fd_handler_t
 * @param private_data passed to @p handler
 * @return the new fd event; NULL if @p fd is negative (errno untouched)
 *         or memory ran out, or NULL with errno `EINVAL` when @p ev is a
 *         wrapper context whose main context was freed
 * @since 0.9.9
 */
#define tevent_add_fd(ev, mem_ctx, fd, flags, handler, private_data)           \
    _tevent_add_fd(ev, mem_ctx, fd, flags, handler, private_data, #handler,    \
                   __location__)

/**
 * Stores a number of the caller's choice in an fd event.
 *
 * tevent only keeps it; trace callbacks can use it to recognise the
 * event. A new event's tag is 0.
 *
 * @param fde the fd event; NULL is ignored
 * @param tag the value to store
 * @since 0.11.0
 */
void tevent_fd_set_tag(struct tevent_fd *fde, uint64_t tag);
/**
 * Returns the number stored with tevent_fd_set_tag().
 *
 * @param fde the fd event, or NULL
 * @return the tag; 0 if none was set or @p fde is NULL
 * @since 0.11.0
 */
uint64_t tevent_fd_get_tag(const struct tevent_fd *fde);

/** @} */

/* ---------------------------------------------------------------------
 * Timer events
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_timer Timers
 * Running a handler once at a given time.
 *
 * Deadlines are absolute `struct timeval` values of the wall clock
 * (gettimeofday()); see @ref tevent_timeval for the helpers that make
 * them.
 * @{
 */

/**
 * Function behind the tevent_add_timer() macro; call the macro instead.
 *
 * @param ev,mem_ctx,next_event,handler,private_data see tevent_add_timer()
 * @param handler_name name of the handler for debug and trace output
 *        (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_add_timer()
 * @since 0.9.9
 */
struct tevent_timer *
_tevent_add_timer(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                  struct timeval next_event, tevent_timer_handler_t handler,
                  void *private_data, const char *handler_name,
                  const char *location);
/**
 * Runs a handler once at a given time.
 *
 * A deadline in the past makes the timer due at once. Due timers run one
 * per loop iteration, earliest deadline first and, for equal deadlines,
 * in the order they were added; immediate events and signals go first.
 * The zero time (tevent_timeval_zero()) as deadline is due at once
 * without reading the clock.
 *
 * The timer is a talloc child of @p mem_ctx, or of @p ev if @p mem_ctx
 * is NULL. Freeing it before it ran cancels it. After its handler
 * returned, tevent frees it (see tevent_timer_handler_t).
 *
 * @param ev the context (or a wrapper context)
 * @param mem_ctx talloc parent of the timer, or NULL for @p ev
 * @param next_event the absolute deadline, for instance from
 *        tevent_timeval_current_ofs()
 * @param handler called when the deadline has passed, see
 *        tevent_timer_handler_t
 * @param private_data passed to @p handler
 * @return the timer; NULL if memory ran out, or NULL with errno `EINVAL`
 *         when @p ev is a wrapper context whose main context was freed
 * @since 0.9.9
 */
#define tevent_add_timer(ev, mem_ctx, next_event, handler, private_data)       \
    _tevent_add_timer(ev, mem_ctx, next_event, handler, private_data,          \
                      #handler, __location__)

/**
 * Moves a pending timer to a new deadline.
 *
 * The timer then runs after the timers that already have the same
 * deadline. Only for a timer that is still pending: not inside its own
 * handler (the timer is freed when the handler returns), and not after
 * its context was freed.
 *
 * @param te the pending timer
 * @param next_event the new absolute deadline
 * @since 0.9.31
 */
void tevent_update_timer(struct tevent_timer *te, struct timeval next_event);

/**
 * Stores a number of the caller's choice in a timer.
 *
 * tevent only keeps it; trace callbacks can use it to recognise the
 * timer. A new timer's tag is 0.
 *
 * @param te the timer; NULL is ignored
 * @param tag the value to store
 * @since 0.11.0
 */
void tevent_timer_set_tag(struct tevent_timer *te, uint64_t tag);
/**
 * Returns the number stored with tevent_timer_set_tag().
 *
 * @param te the timer, or NULL
 * @return the tag; 0 if none was set or @p te is NULL
 * @since 0.11.0
 */
uint64_t tevent_timer_get_tag(const struct tevent_timer *te);

/** @} */

/* ---------------------------------------------------------------------
 * Immediate events
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_immediate Immediate events
 * Running a handler in a later loop iteration, without waiting.
 *
 * An immediate is allocated once and can be scheduled again and again.
 * Scheduled immediates run one per loop iteration in the order they were
 * scheduled, after pending signals and before timers and fd events, so
 * an immediate that keeps rescheduling itself delays everything else.
 * @{
 */

/**
 * Function behind the tevent_create_immediate() macro; call the macro
 * instead.
 *
 * @param mem_ctx see tevent_create_immediate()
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_create_immediate()
 * @since 0.9.9
 */
struct tevent_immediate *_tevent_create_immediate(TALLOC_CTX *mem_ctx,
                                                  const char *location);
/**
 * Allocates an immediate event, not scheduled yet.
 *
 * The immediate is a talloc child of @p mem_ctx. tevent never frees it;
 * freeing it cancels it if it is scheduled.
 *
 * @param mem_ctx talloc parent of the immediate
 * @return the immediate, or NULL if memory ran out
 * @since 0.9.9
 */
#define tevent_create_immediate(mem_ctx)                                       \
    _tevent_create_immediate(mem_ctx, __location__)

/**
 * Function behind the tevent_schedule_immediate() macro; call the macro
 * instead.
 *
 * @param im,ctx,handler,private_data see tevent_schedule_immediate()
 * @param handler_name name of the handler for debug and trace output
 *        (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @since 0.9.9
 */
void _tevent_schedule_immediate(struct tevent_immediate *im,
                                struct tevent_context *ctx,
                                tevent_immediate_handler_t handler,
                                void *private_data, const char *handler_name,
                                const char *location);
/**
 * Schedules an immediate event to run in a later loop iteration.
 *
 * The handler never runs inside this call. Scheduling an immediate that
 * is already scheduled, on this or another context, cancels the earlier
 * scheduling first. A NULL @p handler only cancels (as
 * tevent_reset_immediate() does).
 *
 * The expansion ends with a semicolon, so the macro cannot be used as an
 * expression or as the only statement of an unbraced `if`/`else`.
 *
 * @param im the immediate, from tevent_create_immediate()
 * @param ctx the context (or a wrapper context; aborts if that wrapper's
 *        main context was freed)
 * @param handler see tevent_immediate_handler_t; NULL to cancel
 * @param private_data passed to @p handler
 * @since 0.9.9
 */
#define tevent_schedule_immediate(im, ctx, handler, private_data)              \
    _tevent_schedule_immediate(im, ctx, handler, private_data, #handler,       \
                               __location__);

/**
 * Cancels a scheduled immediate event.
 *
 * Nothing happens if it is not scheduled. The immediate stays allocated
 * and can be scheduled again. Aborts if @p im was already freed by its
 * own running handler.
 *
 * @param im the immediate
 * @since 0.17.0
 */
void tevent_reset_immediate(struct tevent_immediate *im);

/**
 * Stores a number of the caller's choice in an immediate event.
 *
 * tevent only keeps it, also across scheduling and cancelling; trace
 * callbacks can use it to recognise the immediate. A new immediate's tag
 * is 0.
 *
 * @param im the immediate; NULL is ignored
 * @param tag the value to store
 * @since 0.11.0
 */
void tevent_immediate_set_tag(struct tevent_immediate *im, uint64_t tag);
/**
 * Returns the number stored with tevent_immediate_set_tag().
 *
 * @param fde the immediate (sic: the parameter name is historical), or
 *        NULL
 * @return the tag; 0 if none was set or the immediate is NULL
 * @since 0.11.0
 */
uint64_t tevent_immediate_get_tag(const struct tevent_immediate *fde);

/** @} */

/* ---------------------------------------------------------------------
 * Signal events
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_signal Signal events
 * Running a handler from the loop when a signal arrives.
 *
 * Signal dispositions belong to the process, and so do tevent's signal
 * events: a delivery is reported to every signal event for that signal,
 * on whichever context checks for signals first, including events
 * registered on other contexts. Pending signals are handled before any
 * other event of a loop iteration.
 * @{
 */

/**
 * Function behind the tevent_add_signal() macro; call the macro instead.
 *
 * @param ev,mem_ctx,signum,sa_flags,handler,private_data see
 *        tevent_add_signal()
 * @param handler_name name of the handler for debug and trace output
 *        (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_add_signal()
 * @since 0.9.9
 */
struct tevent_signal *
_tevent_add_signal(struct tevent_context *ev, TALLOC_CTX *mem_ctx, int signum,
                   int sa_flags, tevent_signal_handler_t handler,
                   void *private_data, const char *handler_name,
                   const char *location);
/**
 * Runs a handler from the loop when a signal arrives.
 *
 * The first signal event for a signal number installs tevent's own
 * signal handler with sigaction() and that event's @p sa_flags; freeing
 * the last one restores the previous disposition. The asynchronous
 * handler only counts the delivery and wakes up the loops concerned;
 * @p handler runs later from the loop. With `SA_SIGINFO` it runs once
 * per delivery (up to tevent_sa_info_queue_count() deliveries are kept
 * per signal; beyond that the signal stays blocked until they were
 * handled), without it once for all deliveries since its last call. With
 * `SA_RESETHAND` the event is freed after its handler ran once. If the
 * first event of a signal did not ask for `SA_SIGINFO`, later events that
 * do get a siginfo that carries only `si_signo`.
 *
 * The event is a talloc child of @p mem_ctx, or of @p ev if @p mem_ctx
 * is NULL. Adding the first signal event to a context gives the context
 * an internal wakeup descriptor.
 *
 * @param ev the context (or a wrapper context)
 * @param mem_ctx talloc parent of the event, or NULL for @p ev
 * @param signum the signal number, from 0 to tevent_num_signals() - 1
 * @param sa_flags `SA_*` flags for sigaction(); they install the handler
 *        only for the signal's first event, but `SA_SIGINFO` and
 *        `SA_RESETHAND` always shape how this event's handler is called
 * @param handler see tevent_signal_handler_t
 * @param private_data passed to @p handler
 * @return the signal event; NULL if memory ran out; NULL with errno
 *         `EINVAL` for a signal number out of range or a wrapper context
 *         whose main context was freed; NULL with the errno of
 *         sigaction() or of creating the wakeup descriptor
 * @since 0.9.9
 */
#define tevent_add_signal(ev, mem_ctx, signum, sa_flags, handler,              \
                          private_data)                                        \
    _tevent_add_signal(ev, mem_ctx, signum, sa_flags, handler, private_data,   \
                       #handler, __location__)

/**
 * Stores a number of the caller's choice in a signal event.
 *
 * tevent only keeps it; trace callbacks can use it to recognise the
 * event. A new event's tag is 0.
 *
 * @param se the signal event; NULL is ignored
 * @param tag the value to store
 * @since 0.11.0
 */
void tevent_signal_set_tag(struct tevent_signal *se, uint64_t tag);
/**
 * Returns the number stored with tevent_signal_set_tag().
 *
 * @param se the signal event, or NULL
 * @return the tag; 0 if none was set or @p se is NULL
 * @since 0.11.0
 */
uint64_t tevent_signal_get_tag(const struct tevent_signal *se);

/**
 * Returns how many signal numbers tevent can handle.
 *
 * Signal events can be added for the numbers below this value. It is
 * fixed when the library is built (at least 64, and enough for the real
 * time signals).
 *
 * @return the size of tevent's signal table
 * @since 0.9.20
 */
size_t tevent_num_signals(void);

/**
 * Returns how many `SA_SIGINFO` deliveries tevent keeps per signal.
 *
 * When that many deliveries of one signal wait for their handlers, the
 * signal stays blocked until the loop has handled them.
 *
 * @return the size of the per-signal siginfo queue
 * @since 0.9.20
 */
size_t tevent_sa_info_queue_count(void);

/** @} */

/* ---------------------------------------------------------------------
 * Running the loop
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_loop Running the loop
 * Waiting for events and running their handlers.
 *
 * One call of tevent_loop_once() does one of these, in this order of
 * preference: run the handlers of all pending signals; run one scheduled
 * immediate; run one due timer; wait (at most until the next timer is
 * due, see tevent_context_set_wait_timeout()) and then run one fd
 * handler or one timer that became due. Nothing else happens in that
 * call.
 *
 * The loop functions may not be entered from inside a handler of the
 * same context (nesting): they abort, and if the abort function returns
 * they fail with errno `ELOOP`. tevent_loop_allow_nesting() (deprecated)
 * lifts that rule.
 * @{
 */

/**
 * Function behind the tevent_loop_once() macro; call the macro instead.
 *
 * @param ev see tevent_loop_once()
 * @param location source location of the caller, for the nesting check
 *        and hook (stored by pointer)
 * @return see tevent_loop_once()
 * @since 0.9.9
 */
int _tevent_loop_once(struct tevent_context *ev, const char *location);
/**
 * Runs one iteration of the event loop.
 *
 * It blocks until at least one thing happened (see @ref tevent_loop for
 * what one iteration does), or until the wait timeout passed. Each
 * iteration is reported to the trace callback
 * (#TEVENT_TRACE_BEFORE_LOOP_ONCE, #TEVENT_TRACE_AFTER_LOOP_ONCE).
 *
 * @param ev the context; aborts for a wrapper context
 * @return 0, also when the wait ended without any handler running; -1
 *         with errno `EAGAIN` when the wait timeout is 0 and nothing was
 *         ready; -1 with errno `ELOOP` after a forbidden nested call; -1
 *         when the backend failed; or the nonzero value a nesting hook
 *         returned
 * @since 0.9.9
 */
#define tevent_loop_once(ev) _tevent_loop_once(ev, __location__)

/**
 * Function behind the tevent_loop_wait() macro; call the macro instead.
 *
 * @param ev see tevent_loop_wait()
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_loop_wait()
 * @since 0.9.9
 */
int _tevent_loop_wait(struct tevent_context *ev, const char *location);
/**
 * Runs the event loop as long as there is something to wait for.
 *
 * It calls tevent_loop_once() while the context has a timer, a scheduled
 * immediate, a signal event or an fd event with nonzero flags. So a
 * signal event, or a thread proxy (whose pipe is an fd event), keeps it
 * running for ever; fd events with flags 0 do not.
 *
 * @param ev the context; aborts for a wrapper context
 * @return 0 when no events are left (logged at #TEVENT_DEBUG_WARNING),
 *         or the first nonzero result of tevent_loop_once() (errno as
 *         that left it)
 * @since 0.9.9
 */
#define tevent_loop_wait(ev) _tevent_loop_wait(ev, __location__)

/** @} */

/* ---------------------------------------------------------------------
 * File descriptor event helpers
 * ------------------------------------------------------------------- */

/**
 * @addtogroup tevent_fd
 * @{
 */

/**
 * Installs a function that is called when the fd event is freed.
 *
 * Typically it closes the descriptor; see tevent_fd_close_fn_t. It
 * replaces an earlier close function.
 *
 * @param fde the fd event; nothing happens if it is NULL or its context
 *        was freed
 * @param close_fn the close function, or NULL for none
 * @since 0.9.9
 */
void tevent_fd_set_close_fn(struct tevent_fd *fde,
                            tevent_fd_close_fn_t close_fn);

/**
 * Makes freeing the fd event close() its descriptor.
 *
 * @param fde the fd event; nothing happens if it is NULL or its context
 *        was freed
 * @since 0.9.9
 */
void tevent_fd_set_auto_close(struct tevent_fd *fde);

/**
 * Returns the events an fd event waits for.
 *
 * tevent itself may have cleared flags (see tevent_add_fd()).
 *
 * @param fde the fd event, or NULL
 * @return the #TEVENT_FD_READ, #TEVENT_FD_WRITE and #TEVENT_FD_ERROR
 *         bits; 0 if @p fde is NULL, was disabled, or its context was
 *         freed
 * @since 0.9.9
 */
uint16_t tevent_fd_get_flags(struct tevent_fd *fde);
/**
 * Changes the events an fd event waits for.
 *
 * Takes effect from the next wait on. 0 keeps the event but makes it
 * inactive. The TEVENT_FD_READABLE() family of macros changes single
 * bits.
 *
 * @param fde the fd event; nothing happens if it is NULL or its context
 *        was freed
 * @param flags #TEVENT_FD_READ, #TEVENT_FD_WRITE and #TEVENT_FD_ERROR
 *        or'ed together
 * @since 0.9.9
 */
void tevent_fd_set_flags(struct tevent_fd *fde, uint16_t flags);

/** @} */

/**
 * Tells whether the context's backend supports signal events.
 *
 * All built-in backends and wrapper contexts do.
 *
 * @param ev the context
 * @return true if tevent_add_signal() can be used on @p ev
 * @ingroup tevent_signal
 * @since 0.9.9
 */
bool tevent_signal_support(struct tevent_context *ev);

/**
 * Replaces what tevent does on a fatal internal error.
 *
 * tevent calls @p abort_fn with a description when it detects misuse it
 * cannot recover from (a double free of an event, a forbidden nested
 * loop, a wrapper used wrongly, ...). By default it calls abort(). If
 * @p abort_fn returns, tevent carries on as each function documents,
 * usually by returning an error. Process-wide.
 *
 * @param abort_fn the function, or NULL to go back to abort()
 * @ingroup tevent_debug
 * @since 0.9.9
 */
void tevent_set_abort_fn(void (*abort_fn)(const char *reason));

/**
 * @addtogroup tevent_fd
 * @{
 */

/**
 * Event bit: the descriptor is readable.
 *
 * An event with this bit is also told about errors and hang-ups, as a
 * readable descriptor.
 * @since 0.9.9
 */
#define TEVENT_FD_READ 1
/**
 * Event bit: the descriptor is writable.
 * @since 0.9.9
 */
#define TEVENT_FD_WRITE 2
/**
 * Event bit: the descriptor is in an error state or the peer hung up.
 *
 * Asked for without #TEVENT_FD_READ, the handler runs only for errors
 * and hang-ups, not for plain readability.
 * @since 0.16.0
 */
#define TEVENT_FD_ERROR 4

/**
 * Adds #TEVENT_FD_WRITE to the events of an fd event.
 * @param fde the fd event
 * @since 0.9.9
 */
#define TEVENT_FD_WRITEABLE(fde)                                               \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) | TEVENT_FD_WRITE)
/**
 * Adds #TEVENT_FD_READ to the events of an fd event.
 * @param fde the fd event
 * @since 0.9.9
 */
#define TEVENT_FD_READABLE(fde)                                                \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) | TEVENT_FD_READ)
/**
 * Adds #TEVENT_FD_ERROR to the events of an fd event.
 * @param fde the fd event
 * @since 0.16.0
 */
#define TEVENT_FD_WANTERROR(fde)                                               \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) | TEVENT_FD_ERROR)

/**
 * Removes #TEVENT_FD_WRITE from the events of an fd event.
 * @param fde the fd event
 * @since 0.9.9
 */
#define TEVENT_FD_NOT_WRITEABLE(fde)                                           \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) & ~TEVENT_FD_WRITE)
/**
 * Removes #TEVENT_FD_READ from the events of an fd event.
 * @param fde the fd event
 * @since 0.9.9
 */
#define TEVENT_FD_NOT_READABLE(fde)                                            \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) & ~TEVENT_FD_READ)
/**
 * Removes #TEVENT_FD_ERROR from the events of an fd event.
 * @param fde the fd event
 * @since 0.16.0
 */
#define TEVENT_FD_NOT_WANTERROR(fde)                                           \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) & ~TEVENT_FD_ERROR)

/** @} */

/* ---------------------------------------------------------------------
 * Debug output
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_debug Debug output and fatal errors
 * Where tevent's log messages go, and what happens on misuse.
 *
 * A new context logs nothing. Debug settings belong to a main context;
 * messages about a wrapper context go to its main context.
 * @{
 */

/**
 * Severity of a debug message; lower values are more severe.
 * @since 0.9.9
 */
enum tevent_debug_level {
    /** The context cannot go on; usually followed by an abort. */
    TEVENT_DEBUG_FATAL,
    /** Something failed and tevent worked around it. */
    TEVENT_DEBUG_ERROR,
    /** Something unexpected but harmless happened. */
    TEVENT_DEBUG_WARNING,
    /** Every event added, run and removed; very verbose. */
    TEVENT_DEBUG_TRACE
};

/**
 * Receives tevent's debug messages.
 *
 * @param context the pointer given to tevent_set_debug()
 * @param level the severity of the message
 * @param fmt printf() format of the message, which ends with a newline
 * @param ap the arguments for @p fmt
 * @since 0.9.9
 */
typedef void (*tevent_debug_fn)(void *context, enum tevent_debug_level level,
                                const char *fmt, va_list ap)
    PRINTF_ATTRIBUTE(3, 0);

/**
 * Installs the function that receives a context's debug messages.
 *
 * Messages up to #TEVENT_DEBUG_WARNING are passed on;
 * tevent_set_max_debug_level() changes that afterwards.
 *
 * @param ev the context; a wrapper context is refused (aborts, then
 *        fails)
 * @param debug the function, or NULL to log nothing
 * @param context passed to @p debug as its first argument
 * @return 0, or -1 with errno `EINVAL` for a wrapper context
 * @since 0.9.9
 */
int tevent_set_debug(struct tevent_context *ev, tevent_debug_fn debug,
                     void *context);

/**
 * Sets the most verbose level passed to the debug function.
 *
 * tevent_set_debug() resets it: to #TEVENT_DEBUG_WARNING when it installs
 * a function, to #TEVENT_DEBUG_FATAL when it removes one. Call it on the
 * main context, not on a wrapper.
 *
 * @param ev the context
 * @param max_level the most verbose level to pass on, for instance
 *        #TEVENT_DEBUG_TRACE for everything
 * @return the previous level
 * @since 0.15.0
 */
enum tevent_debug_level
tevent_set_max_debug_level(struct tevent_context *ev,
                           enum tevent_debug_level max_level);

/**
 * Sends a context's debug messages to stderr.
 *
 * Installs a built-in debug function with tevent_set_debug(); it prints
 * the levels up to #TEVENT_DEBUG_WARNING and drops trace messages even
 * when tevent_set_max_debug_level() lets them through.
 *
 * @param ev the context; a wrapper context is refused (aborts, then
 *        fails)
 * @return 0, or -1 with errno `EINVAL` for a wrapper context
 * @since 0.9.9
 */
int tevent_set_debug_stderr(struct tevent_context *ev);

/** @} */

/* ---------------------------------------------------------------------
 * Tracing
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_trace Tracing
 * Callbacks that observe the loop and the life of every event, for
 * profiling and debugging tools.
 *
 * Each context has one callback (with its private pointer) per kind:
 * loop iterations, fd events, signal events, timers, immediates and
 * queue entries. Setting a callback replaces the previous one, NULL
 * removes it, and the getters let a tool chain to the callback it
 * replaces. The setters abort on a wrapper context (and then do
 * nothing): tracing belongs to the main context, which also reports the
 * events created through its wrappers. tevent's internal events (the
 * wakeup descriptor, a thread proxy's pipe, the immediates of queues and
 * requests, request timeouts) are reported too.
 * @{
 */

/**
 * Points of a loop iteration reported to the loop trace callback.
 * @since 0.9.16
 */
enum tevent_trace_point {
    /**
     * The backend is about to block waiting for events. Iterations that
     * run a handler without waiting do not report it.
     */
    TEVENT_TRACE_BEFORE_WAIT,
    /** The wait reported before has ended. */
    TEVENT_TRACE_AFTER_WAIT,
/**
 * Defined (as 1) by headers that have #TEVENT_TRACE_BEFORE_LOOP_ONCE and
 * #TEVENT_TRACE_AFTER_LOOP_ONCE, for code that supports older headers.
 * @since 0.9.18
 */
#define TEVENT_HAS_LOOP_ONCE_TRACE_POINTS 1
    /**
     * A loop iteration starts: in tevent_loop_once() and in every
     * iteration of tevent_loop_wait() and tevent_loop_until().
     * @since 0.9.18
     */
    TEVENT_TRACE_BEFORE_LOOP_ONCE,
    /**
     * A loop iteration has ended (not reported if a handler freed the
     * context).
     * @since 0.9.18
     */
    TEVENT_TRACE_AFTER_LOOP_ONCE,
};

/**
 * Loop trace callback.
 *
 * It runs inside the loop function, so it must not run a loop of the
 * same context.
 *
 * @param tevent_trace_point the point reached (the parameter is unnamed;
 *        this is its type)
 * @param private_data the pointer given to tevent_set_trace_callback()
 * @since 0.9.16
 */
typedef void (*tevent_trace_callback_t)(enum tevent_trace_point,
                                        void *private_data);

/**
 * Installs the loop trace callback of a context.
 *
 * @param ev the context; aborts for a wrapper context
 * @param cb the callback, or NULL to remove it
 * @param private_data passed to @p cb
 * @since 0.9.16
 */
void tevent_set_trace_callback(struct tevent_context *ev,
                               tevent_trace_callback_t cb, void *private_data);

/**
 * Returns the loop trace callback of a context and its private pointer.
 *
 * @param ev the context
 * @param cb receives the callback (NULL if none is set)
 * @param private_data despite its type, a `void **` that receives the
 *        private pointer
 * @since 0.9.16
 */
void tevent_get_trace_callback(struct tevent_context *ev,
                               tevent_trace_callback_t *cb, void *private_data);

/**
 * Points in the life of a single event reported to the event trace
 * callbacks.
 *
 * Every #TEVENT_EVENT_TRACE_ATTACH of an event is followed by one
 * #TEVENT_EVENT_TRACE_DETACH, except that an immediate scheduled from
 * another thread reports an extra DETACH right before its ATTACH.
 * @since 0.11.0
 */
enum tevent_event_trace_point {
    /**
     * The event joined its context: an fd or signal event was added, a
     * timer was added or moved (tevent_update_timer()), an immediate
     * was scheduled, or a queue entry was added.
     */
    TEVENT_EVENT_TRACE_ATTACH,
    /**
     * The event left its context: it was freed or cancelled, a timer or
     * immediate has run its handler, or the context went away.
     */
    TEVENT_EVENT_TRACE_DETACH,
    /** The event's handler, or a queue entry's trigger, is about to run. */
    TEVENT_EVENT_TRACE_BEFORE_HANDLER,
};

/**
 * Trace callback for fd events.
 *
 * @param fde the fd event
 * @param tevent_event_trace_point the point reached (the parameter
 *        is unnamed; this is its type)
 * @param private_data the pointer given to tevent_set_trace_fd_callback()
 * @since 0.11.0
 */
typedef void (*tevent_trace_fd_callback_t)(struct tevent_fd *fde,
                                           enum tevent_event_trace_point,
                                           void *private_data);
/**
 * Trace callback for signal events.
 *
 * @param se the signal event
 * @param tevent_event_trace_point the point reached (the parameter
 *        is unnamed; this is its type)
 * @param private_data the pointer given to
 *        tevent_set_trace_signal_callback()
 * @since 0.11.0
 */
typedef void (*tevent_trace_signal_callback_t)(struct tevent_signal *se,
                                               enum tevent_event_trace_point,
                                               void *private_data);
/**
 * Trace callback for timers.
 *
 * @param te the timer
 * @param tevent_event_trace_point the point reached (the parameter
 *        is unnamed; this is its type)
 * @param private_data the pointer given to
 *        tevent_set_trace_timer_callback()
 * @since 0.11.0
 */
typedef void (*tevent_trace_timer_callback_t)(struct tevent_timer *te,
                                              enum tevent_event_trace_point,
                                              void *private_data);
/**
 * Trace callback for immediate events.
 *
 * @param im the immediate event
 * @param tevent_event_trace_point the point reached (the parameter
 *        is unnamed; this is its type)
 * @param private_data the pointer given to
 *        tevent_set_trace_immediate_callback()
 * @since 0.11.0
 */
typedef void (*tevent_trace_immediate_callback_t)(struct tevent_immediate *im,
                                                  enum tevent_event_trace_point,
                                                  void *private_data);

/**
 * Installs the fd event trace callback of a context.
 *
 * @param ev the context; aborts for a wrapper context
 * @param cb the callback, or NULL to remove it
 * @param private_data passed to @p cb
 * @since 0.11.0
 */
void tevent_set_trace_fd_callback(struct tevent_context *ev,
                                  tevent_trace_fd_callback_t cb,
                                  void *private_data);
/**
 * Returns the fd event trace callback of a context and its private
 * pointer.
 *
 * @param ev the context
 * @param cb receives the callback (NULL if none is set)
 * @param p_private_data despite its type, a `void **` that receives the
 *        private pointer
 * @since 0.11.0
 */
void tevent_get_trace_fd_callback(struct tevent_context *ev,
                                  tevent_trace_fd_callback_t *cb,
                                  void *p_private_data);

/**
 * Installs the signal event trace callback of a context.
 *
 * @param ev the context; aborts for a wrapper context
 * @param cb the callback, or NULL to remove it
 * @param private_data passed to @p cb
 * @since 0.11.0
 */
void tevent_set_trace_signal_callback(struct tevent_context *ev,
                                      tevent_trace_signal_callback_t cb,
                                      void *private_data);
/**
 * Returns the signal event trace callback of a context and its private
 * pointer.
 *
 * @param ev the context
 * @param cb receives the callback (NULL if none is set)
 * @param p_private_data despite its type, a `void **` that receives the
 *        private pointer
 * @since 0.11.0
 */
void tevent_get_trace_signal_callback(struct tevent_context *ev,
                                      tevent_trace_signal_callback_t *cb,
                                      void *p_private_data);

/**
 * Installs the timer trace callback of a context.
 *
 * @param ev the context; aborts for a wrapper context
 * @param cb the callback, or NULL to remove it
 * @param private_data passed to @p cb
 * @since 0.11.0
 */
void tevent_set_trace_timer_callback(struct tevent_context *ev,
                                     tevent_trace_timer_callback_t cb,
                                     void *private_data);
/**
 * Returns the timer trace callback of a context and its private pointer.
 *
 * @param ev the context
 * @param cb receives the callback (NULL if none is set)
 * @param p_private_data despite its type, a `void **` that receives the
 *        private pointer
 * @since 0.11.0
 */
void tevent_get_trace_timer_callback(struct tevent_context *ev,
                                     tevent_trace_timer_callback_t *cb,
                                     void *p_private_data);

/**
 * Installs the immediate event trace callback of a context.
 *
 * @param ev the context; aborts for a wrapper context
 * @param cb the callback, or NULL to remove it
 * @param private_data passed to @p cb
 * @since 0.11.0
 */
void tevent_set_trace_immediate_callback(struct tevent_context *ev,
                                         tevent_trace_immediate_callback_t cb,
                                         void *private_data);
/**
 * Returns the immediate event trace callback of a context and its
 * private pointer.
 *
 * @param ev the context
 * @param cb receives the callback (NULL if none is set)
 * @param p_private_data despite its type, a `void **` that receives the
 *        private pointer
 * @since 0.11.0
 */
void tevent_get_trace_immediate_callback(struct tevent_context *ev,
                                         tevent_trace_immediate_callback_t *cb,
                                         void *p_private_data);

/** @} */

/* ---------------------------------------------------------------------
 * Asynchronous requests (tevent_req)
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_req Asynchronous requests
 * Writing and using asynchronous functions as `_send`/`_recv` pairs.
 *
 * A `foo_send()` function creates a request with tevent_req_create(),
 * starts the work (adding events or sub-requests) and returns the
 * request. The caller sets a callback with tevent_req_set_callback().
 * When the work is done the implementation calls tevent_req_done() or
 * tevent_req_error(), which run the callback at once. The callback calls
 * `foo_recv()`, which reads the result from the request's state, checks
 * tevent_req_is_error() and ends with tevent_req_received(); then the
 * caller frees the request.
 *
 * A request lives until it is freed; freeing it before it finished
 * cancels the work that hangs off it (its state and everything allocated
 * on the state are freed). A request created with the state of another
 * request as its talloc parent is a sub-request of that request, for
 * call-depth tracking and profiles.
 * @{
 */

/**
 * The life-cycle state of a request.
 * @since 0.9.9
 */
enum tevent_req_state {
    /** Not used: requests start as #TEVENT_REQ_IN_PROGRESS. */
    TEVENT_REQ_INIT,
    /** Created and not finished yet. */
    TEVENT_REQ_IN_PROGRESS,
    /** Finished successfully (tevent_req_done()). */
    TEVENT_REQ_DONE,
    /** Finished with an error code (tevent_req_error()). */
    TEVENT_REQ_USER_ERROR,
    /** The deadline set with tevent_req_set_endtime() passed. */
    TEVENT_REQ_TIMED_OUT,
    /** Finished for lack of memory (tevent_req_oom(), tevent_req_nomem()). */
    TEVENT_REQ_NO_MEMORY,
    /** The result was collected (tevent_req_received()); the state is gone. */
    TEVENT_REQ_RECEIVED
};

/**
 * Completion callback of a request.
 *
 * It runs when the request finished, directly inside the call that
 * finished it (unless the request was posted or its callback deferred),
 * and usually calls the request's `_recv` function and frees the
 * request. It may free the request.
 *
 * @param subreq the request; the callback usually belongs to a caller
 *        for which it is a sub-request
 * @since 0.9.9
 */
typedef void (*tevent_req_fn)(struct tevent_req *subreq);

/**
 * Entry point kept for programs built against headers before 0.15.0;
 * source code gets the tevent_req_set_callback() macro instead.
 *
 * Behaves like the macro, but records no callback name.
 *
 * @param req,fn,pvt see tevent_req_set_callback()
 * @since 0.9.9
 */
void tevent_req_set_callback(struct tevent_req *req, tevent_req_fn fn,
                             void *pvt);
/**
 * Function behind the tevent_req_set_callback() macro; call the macro
 * instead.
 *
 * @param req,fn,pvt see tevent_req_set_callback()
 * @param fn_name name of the callback for call-depth tracking (stored by
 *        pointer)
 * @since 0.15.0
 */
void _tevent_req_set_callback(struct tevent_req *req, tevent_req_fn fn,
                              const char *fn_name, void *pvt);
/**
 * Sets the function that is called when a request finishes.
 *
 * Replaces an earlier callback. Set it right after the `_send` function
 * returned: a request that finishes inside its `_send` function has to be
 * posted with tevent_req_post() so that this callback still runs. The
 * macro records the callback's name for call-depth tracking.
 *
 * @param req the request
 * @param fn the callback, or NULL for none
 * @param pvt private pointer for the callback, returned by
 *        tevent_req_callback_data()
 * @since 0.9.9 (a macro since 0.15.0)
 */
#define tevent_req_set_callback(req, fn, pvt)                                  \
    _tevent_req_set_callback(req, fn, #fn, pvt)

/**
 * Function behind tevent_req_callback_data() and
 * tevent_req_callback_data_void(); call the macros instead.
 *
 * @param req the request
 * @return the private pointer of the request's callback
 * @since 0.9.9
 */
void *_tevent_req_callback_data(struct tevent_req *req);
/**
 * Returns the private pointer of a request's callback, type-checked.
 *
 * The pointer given to tevent_req_set_callback() must be a talloc object
 * of type @p _type; talloc_get_type_abort() aborts the process if it is
 * not.
 *
 * @param _req the request
 * @param _type the type of the private data, for instance
 *        `struct foo_state`
 * @return the private pointer, as `_type *`
 * @since 0.9.9
 */
#define tevent_req_callback_data(_req, _type)                                  \
    talloc_get_type_abort(_tevent_req_callback_data(_req), _type)

/**
 * Returns the private pointer of a request's callback, unchecked.
 *
 * @param _req the request
 * @return the pointer given to tevent_req_set_callback(), as `void *`
 * @since 0.9.9
 */
#define tevent_req_callback_data_void(_req) _tevent_req_callback_data(_req)

/**
 * Function behind the tevent_req_data() macro; call the macro instead.
 *
 * @param req the request
 * @return the request's state, or NULL after tevent_req_received()
 * @since 0.9.9
 */
void *_tevent_req_data(struct tevent_req *req);
/**
 * Returns the state structure of a request, type-checked.
 *
 * The state was created with the request by tevent_req_create(). It is
 * freed by tevent_req_received(); after that talloc_get_type_abort()
 * aborts the process, as it does for a wrong @p _type.
 *
 * @param _req the request
 * @param _type the type of the state, as given to tevent_req_create()
 * @return the state, as `_type *`
 * @since 0.9.9
 */
#define tevent_req_data(_req, _type)                                           \
    talloc_get_type_abort(_tevent_req_data(_req), _type)

/**
 * Produces the description of a request for tevent_req_print().
 *
 * @param req the request
 * @param ctx talloc parent for the string
 * @return the description as a talloc string, or NULL
 * @since 0.9.9
 */
typedef char *(*tevent_req_print_fn)(struct tevent_req *req, TALLOC_CTX *ctx);

/**
 * Replaces the function that tevent_req_print() uses for a request.
 *
 * Cleared by tevent_req_received().
 *
 * @param req the request
 * @param fn the print function, or NULL for the default format
 * @since 0.9.9
 */
void tevent_req_set_print_fn(struct tevent_req *req, tevent_req_print_fn fn);

/**
 * Describes a request in tevent's default format.
 *
 * The text shows the request's address and creation location, state,
 * error code, the type and address of its state, its timeout timer and
 * where it finished. For print functions that extend the default text.
 * Note the order of the arguments, unlike tevent_req_print().
 *
 * @param req the request
 * @param mem_ctx talloc parent of the string
 * @return the description as a talloc string, or NULL if memory ran out
 * @since 0.9.9
 */
char *tevent_req_default_print(struct tevent_req *req, TALLOC_CTX *mem_ctx);

/**
 * Describes a request as a talloc string, for debug output.
 *
 * Uses the request's print function, or the default format of
 * tevent_req_default_print().
 *
 * @param mem_ctx talloc parent of the string
 * @param req the request, or NULL (gives `"tevent_req[NULL]"`)
 * @return the description, or NULL if memory ran out
 * @since 0.9.9
 */
char *tevent_req_print(TALLOC_CTX *mem_ctx, struct tevent_req *req);

/**
 * Asks a request's implementation to cancel it.
 *
 * The implementation returns true if it started cancelling; the request
 * must then still finish through the usual functions, typically with an
 * error. It returns false if the request cannot be cancelled (any more).
 *
 * @param req the request
 * @return whether cancelling was started
 * @since 0.9.9
 */
typedef bool (*tevent_req_cancel_fn)(struct tevent_req *req);

/**
 * Entry point kept for programs built against headers before 0.15.0;
 * source code gets the tevent_req_set_cancel_fn() macro instead.
 *
 * Behaves like the macro, but records no function name.
 *
 * @param req,fn see tevent_req_set_cancel_fn()
 * @since 0.9.9
 */
void tevent_req_set_cancel_fn(struct tevent_req *req, tevent_req_cancel_fn fn);
/**
 * Function behind the tevent_req_set_cancel_fn() macro; call the macro
 * instead.
 *
 * @param req,fn see tevent_req_set_cancel_fn()
 * @param fn_name name of the function for call-depth tracking (stored by
 *        pointer)
 * @since 0.15.0
 */
void _tevent_req_set_cancel_fn(struct tevent_req *req, tevent_req_cancel_fn fn,
                               const char *fn_name);
/**
 * Installs the cancel function of a request.
 *
 * Called by the request's implementation; tevent_req_cancel() calls it.
 * Cleared by tevent_req_received().
 *
 * @param req the request
 * @param fn the cancel function, or NULL for none
 * @since 0.9.9 (a macro since 0.15.0)
 */
#define tevent_req_set_cancel_fn(req, fn)                                      \
    _tevent_req_set_cancel_fn(req, fn, #fn)

/**
 * Function behind the tevent_req_cancel() macro; call the macro instead.
 *
 * @param req see tevent_req_cancel()
 * @param location source location of the caller (unused)
 * @return see tevent_req_cancel()
 * @since 0.9.9
 */
bool _tevent_req_cancel(struct tevent_req *req, const char *location);
/**
 * Asks a request to cancel itself.
 *
 * Calls the request's cancel function. The request does not finish
 * here: when cancelling works, it finishes later through the usual path
 * and its callback runs as usual.
 *
 * @param req the request
 * @return false if the request has no cancel function (also after
 *         tevent_req_received()), otherwise the cancel function's answer
 * @since 0.9.9
 */
#define tevent_req_cancel(req) _tevent_req_cancel(req, __location__)

/**
 * Releases a request's resources as it reaches a later state.
 *
 * It runs at most once when the request finishes, with the final state,
 * and once more with #TEVENT_REQ_RECEIVED when the result is received or
 * the request is freed. It runs before the callback and while the state
 * still exists. If it finishes the request again with a later state, it
 * is called again for that state.
 *
 * @param req the request
 * @param req_state the state the request has just reached
 * @since 0.9.21
 */
typedef void (*tevent_req_cleanup_fn)(struct tevent_req *req,
                                      enum tevent_req_state req_state);

/**
 * Entry point kept for programs built against headers before 0.15.0;
 * source code gets the tevent_req_set_cleanup_fn() macro instead.
 *
 * Behaves like the macro, but records no function name.
 *
 * @param req,fn see tevent_req_set_cleanup_fn()
 * @since 0.9.21
 */
void tevent_req_set_cleanup_fn(struct tevent_req *req,
                               tevent_req_cleanup_fn fn);
/**
 * Function behind the tevent_req_set_cleanup_fn() macro; call the macro
 * instead.
 *
 * @param req,fn see tevent_req_set_cleanup_fn()
 * @param fn_name name of the function for call-depth tracking (stored by
 *        pointer)
 * @since 0.15.0
 */
void _tevent_req_set_cleanup_fn(struct tevent_req *req,
                                tevent_req_cleanup_fn fn, const char *fn_name);
/**
 * Installs the cleanup function of a request.
 *
 * The state at the time of the call counts as cleaned up already: the
 * function runs only for later states (see tevent_req_cleanup_fn).
 *
 * @param req the request
 * @param fn the cleanup function, or NULL for none
 * @since 0.9.21 (a macro since 0.15.0)
 */
#define tevent_req_set_cleanup_fn(req, fn)                                     \
    _tevent_req_set_cleanup_fn(req, fn, #fn)

/**
 * Entry point kept for programs built against headers before 0.15.0;
 * source code gets the tevent_req_create() macro instead.
 *
 * Behaves like __tevent_req_create() without the creating function's
 * name.
 *
 * @param mem_ctx,pstate,state_size,type,location see
 *        __tevent_req_create()
 * @return see tevent_req_create()
 * @since 0.9.9
 */
struct tevent_req *_tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate,
                                      size_t state_size, const char *type,
                                      const char *location);

/**
 * Function behind the tevent_req_create() macro; call the macro instead.
 *
 * @param mem_ctx talloc parent of the request
 * @param pstate address of the state pointer (a `void **` in disguise)
 * @param state_size size of the state in bytes
 * @param type talloc name of the state (stored by pointer)
 * @param func name of the creating function for call-depth tracking
 *        (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_req_create()
 * @since 0.15.0
 */
struct tevent_req *__tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate,
                                       size_t state_size, const char *type,
                                       const char *func, const char *location);

/**
 * Creates a request together with its state structure.
 *
 * The usual start of a `_send` function:
 * @code
 * struct foo_state *state;
 * struct tevent_req *req;
 *
 * req = tevent_req_create(mem_ctx, &state, struct foo_state);
 * if (req == NULL) {
 *         return NULL;
 * }
 * @endcode
 *
 * The request is a talloc child of @p _mem_ctx and starts as
 * #TEVENT_REQ_IN_PROGRESS. The state is zeroed, a talloc child of the
 * request named after @p _type (which tevent_req_data() checks), and is
 * freed by tevent_req_received() or with the request. One allocation
 * holds the request and its state.
 *
 * If @p _mem_ctx is the state of another request, the new request is its
 * sub-request: one call-depth level deeper and, if the parent is being
 * profiled, profiled as well.
 *
 * @param _mem_ctx talloc parent of the request
 * @param _pstate address of a pointer to the state type; receives the
 *        state
 * @param _type the state type, for instance `struct foo_state`
 * @return the request, or NULL if memory ran out
 * @since 0.9.9 (expands to __tevent_req_create() since 0.15.0)
 */
#define tevent_req_create(_mem_ctx, _pstate, _type)                            \
    __tevent_req_create((_mem_ctx), (_pstate), sizeof(_type), #_type,          \
                        __func__, __location__)

/**
 * Makes a request time out at a given time.
 *
 * If the request has not finished by @p endtime, it finishes with
 * #TEVENT_REQ_TIMED_OUT and its callback runs. A second call replaces
 * the deadline; finishing the request in any other way cancels it. The
 * timeout timer is a talloc child of the request.
 *
 * @param req the request
 * @param ev the context whose loop runs the timer
 * @param endtime the absolute deadline
 * @return true; false if the timer could not be created, in which case
 *         the request has already finished with #TEVENT_REQ_NO_MEMORY
 *         and its callback has run
 * @since 0.9.9
 */
bool tevent_req_set_endtime(struct tevent_req *req, struct tevent_context *ev,
                            struct timeval endtime);

/**
 * Removes the deadline set with tevent_req_set_endtime().
 *
 * @param req the request
 * @since 0.9.31
 */
void tevent_req_reset_endtime(struct tevent_req *req);

/**
 * Function behind the tevent_req_notify_callback() macro; call the macro
 * instead.
 *
 * @param req see tevent_req_notify_callback()
 * @param location source location of the caller, recorded as where the
 *        request finished (stored by pointer)
 * @since 0.9.9
 */
void _tevent_req_notify_callback(struct tevent_req *req, const char *location);
/**
 * Runs the callback of a request without changing its state.
 *
 * For requests that report intermediate results while they are still in
 * progress. With tevent_req_defer_callback() the callback runs later
 * from the loop instead.
 *
 * @param req the request
 * @since 0.9.9
 */
#define tevent_req_notify_callback(req)                                        \
    _tevent_req_notify_callback(req, __location__)

/**
 * Function behind the tevent_req_done() macro; call the macro instead.
 *
 * @param req see tevent_req_done()
 * @param location source location of the caller, recorded as where the
 *        request finished (stored by pointer)
 * @since 0.9.9
 */
void _tevent_req_done(struct tevent_req *req, const char *location);
/**
 * Finishes a request successfully and runs its callback.
 *
 * The state becomes #TEVENT_REQ_DONE, the deadline is cancelled, the
 * cleanup function runs, and then the callback runs inside this call
 * (unless tevent_req_defer_callback() was used). The callback may free
 * the request, so do not touch it afterwards. Nothing prevents finishing
 * a request twice, which runs the callback twice. A request that
 * finishes inside its `_send` function must be returned through
 * tevent_req_post().
 *
 * @param req the request
 * @since 0.9.9
 */
#define tevent_req_done(req) _tevent_req_done(req, __location__)

/**
 * Function behind the tevent_req_error() macro; call the macro instead.
 *
 * @param req,error see tevent_req_error()
 * @param location source location of the caller, recorded as where the
 *        request finished (stored by pointer)
 * @return see tevent_req_error()
 * @since 0.9.9
 */
bool _tevent_req_error(struct tevent_req *req, uint64_t error,
                       const char *location);
/**
 * Finishes a request with an error code and runs its callback.
 *
 * As tevent_req_done(), with state #TEVENT_REQ_USER_ERROR. Written as
 * `if (tevent_req_error(req, ret)) { return; }` after a call that
 * returns 0 on success.
 *
 * @param req the request
 * @param error the error code, of the implementation's choosing (an
 *        errno value, an NTSTATUS, ...); 0 means "no error"
 * @return false if @p error is 0 (nothing happens), true otherwise
 * @since 0.9.9
 */
#define tevent_req_error(req, error) _tevent_req_error(req, error, __location__)

/**
 * Function behind the tevent_req_nomem() macro; call the macro instead.
 *
 * @param p,req see tevent_req_nomem()
 * @param location source location of the caller, recorded as where the
 *        request finished (stored by pointer)
 * @return see tevent_req_nomem()
 * @since 0.9.9
 */
bool _tevent_req_nomem(const void *p, struct tevent_req *req,
                       const char *location);
/**
 * Finishes a request with #TEVENT_REQ_NO_MEMORY if an allocation failed.
 *
 * Written as `if (tevent_req_nomem(p, req)) { return; }` after an
 * allocation. Finishing runs the callback as in tevent_req_done().
 *
 * @param p the result of the allocation
 * @param req the request
 * @return true if @p p is NULL (the request has finished), false
 *         otherwise
 * @since 0.9.9
 */
#define tevent_req_nomem(p, req) _tevent_req_nomem(p, req, __location__)

/**
 * Function behind the tevent_req_oom() macro; call the macro instead.
 *
 * @param req see tevent_req_oom()
 * @param location source location of the caller, recorded as where the
 *        request finished (stored by pointer)
 * @since 0.9.12
 */
void _tevent_req_oom(struct tevent_req *req, const char *location);
/**
 * Finishes a request with #TEVENT_REQ_NO_MEMORY and runs its callback.
 *
 * @param req the request
 * @since 0.9.12
 */
#define tevent_req_oom(req) _tevent_req_oom(req, __location__)

/**
 * Delivers a request's result from the loop instead of at once.
 *
 * For `_send` functions that finish (or fail) the request before they
 * return: `return tevent_req_post(req, ev);` lets the caller set its
 * callback first. The request's private immediate is scheduled on
 * @p ev; when it runs, the request's current state is delivered again
 * (cleanup function, callback). Posting again before it ran only
 * reschedules it; freeing the request cancels it.
 *
 * @param req the request
 * @param ev the context whose loop delivers the result
 * @return @p req
 * @since 0.9.9
 */
struct tevent_req *tevent_req_post(struct tevent_req *req,
                                   struct tevent_context *ev);

/**
 * Makes the next notification of a request go through the loop.
 *
 * The next time the request finishes, or tevent_req_notify_callback() is
 * called, the request is posted on @p ev (as with tevent_req_post())
 * instead of running the callback inside that call. Applies once. Useful
 * when the code that finishes the request must not have the callback
 * (which may free things) run under its feet.
 *
 * @param req the request
 * @param ev the context whose loop runs the callback
 * @since 0.9.13
 */
void tevent_req_defer_callback(struct tevent_req *req,
                               struct tevent_context *ev);

/**
 * Tells whether a request has not finished yet.
 *
 * @param req the request
 * @return true if its state is #TEVENT_REQ_IN_PROGRESS
 * @since 0.9.9
 */
bool tevent_req_is_in_progress(struct tevent_req *req);

/**
 * Runs the loop of a context until a request has finished.
 *
 * For synchronous wrappers around asynchronous code. It calls
 * tevent_loop_once() repeatedly, so it may not be called from inside a
 * handler of @p ev unless nesting is allowed, and it blocks for ever if
 * nothing finishes the request.
 *
 * @param req the request
 * @param ev the context to run
 * @return true when the request has finished (read its result with its
 *         `_recv` function), false if tevent_loop_once() failed (errno as
 *         that left it)
 * @since 0.9.9
 */
bool tevent_req_poll(struct tevent_req *req, struct tevent_context *ev);

/**
 * Tells whether a request ended in failure, for `_recv` functions.
 *
 * @param req the request
 * @param state receives the request's state, unless it is
 *        #TEVENT_REQ_DONE
 * @param error receives the error code if the state is
 *        #TEVENT_REQ_USER_ERROR
 * @return false for #TEVENT_REQ_DONE (outputs untouched); true for every
 *         other state, including #TEVENT_REQ_IN_PROGRESS and
 *         #TEVENT_REQ_RECEIVED
 * @since 0.9.9
 */
bool tevent_req_is_error(struct tevent_req *req, enum tevent_req_state *state,
                         uint64_t *error);

/**
 * Marks the result of a request as collected and frees its state.
 *
 * `_recv` functions call it last. It clears the print and cancel
 * functions, cancels a pending post and the deadline, sets the state to
 * #TEVENT_REQ_RECEIVED, runs the cleanup function and frees the state
 * with everything allocated on it (sub-requests included). The request
 * itself stays until it is freed, and so do its queue entries: a queued
 * request blocks its queue until it is freed. Freeing a request that was
 * not received does all this implicitly.
 *
 * @param req the request
 * @since 0.9.9
 */
void tevent_req_received(struct tevent_req *req);

/** @} */

/* ---------------------------------------------------------------------
 * Request profiling
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_req_profile Request profiles
 * Recording when a request and its sub-requests started and finished,
 * and how.
 *
 * A profile holds a name, start and stop locations and times, a pid, a
 * final state and error code, and a list of sub-profiles. Strings handed
 * to the setters are copied; strings recorded by tevent itself (the
 * request's type name and source locations) are stored by pointer.
 * @{
 */

/**
 * Starts recording a profile for a request.
 *
 * The profile records the request's name (the type name of its state),
 * its creation location and the current time as start. When the request
 * finishes, the finishing location, the time, the state and the error
 * code are recorded. Sub-requests created on this request's state get
 * profiles of their own, which move below this profile when they finish.
 * The profile is a talloc child of the request.
 *
 * @param req the request
 * @return true; false if the request already had a profile (the request
 *         then finishes with error `EINVAL` and its callback runs) or
 *         memory ran out (the request finishes with
 *         #TEVENT_REQ_NO_MEMORY)
 * @since 0.9.37
 */
bool tevent_req_set_profile(struct tevent_req *req);

/**
 * Returns the profile of a request.
 *
 * @param req the request
 * @return the profile, owned by the request; NULL if it has none (never
 *         set, moved away, or, for a finished sub-request, handed over to
 *         the parent's profile)
 * @since 0.9.37
 */
const struct tevent_req_profile *tevent_req_get_profile(struct tevent_req *req);

/**
 * Takes the profile away from a request.
 *
 * Typically in the `_recv` function, to keep the profile after the
 * request is freed.
 *
 * @param req the request
 * @param mem_ctx the new talloc parent of the profile
 * @return the profile, or NULL if the request has none
 * @since 0.9.37
 */
struct tevent_req_profile *tevent_req_move_profile(struct tevent_req *req,
                                                   TALLOC_CTX *mem_ctx);

/**
 * Reads the name recorded in a profile.
 *
 * @param profile the profile
 * @param req_name receives the name; NULL to skip
 * @since 0.9.37
 */
void tevent_req_profile_get_name(const struct tevent_req_profile *profile,
                                 const char **req_name);
/**
 * Reads the start location and time recorded in a profile.
 *
 * @param profile the profile
 * @param start_location receives the location; NULL to skip
 * @param start_time receives the time; NULL to skip
 * @since 0.9.37
 */
void tevent_req_profile_get_start(const struct tevent_req_profile *profile,
                                  const char **start_location,
                                  struct timeval *start_time);
/**
 * Reads the stop location and time recorded in a profile.
 *
 * @param profile the profile
 * @param stop_location receives the location (NULL while the request
 *        runs); NULL to skip
 * @param stop_time receives the time; NULL to skip
 * @since 0.9.37
 */
void tevent_req_profile_get_stop(const struct tevent_req_profile *profile,
                                 const char **stop_location,
                                 struct timeval *stop_time);
/**
 * Reads the pid, final state and error code recorded in a profile.
 *
 * @param profile the profile
 * @param pid receives the pid set with tevent_req_profile_set_status();
 *        tevent itself records none (0); NULL to skip
 * @param state receives the state the request finished with; NULL to
 *        skip
 * @param user_error receives the request's error code; NULL to skip
 * @since 0.9.37
 */
void tevent_req_profile_get_status(const struct tevent_req_profile *profile,
                                   pid_t *pid, enum tevent_req_state *state,
                                   uint64_t *user_error);

/**
 * Returns the first sub-profile of a profile.
 *
 * Walk the others with tevent_req_profile_next().
 *
 * @param profile the profile
 * @return the first sub-profile, or NULL if there is none
 * @since 0.9.37
 */
const struct tevent_req_profile *
tevent_req_profile_get_subprofiles(const struct tevent_req_profile *profile);
/**
 * Returns the next sibling in a list of sub-profiles.
 *
 * @param profile a sub-profile
 * @return the next sub-profile of the same parent, or NULL
 * @since 0.9.37
 */
const struct tevent_req_profile *
tevent_req_profile_next(const struct tevent_req_profile *profile);

/**
 * Creates an empty profile, for instance to rebuild one that was sent
 * from another process.
 *
 * @param mem_ctx talloc parent of the profile
 * @return the profile, or NULL if memory ran out
 * @since 0.9.37
 */
struct tevent_req_profile *tevent_req_profile_create(TALLOC_CTX *mem_ctx);
/**
 * Sets the name of a profile.
 *
 * @param profile the profile
 * @param name the name; copied
 * @return true, or false if memory ran out
 * @since 0.9.37
 */
bool tevent_req_profile_set_name(struct tevent_req_profile *profile,
                                 const char *name);
/**
 * Sets the start location and time of a profile.
 *
 * @param profile the profile
 * @param start_location the location; copied
 * @param start_time the time
 * @return true, or false if memory ran out
 * @since 0.9.37
 */
bool tevent_req_profile_set_start(struct tevent_req_profile *profile,
                                  const char *start_location,
                                  struct timeval start_time);
/**
 * Sets the stop location and time of a profile.
 *
 * @param profile the profile
 * @param stop_location the location; copied
 * @param stop_time the time
 * @return true, or false if memory ran out
 * @since 0.9.37
 */
bool tevent_req_profile_set_stop(struct tevent_req_profile *profile,
                                 const char *stop_location,
                                 struct timeval stop_time);
/**
 * Sets the pid, final state and error code of a profile.
 *
 * @param profile the profile
 * @param pid the process the request ran in
 * @param state the state the request finished with
 * @param user_error the request's error code
 * @since 0.9.37
 */
void tevent_req_profile_set_status(struct tevent_req_profile *profile,
                                   pid_t pid, enum tevent_req_state state,
                                   uint64_t user_error);

/**
 * Moves a profile to the end of another profile's sub-profiles.
 *
 * @param parent_profile the new parent
 * @param sub_profile address of the profile to move; it becomes a talloc
 *        child of @p parent_profile and `*sub_profile` is set to NULL
 * @since 0.9.37
 */
void tevent_req_profile_append_sub(struct tevent_req_profile *parent_profile,
                                   struct tevent_req_profile **sub_profile);

/** @} */

/* ---------------------------------------------------------------------
 * Wakeup requests
 * ------------------------------------------------------------------- */

/**
 * @addtogroup tevent_req
 * @{
 */

/**
 * Creates a request that finishes at a given time.
 *
 * The request finishes through its deadline
 * (tevent_req_set_endtime()), so its state becomes
 * #TEVENT_REQ_TIMED_OUT, which tevent_wakeup_recv() counts as success.
 *
 * @param mem_ctx talloc parent of the request
 * @param ev the context whose loop runs the timer
 * @param wakeup_time the absolute time to finish at
 * @return the request, or NULL if memory ran out (if only the timer
 *         could not be created, the request is returned finished with
 *         #TEVENT_REQ_NO_MEMORY and posted)
 * @since 0.9.9
 */
struct tevent_req *tevent_wakeup_send(TALLOC_CTX *mem_ctx,
                                      struct tevent_context *ev,
                                      struct timeval wakeup_time);

/**
 * Collects the result of tevent_wakeup_send().
 *
 * It does not call tevent_req_received(); free the request afterwards.
 *
 * @param req the request
 * @return true if the wakeup time was reached, false otherwise
 * @since 0.9.9
 */
bool tevent_wakeup_recv(struct tevent_req *req);

/** @} */

/* ---------------------------------------------------------------------
 * struct timeval helpers
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_timeval Time values
 * Helpers for the `struct timeval` deadlines of timers and requests.
 *
 * They use no context and may be called from any thread.
 * @{
 */

/**
 * Compares two times.
 *
 * @param tv1 the first time
 * @param tv2 the second time
 * @return -1 if @p tv1 is earlier, 0 if they are equal, 1 if @p tv1 is
 *         later
 * @since 0.9.9
 */
int tevent_timeval_compare(const struct timeval *tv1,
                           const struct timeval *tv2);

/**
 * Returns the zero time.
 *
 * As a timer deadline it means "as soon as possible".
 *
 * @return `{0, 0}`
 * @since 0.9.9
 */
struct timeval tevent_timeval_zero(void);

/**
 * Returns the current time of day.
 *
 * @return the time from gettimeofday()
 * @since 0.9.9
 */
struct timeval tevent_timeval_current(void);

/**
 * Builds a time from seconds and microseconds.
 *
 * @param secs the seconds
 * @param usecs the microseconds; not normalised, so keep them below
 *        1000000
 * @return `{secs, usecs}`
 * @since 0.9.9
 */
struct timeval tevent_timeval_set(uint32_t secs, uint32_t usecs);

/**
 * Returns the interval from one time to another.
 *
 * @param tv1 the start
 * @param tv2 the end
 * @return @p tv2 minus @p tv1, or the zero time if @p tv2 is not later
 * @since 0.9.9
 */
struct timeval tevent_timeval_until(const struct timeval *tv1,
                                    const struct timeval *tv2);

/**
 * Tells whether a time is the zero time.
 *
 * @param tv the time
 * @return true if both fields are 0
 * @since 0.9.9
 */
bool tevent_timeval_is_zero(const struct timeval *tv);

/**
 * Adds an offset to a time.
 *
 * @param tv the time
 * @param secs seconds to add
 * @param usecs microseconds to add; the result is normalised
 * @return the sum
 * @since 0.9.9
 */
struct timeval tevent_timeval_add(const struct timeval *tv, uint32_t secs,
                                  uint32_t usecs);

/**
 * Returns the current time plus an offset: the usual way to make a
 * timer deadline.
 *
 * @param secs seconds from now
 * @param usecs microseconds from now, added to @p secs
 * @return the time of day @p secs and @p usecs from now
 * @since 0.9.9
 */
struct timeval tevent_timeval_current_ofs(uint32_t secs, uint32_t usecs);

/** @} */

/**
 * Returns the process id, from a cache.
 *
 * Cheaper than getpid(). The cache is refreshed in the child after
 * fork() (by a pthread_atfork() handler), so the result is right there
 * too. May be called from any thread.
 *
 * @return the id of the calling process
 * @ingroup tevent_context
 * @since 0.13.0
 */
pid_t tevent_cached_getpid(void);

/* ---------------------------------------------------------------------
 * Request call-depth / call-flow tracking
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_call_depth Request call-depth tracking
 * Following the flow of requests: which request was created, notified,
 * queued or cancelled, and how deep in the chain of sub-requests.
 *
 * Each thread can install one callback with
 * tevent_thread_call_depth_set_callback(). A request's depth is 0, or one
 * more than its parent's when it was created on another request's state.
 * The function names reported are those recorded by the macros
 * (tevent_req_create(), tevent_req_set_callback(), ...); they are NULL
 * for code built against headers before 0.15.0.
 * @{
 */

/**
 * What happened to a request, as reported to the call-depth callback.
 * @since 0.15.0
 */
enum tevent_thread_call_depth_cmd {
    /**
     * Depth tracking starts over: after every tevent_loop_once() (no
     * request, depth 0), for the old callback when the callback is
     * replaced, and from tevent_thread_call_depth_reset_from_req().
     */
    TEVENT_CALL_FLOW_REQ_RESET,
    /** A request was created; the name is the creating function's. */
    TEVENT_CALL_FLOW_REQ_CREATE,
    /** tevent_req_cancel() was called; the name is the cancel function's. */
    TEVENT_CALL_FLOW_REQ_CANCEL,
    /**
     * A request reached a later state; the name is its cleanup function's
     * (reported also when it has none).
     */
    TEVENT_CALL_FLOW_REQ_CLEANUP,
    /**
     * A request's callback is about to run; the name is the callback's
     * and the depth is the caller's, one less than the request's.
     */
    TEVENT_CALL_FLOW_REQ_NOTIFY_CB,
    /** A request joined a queue; the name is its trigger's. */
    TEVENT_CALL_FLOW_REQ_QUEUE_ENTER,
    /**
     * A queue is about to call a request's trigger from the loop (not
     * reported for the direct call of tevent_queue_add_optimize_empty()).
     */
    TEVENT_CALL_FLOW_REQ_QUEUE_TRIGGER,
    /**
     * An entry left a queue. Reported with the request at the head of the
     * queue, which need not be the one leaving, and the leaving entry's
     * trigger name.
     */
    TEVENT_CALL_FLOW_REQ_QUEUE_LEAVE,
};

/**
 * Receives the call-flow events of requests.
 *
 * @param private_data the pointer given to
 *        tevent_thread_call_depth_set_callback()
 * @param cmd what happened
 * @param req the request concerned, NULL for the reset after a loop
 *        iteration or a callback change
 * @param depth the call depth of the event (see the values of
 *        #tevent_thread_call_depth_cmd)
 * @param fname the function name that goes with @p cmd, or NULL
 * @since 0.15.0
 */
typedef void (*tevent_call_depth_callback_t)(
    void *private_data, enum tevent_thread_call_depth_cmd cmd,
    struct tevent_req *req, size_t depth, const char *fname);

/**
 * A thread's call-depth callback registration.
 *
 * Declared for source compatibility; use
 * tevent_thread_call_depth_set_callback() to change it.
 * @since 0.15.0
 */
struct tevent_thread_call_depth_state {
    /** The callback, or NULL when tracking is off. */
    tevent_call_depth_callback_t cb;
    /** Passed to @ref cb as its first argument. */
    void *cb_private;
};

/**
 * The calling thread's call-depth registration.
 *
 * Declared for source compatibility only: the library does not export
 * it, so a program that refers to it fails to link.
 * @since 0.15.0
 */
extern __thread struct tevent_thread_call_depth_state
    tevent_thread_call_depth_state_g;

/**
 * Sets the calling thread's call-depth callback.
 *
 * If a callback was set before, it first receives a
 * #TEVENT_CALL_FLOW_REQ_RESET. Each thread has its own callback.
 *
 * @param f the callback, or NULL to stop tracking
 * @param private_data passed to @p f
 * @since 0.15.0
 */
void tevent_thread_call_depth_set_callback(tevent_call_depth_callback_t f,
                                           void *private_data);

#ifdef TEVENT_DEPRECATED
/**
 * Does nothing; what remains of the call-depth interface of 0.14.
 *
 * @deprecated Use tevent_thread_call_depth_set_callback().
 * @param ptr ignored
 * @since 0.14.0
 */
void tevent_thread_call_depth_activate(size_t *ptr) _DEPRECATED_;
/**
 * Does nothing; what remains of the call-depth interface of 0.14.
 *
 * @deprecated Use tevent_thread_call_depth_set_callback().
 * @since 0.14.0
 */
void tevent_thread_call_depth_deactivate(void) _DEPRECATED_;
/**
 * Does nothing; what remains of the call-depth interface of 0.14.
 *
 * @deprecated Use tevent_thread_call_depth_set_callback().
 * @param req ignored
 * @since 0.14.0
 */
void tevent_thread_call_depth_start(struct tevent_req *req) _DEPRECATED_;
#endif

/**
 * Entry point kept for programs built against headers before 0.15.0;
 * source code gets the tevent_thread_call_depth_reset_from_req() macro
 * instead.
 *
 * Behaves like the macro, but reports no function name.
 *
 * @param req see tevent_thread_call_depth_reset_from_req()
 * @since 0.14.0
 */
void tevent_thread_call_depth_reset_from_req(struct tevent_req *req);
/**
 * Function behind the tevent_thread_call_depth_reset_from_req() macro;
 * call the macro instead.
 *
 * @param req see tevent_thread_call_depth_reset_from_req()
 * @param fname name of the calling function, reported to the callback
 *        (stored by pointer)
 * @since 0.15.0
 */
void _tevent_thread_call_depth_reset_from_req(struct tevent_req *req,
                                              const char *fname);
/**
 * Tells the call-depth callback that work continues at a request's
 * depth.
 *
 * Reports #TEVENT_CALL_FLOW_REQ_RESET with @p req, its depth and the
 * calling function's name, for code that resumes a request outside the
 * chain of tevent callbacks. Nothing happens without a callback.
 *
 * @param req the request
 * @since 0.14.0 (a macro since 0.15.0)
 */
#define tevent_thread_call_depth_reset_from_req(req)                           \
    _tevent_thread_call_depth_reset_from_req(req, __func__)

/** @} */

/* ---------------------------------------------------------------------
 * Request queues
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_queue Request queues
 * Letting requests use a resource (typically a socket) one at a time.
 *
 * A request joins a queue in its `_send` function and starts its real
 * work only when the queue calls its trigger. The queue calls the
 * trigger of one entry at a time, in the order the entries were added,
 * and always from the loop. It moves on when the active entry is freed,
 * normally because its request is freed: finishing or receiving the
 * request is not enough. The tutorial in doc/tevent_queue_tutorial.md
 * walks through an example.
 * @{
 */

/**
 * Stores a number of the caller's choice in a queue entry.
 *
 * tevent only keeps it; trace callbacks can use it to recognise the
 * entry. A new entry's tag is 0.
 *
 * @param qe the queue entry; NULL is ignored
 * @param tag the value to store
 * @since 0.12.0
 */
void tevent_queue_entry_set_tag(struct tevent_queue_entry *qe, uint64_t tag);
/**
 * Returns the number stored with tevent_queue_entry_set_tag().
 *
 * @param qe the queue entry, or NULL
 * @return the tag; 0 if none was set or @p qe is NULL
 * @since 0.12.0
 */
uint64_t tevent_queue_entry_get_tag(const struct tevent_queue_entry *qe);

/**
 * Trace callback for queue entries.
 *
 * An entry reports #TEVENT_EVENT_TRACE_ATTACH when it is added,
 * #TEVENT_EVENT_TRACE_BEFORE_HANDLER before its trigger runs and
 * #TEVENT_EVENT_TRACE_DETACH when it is freed (reported on the context of
 * the entry at the head of the queue at that moment).
 *
 * @param qe the queue entry
 * @param tevent_event_trace_point the point reached (the parameter is
 *        unnamed; this is its type)
 * @param private_data the pointer given to
 *        tevent_set_trace_queue_callback()
 * @ingroup tevent_trace
 * @since 0.12.0
 */
typedef void (*tevent_trace_queue_callback_t)(struct tevent_queue_entry *qe,
                                              enum tevent_event_trace_point,
                                              void *private_data);
/**
 * Installs the queue entry trace callback of a context.
 *
 * It sees the entries added with this context.
 *
 * @param ev the context; aborts for a wrapper context
 * @param cb the callback, or NULL to remove it
 * @param private_data passed to @p cb
 * @ingroup tevent_trace
 * @since 0.12.0
 */
void tevent_set_trace_queue_callback(struct tevent_context *ev,
                                     tevent_trace_queue_callback_t cb,
                                     void *private_data);
/**
 * Returns the queue entry trace callback of a context and its private
 * pointer.
 *
 * @param ev the context
 * @param cb receives the callback (NULL if none is set)
 * @param p_private_data despite its type, a `void **` that receives the
 *        private pointer
 * @ingroup tevent_trace
 * @since 0.12.0
 */
void tevent_get_trace_queue_callback(struct tevent_context *ev,
                                     tevent_trace_queue_callback_t *cb,
                                     void *p_private_data);

/**
 * Function behind the tevent_queue_create() macro; call the macro
 * instead.
 *
 * @param mem_ctx,name see tevent_queue_create()
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_queue_create()
 * @since 0.9.9
 */
struct tevent_queue *_tevent_queue_create(TALLOC_CTX *mem_ctx, const char *name,
                                          const char *location);
/**
 * Creates a queue, running and empty.
 *
 * The queue is a talloc child of @p _mem_ctx. Freeing it stops it and
 * frees all its entries, not their requests.
 *
 * @param _mem_ctx talloc parent of the queue
 * @param _name a name for the queue; copied
 * @return the queue, or NULL if memory ran out
 * @since 0.9.9
 */
#define tevent_queue_create(_mem_ctx, _name)                                   \
    _tevent_queue_create((_mem_ctx), (_name), __location__)

/**
 * Called when a request reaches the head of a running queue.
 *
 * From now on the request owns what the queue protects, until its entry
 * is freed. The trigger runs from an immediate event on the context the
 * entry was added with (directly inside
 * tevent_queue_add_optimize_empty() in its special case).
 *
 * @param req the queued request
 * @param private_data the pointer given when the request was queued
 * @since 0.9.9
 */
typedef void (*tevent_queue_trigger_fn_t)(struct tevent_req *req,
                                          void *private_data);

/**
 * Entry point kept for programs built against headers before 0.15.0;
 * source code gets the tevent_queue_add() macro instead.
 *
 * Behaves like the macro, but records no trigger name.
 *
 * @param queue,ev,req,trigger,private_data see tevent_queue_add()
 * @return see tevent_queue_add()
 * @since 0.9.9
 */
bool tevent_queue_add(struct tevent_queue *queue, struct tevent_context *ev,
                      struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
                      void *private_data);
/**
 * Function behind the tevent_queue_add() macro; call the macro instead.
 *
 * @param queue,ev,req,trigger,private_data see tevent_queue_add()
 * @param trigger_name name of the trigger for call-depth tracking
 *        (stored by pointer)
 * @return see tevent_queue_add()
 * @since 0.15.0
 */
bool _tevent_queue_add(struct tevent_queue *queue, struct tevent_context *ev,
                       struct tevent_req *req,
                       tevent_queue_trigger_fn_t trigger,
                       const char *trigger_name, void *private_data);
/**
 * Appends a request to a queue.
 *
 * The entry is a talloc child of @p req. When it reaches the head of the
 * running queue, @p trigger is called from an immediate event on @p ev,
 * never inside this call. Freeing the request (or the entry) takes it
 * out of the queue and lets the next entry go. A NULL @p trigger makes
 * an entry that only blocks the queue until it is freed.
 *
 * @param queue the queue
 * @param ev the context whose loop calls the trigger (a wrapper context
 *        is allowed)
 * @param req the request to queue
 * @param trigger called when the request's turn has come, see
 *        tevent_queue_trigger_fn_t; may be NULL
 * @param private_data passed to @p trigger
 * @return true, or false if memory ran out
 * @since 0.9.9 (a macro since 0.15.0)
 */
#define tevent_queue_add(queue, ev, req, trigger, private_data)                \
    _tevent_queue_add(queue, ev, req, trigger, #trigger, private_data)

/**
 * Entry point kept for programs built against headers before 0.15.0;
 * source code gets the tevent_queue_add_entry() macro instead.
 *
 * Behaves like the macro, but records no trigger name.
 *
 * @param queue,ev,req,trigger,private_data see tevent_queue_add_entry()
 * @return see tevent_queue_add_entry()
 * @since 0.9.14
 */
struct tevent_queue_entry *
tevent_queue_add_entry(struct tevent_queue *queue, struct tevent_context *ev,
                       struct tevent_req *req,
                       tevent_queue_trigger_fn_t trigger, void *private_data);
/**
 * Function behind the tevent_queue_add_entry() macro; call the macro
 * instead.
 *
 * @param queue,ev,req,trigger,private_data see tevent_queue_add_entry()
 * @param trigger_name name of the trigger for call-depth tracking
 *        (stored by pointer)
 * @return see tevent_queue_add_entry()
 * @since 0.15.0
 */
struct tevent_queue_entry *
_tevent_queue_add_entry(struct tevent_queue *queue, struct tevent_context *ev,
                        struct tevent_req *req,
                        tevent_queue_trigger_fn_t trigger,
                        const char *trigger_name, void *private_data);
/**
 * Appends a request to a queue and returns its entry.
 *
 * As tevent_queue_add(). Freeing the returned entry, instead of the
 * request, also takes the request out of the queue and lets the next
 * entry go, while the request lives on.
 *
 * The expansion ends with a semicolon, so the macro cannot be used
 * inside an expression (`e = tevent_queue_add_entry(...);` works).
 *
 * @param queue the queue
 * @param ev the context whose loop calls the trigger
 * @param req the request to queue
 * @param trigger called when the request's turn has come; may be NULL
 * @param private_data passed to @p trigger
 * @return the entry (a talloc child of @p req), or NULL if memory ran
 *         out
 * @since 0.9.14 (a macro since 0.15.0)
 */
#define tevent_queue_add_entry(queue, ev, req, trigger, private_data)          \
    _tevent_queue_add_entry(queue, ev, req, trigger, #trigger, private_data);

/**
 * Entry point kept for programs built against headers before 0.15.0;
 * source code gets the tevent_queue_add_optimize_empty() macro instead.
 *
 * Behaves like the macro, but records no trigger name.
 *
 * @param queue,ev,req,trigger,private_data see
 *        tevent_queue_add_optimize_empty()
 * @return see tevent_queue_add_optimize_empty()
 * @since 0.9.14
 */
struct tevent_queue_entry *tevent_queue_add_optimize_empty(
    struct tevent_queue *queue, struct tevent_context *ev,
    struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
    void *private_data);
/**
 * Function behind the tevent_queue_add_optimize_empty() macro; call the
 * macro instead.
 *
 * @param queue,ev,req,trigger,private_data see
 *        tevent_queue_add_optimize_empty()
 * @param trigger_name name of the trigger for call-depth tracking
 *        (stored by pointer)
 * @return see tevent_queue_add_optimize_empty()
 * @since 0.15.0
 */
struct tevent_queue_entry *_tevent_queue_add_optimize_empty(
    struct tevent_queue *queue, struct tevent_context *ev,
    struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
    const char *trigger_name, void *private_data);
/**
 * Appends a request to a queue, calling its trigger at once if the
 * queue is idle.
 *
 * If the queue was empty and is running, and @p req has no callback yet
 * (so nobody can be surprised by a request that finishes right away),
 * the trigger is called inside this call. Otherwise this behaves like
 * tevent_queue_add_entry().
 *
 * @param queue the queue
 * @param ev the context whose loop calls the trigger when it is not
 *        called at once
 * @param req the request to queue
 * @param trigger called when the request's turn has come; may be NULL
 * @param private_data passed to @p trigger
 * @return the entry (a talloc child of @p req), or NULL if memory ran
 *         out; when the trigger ran at once and freed the request, the
 *         entry is already gone
 * @since 0.9.14 (a macro since 0.15.0)
 */
#define tevent_queue_add_optimize_empty(queue, ev, req, trigger, private_data) \
    _tevent_queue_add_optimize_empty(queue, ev, req, trigger, #trigger,        \
                                     private_data)

/**
 * Lets the active entry of a stopped queue be triggered again.
 *
 * When the queue is started again, the trigger of @p entry runs again.
 * Hard abort if the queue is running or @p entry is not at its head.
 *
 * @param entry the entry at the head of a stopped queue
 * @since 0.9.36
 */
void tevent_queue_entry_untrigger(struct tevent_queue_entry *entry);

/**
 * Lets a stopped queue call triggers again.
 *
 * If the entry at its head has not been triggered yet, its trigger is
 * scheduled. Nothing happens if the queue is running.
 *
 * @param queue the queue
 * @since 0.9.9
 */
void tevent_queue_start(struct tevent_queue *queue);
/**
 * Stops a queue from calling triggers.
 *
 * Entries can still be added and removed; a trigger already scheduled
 * does not run. The active request, if any, is not affected.
 *
 * @param queue the queue
 * @since 0.9.9
 */
void tevent_queue_stop(struct tevent_queue *queue);

/**
 * Returns the number of entries in a queue, the active one included.
 *
 * @param queue the queue
 * @return the number of entries
 * @since 0.9.9
 */
size_t tevent_queue_length(struct tevent_queue *queue);

/**
 * Tells whether a queue is running (calls triggers).
 *
 * @param queue the queue
 * @return false after tevent_queue_stop(), true otherwise
 * @since 0.9.14
 */
bool tevent_queue_running(struct tevent_queue *queue);

/**
 * Creates a request that finishes when it reaches the head of a queue.
 *
 * By then every entry queued before it has left, and no entry queued
 * after it starts until this request is freed: it works as a lock on
 * the queue.
 *
 * @param mem_ctx talloc parent of the request
 * @param ev the context whose loop runs it
 * @param queue the queue
 * @return the request, or NULL if memory ran out (if only queueing
 *         failed, the request is returned finished with
 *         #TEVENT_REQ_NO_MEMORY and posted)
 * @since 0.9.20
 */
struct tevent_req *tevent_queue_wait_send(TALLOC_CTX *mem_ctx,
                                          struct tevent_context *ev,
                                          struct tevent_queue *queue);
/**
 * Collects the result of tevent_queue_wait_send().
 *
 * Calls tevent_req_received(). The request still holds the queue until
 * it is freed.
 *
 * @param req the request
 * @return true if the request reached the head of the queue, false if
 *         it failed
 * @since 0.9.20
 */
bool tevent_queue_wait_recv(struct tevent_req *req);

/** @} */

/**
 * Hook called around every call of a loop function of a context.
 *
 * Installed with tevent_loop_set_nesting_hook(). tevent_loop_once() and
 * tevent_loop_until() call it with @p begin true before their work and
 * with @p begin false after it.
 *
 * @param ev the context
 * @param private_data the pointer given to tevent_loop_set_nesting_hook()
 * @param level the nesting level: 1 for a loop function called from
 *        outside any handler, more for nested calls
 * @param begin true before the iteration, false after it
 * @param stack_ptr a `void **` pointing at a slot that is NULL at the
 *        begin call and kept until the matching end call, for the hook's
 *        own use
 * @param location source location of the loop function's caller
 * @return 0 to go on; any other value makes the loop function return it
 *         (at the begin call, without running the iteration)
 * @ingroup tevent_loop
 * @since 0.9.9
 */
typedef int (*tevent_nesting_hook)(struct tevent_context *ev,
                                   void *private_data, uint32_t level,
                                   bool begin, void *stack_ptr,
                                   const char *location);

/* ---------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_threads Threads
 * Handing work from other threads to the thread that runs a context.
 *
 * tevent contexts are not thread-safe; these are the two ways for another
 * thread to get a handler run in a context's loop. A thread proxy
 * transfers the immediate and its private data into tevent's ownership.
 * A threaded context schedules an immediate that the caller keeps
 * owning. talloc is not thread-safe either: objects handed over must
 * not belong to a talloc tree that another thread changes meanwhile.
 * @{
 */

/**
 * Creates a proxy through which other threads hand immediates to a
 * context.
 *
 * Call it in the thread of @p dest_ev_ctx. The proxy is a talloc child of
 * @p dest_ev_ctx and owns a pipe with an fd event on it; while the proxy
 * exists, tevent_loop_wait() does not run out of events. Free it in the
 * thread of @p dest_ev_ctx.
 *
 * @param dest_ev_ctx the context whose loop runs the handlers; not a
 *        wrapper context
 * @return the proxy; NULL if memory, the pipe or the fd event could not
 *         be had, or NULL with errno `EINVAL` for a wrapper context
 * @since 0.9.26
 */
struct tevent_thread_proxy *
tevent_thread_proxy_create(struct tevent_context *dest_ev_ctx);

/**
 * From any thread: hands an immediate to a proxy's context, where it
 * runs a handler.
 *
 * tevent takes over `*pp_im` and the private data `*pp_private_data`
 * (talloc_move(); both pointers are set to NULL) and wakes up the
 * destination loop, which schedules the immediate. After the handler has
 * run, tevent frees the immediate and the private data: the handler
 * talloc_steal()s what it wants to keep. Immediates handed over before
 * the destination loop picks them up run newest first. If memory runs
 * out, nothing happens and the caller keeps both objects.
 *
 * @param tp the proxy
 * @param pp_im address of an unscheduled immediate
 * @param handler run in the destination loop, see
 *        tevent_immediate_handler_t
 * @param pp_private_data despite its type, the address of a pointer to
 *        talloc private data (a `void **`), or NULL for none
 * @since 0.9.26
 */
void tevent_thread_proxy_schedule(struct tevent_thread_proxy *tp,
                                  struct tevent_immediate **pp_im,
                                  tevent_immediate_handler_t handler,
                                  void *pp_private_data);

/**
 * Creates a handle through which other threads schedule immediates on a
 * context.
 *
 * Call it in the thread of @p ev. The handle is a talloc child of
 * @p mem_ctx; free it in the thread of @p ev. Once @p ev is freed,
 * scheduling through the handle does nothing.
 *
 * @param mem_ctx talloc parent of the handle
 * @param ev the context (or a wrapper context) whose loop runs the
 *        handlers
 * @return the handle; NULL if memory ran out, or NULL with errno set if
 *         the context's wakeup descriptor could not be created (or
 *         `EINVAL` for a wrapper context whose main context was freed)
 * @since 0.9.30
 */
struct tevent_threaded_context *
tevent_threaded_context_create(TALLOC_CTX *mem_ctx, struct tevent_context *ev);

/**
 * Function behind the tevent_threaded_schedule_immediate() macro; call
 * the macro instead.
 *
 * @param tctx,im,handler,private_data see
 *        tevent_threaded_schedule_immediate()
 * @param handler_name name of the handler for debug and trace output
 *        (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @since 0.9.30
 */
void _tevent_threaded_schedule_immediate(struct tevent_threaded_context *tctx,
                                         struct tevent_immediate *im,
                                         tevent_immediate_handler_t handler,
                                         void *private_data,
                                         const char *handler_name,
                                         const char *location);
/**
 * From any thread: schedules an immediate to run a handler in the loop
 * of a threaded context's context.
 *
 * The loop is woken up and takes the immediate over at the start of its
 * next iteration, so the handler runs one iteration later at the
 * earliest. The immediate must not be scheduled already, and must not
 * be freed before the loop took it over; both are a hard abort, as is a
 * NULL @p handler. If the context was freed, nothing happens.
 *
 * The expansion ends with a semicolon, so the macro cannot be used as an
 * expression or as the only statement of an unbraced `if`/`else`.
 *
 * @param tctx the threaded context
 * @param im the immediate; the caller keeps owning it
 * @param handler see tevent_immediate_handler_t; not NULL
 * @param private_data passed to @p handler
 * @since 0.9.30
 */
#define tevent_threaded_schedule_immediate(tctx, im, handler, private_data)    \
    _tevent_threaded_schedule_immediate(tctx, im, handler, private_data,       \
                                        #handler, __location__);

/** @} */

/* ---------------------------------------------------------------------
 * Nested loops (deprecated)
 * ------------------------------------------------------------------- */

#ifdef TEVENT_DEPRECATED
/**
 * Allows the loop functions of a context to be entered from inside its
 * own handlers.
 *
 * The permission cannot be taken back. Nested loops make handlers
 * re-entrant, which few are written for. A context that allows nesting
 * cannot have wrapper contexts.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param ev the context; aborts for a wrapper context or one that has
 *        wrappers
 * @ingroup tevent_loop
 * @since 0.9.9
 */
void tevent_loop_allow_nesting(struct tevent_context *ev) _DEPRECATED_;

/**
 * Installs the nesting hook of a context.
 *
 * A context has at most one hook: installing a different hook or
 * private pointer (NULL included) while one is set aborts; installing
 * the same again does nothing.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param ev the context
 * @param hook see tevent_nesting_hook
 * @param private_data passed to @p hook
 * @ingroup tevent_loop
 * @since 0.9.9
 */
void tevent_loop_set_nesting_hook(struct tevent_context *ev,
                                  tevent_nesting_hook hook,
                                  void *private_data) _DEPRECATED_;

/**
 * Function behind the tevent_loop_until() macro; call the macro instead.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param ev,finished,private_data see tevent_loop_until()
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_loop_until()
 * @ingroup tevent_loop
 * @since 0.9.9
 */
int _tevent_loop_until(struct tevent_context *ev,
                       bool (*finished)(void *private_data), void *private_data,
                       const char *location) _DEPRECATED_;
/**
 * Runs loop iterations until a condition holds.
 *
 * @p finished is checked before every iteration. The nesting rules are
 * those of tevent_loop_once().
 *
 * @param ev the context
 * @param finished returns true when the loop should stop
 * @param private_data passed to @p finished
 * @return 0 once @p finished returned true, or the first nonzero result
 *         of an iteration (see tevent_loop_once())
 * @ingroup tevent_loop
 * @since 0.9.9
 */
#define tevent_loop_until(ev, finished, private_data)                          \
    _tevent_loop_until(ev, finished, private_data, __location__)
#endif

/**
 * Starts the backend of a context afresh, typically in a child process
 * after fork().
 *
 * All events of @p ev are detached as when the context is freed: they
 * stay allocated but never run again. Then the backend is set up anew,
 * and the context is as good as new. Debug and trace settings, the wait
 * timeout and the permission to nest are kept; a nesting hook is
 * removed. It may be called from inside one of @p ev's handlers.
 *
 * Without this call a child can go on using the inherited context: the
 * epoll backend notices the fork and registers its descriptors again.
 *
 * @param ev the context; aborts for a wrapper context
 * @return 0, or nonzero if the backend could not be set up
 * @ingroup tevent_context
 * @since 0.9.9
 */
int tevent_re_initialise(struct tevent_context *ev);

/* ---------------------------------------------------------------------
 * Backend interface
 * ------------------------------------------------------------------- */

/**
 * @defgroup tevent_backend Writing a backend
 * The operations table of an event loop backend and the backend
 * registry.
 *
 * The built-in backends cover Linux; another backend is a
 * struct tevent_ops registered with tevent_register_backend() or passed
 * to tevent_context_init_ops(). The library's own bookkeeping for
 * events is available to backends through the functions of
 * tevent_internal.h (see @ref tevent_common).
 * @{
 */

/**
 * Operations table implemented by an event loop backend.
 *
 * tevent uses the table by pointer, so it must outlive every context
 * that uses it. Each member implements one public function; the
 * functions of @ref tevent_common do the backend-independent part.
 * @since 0.9.9
 */
struct tevent_ops {
    /**
     * Sets up the backend for a new context, from
     * tevent_context_init_ops() and tevent_re_initialise(). Returns 0, or
     * nonzero to make the context creation fail.
     */
    int (*context_init)(struct tevent_context *ev);

    /* file descriptor events */
    /** Implements tevent_add_fd() (see tevent_common_add_fd()). */
    struct tevent_fd *(*add_fd)(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                                int fd, uint16_t flags,
                                tevent_fd_handler_t handler, void *private_data,
                                const char *handler_name, const char *location);
    /** Implements tevent_fd_set_close_fn(). */
    void (*set_fd_close_fn)(struct tevent_fd *fde,
                            tevent_fd_close_fn_t close_fn);
    /** Implements tevent_fd_get_flags(). */
    uint16_t (*get_fd_flags)(struct tevent_fd *fde);
    /** Implements tevent_fd_set_flags(). */
    void (*set_fd_flags)(struct tevent_fd *fde, uint16_t flags);

    /* timers */
    /** Implements tevent_add_timer() (see tevent_common_add_timer_v2()). */
    struct tevent_timer *(*add_timer)(
        struct tevent_context *ev, TALLOC_CTX *mem_ctx,
        struct timeval next_event, tevent_timer_handler_t handler,
        void *private_data, const char *handler_name, const char *location);

    /* immediate events */
    /**
     * Implements tevent_schedule_immediate() (see
     * tevent_common_schedule_immediate()).
     */
    void (*schedule_immediate)(struct tevent_immediate *im,
                               struct tevent_context *ev,
                               tevent_immediate_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location);

    /* signal events */
    /**
     * Implements tevent_add_signal() (see tevent_common_add_signal()); NULL
     * if the backend has no signal support (tevent_signal_support()).
     */
    struct tevent_signal *(*add_signal)(
        struct tevent_context *ev, TALLOC_CTX *mem_ctx, int signum,
        int sa_flags, tevent_signal_handler_t handler, void *private_data,
        const char *handler_name, const char *location);

    /* running the loop */
    /**
     * Runs one loop iteration for tevent_loop_once(), which has already
     * done the nesting check and the loop trace points.
     */
    int (*loop_once)(struct tevent_context *ev, const char *location);
    /** Implements tevent_loop_wait() (see tevent_common_loop_wait()). */
    int (*loop_wait)(struct tevent_context *ev, const char *location);
};

/**
 * Registers a backend under a name.
 *
 * The backend can then be chosen with tevent_context_init_byname() or
 * tevent_set_default_backend(). If the name is taken, the existing entry
 * stays and the call still succeeds; so a backend registered under a
 * built-in name before the first context is created replaces that
 * built-in backend.
 * Process-wide and not thread-safe.
 *
 * @param name the backend name; stored by pointer, so it must stay valid
 * @param ops the backend; stored by pointer, so it must stay valid
 * @return true, or false if memory ran out
 * @since 0.9.9
 */
bool tevent_register_backend(const char *name, const struct tevent_ops *ops);

/**
 * Looks up a registered backend.
 *
 * @param name the backend name, or NULL for the default backend (see
 *        tevent_set_default_backend())
 * @return the backend's operations, or NULL if no backend has that name
 * @since 0.14.0
 */
const struct tevent_ops *tevent_find_ops_byname(const char *name);

/** @} */

/* ---------------------------------------------------------------------
 * Wrapper contexts (deprecated)
 * ------------------------------------------------------------------- */

#ifdef TEVENT_DEPRECATED

/**
 * @defgroup tevent_wrapper Wrapper contexts
 * A second context on top of a main context, which runs hooks around
 * each handler, for instance to switch user or security context.
 *
 * Events created through a wrapper context live on the main context's
 * loop, but their handlers run between the wrapper's before and after
 * hooks and receive the wrapper as their context. Code outside handlers
 * enters a wrapper's environment with tevent_context_push_use(). The
 * loop functions, debug and trace settings and nesting refuse a wrapper
 * (they abort). Wrappers cannot be stacked.
 *
 * All of this is declared only with `TEVENT_DEPRECATED`.
 * @{
 */

/**
 * Hooks of a wrapper context.
 *
 * tevent calls every hook without checking it, so none may be NULL. Each
 * hook receives the wrapper context, the wrapper's private state and the
 * main context; the handler hooks also receive the event, its handler's
 * name and the location where the event was created or scheduled.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @since 0.9.37
 */
struct tevent_wrapper_ops {
    /** A name for the wrapper type; tevent does not use it. */
    const char *name;

    /**
     * Called by tevent_context_push_use(); returns false to refuse the
     * use.
     */
    bool (*before_use)(struct tevent_context *wrap_ev, void *private_state,
                       struct tevent_context *main_ev, const char *location);
    /** Called by tevent_context_pop_use(). */
    void (*after_use)(struct tevent_context *wrap_ev, void *private_state,
                      struct tevent_context *main_ev, const char *location);

    /** Called before the handler of an fd event, with its ready flags. */
    void (*before_fd_handler)(struct tevent_context *wrap_ev,
                              void *private_state,
                              struct tevent_context *main_ev,
                              struct tevent_fd *fde, uint16_t flags,
                              const char *handler_name, const char *location);
    /** Called after the handler of an fd event. */
    void (*after_fd_handler)(struct tevent_context *wrap_ev,
                             void *private_state,
                             struct tevent_context *main_ev,
                             struct tevent_fd *fde, uint16_t flags,
                             const char *handler_name, const char *location);

    /**
     * Called before the handler of a timer, with its deadline and the
     * time passed to the handler.
     */
    void (*before_timer_handler)(
        struct tevent_context *wrap_ev, void *private_state,
        struct tevent_context *main_ev, struct tevent_timer *te,
        struct timeval requested_time, struct timeval trigger_time,
        const char *handler_name, const char *location);
    /** Called after the handler of a timer. */
    void (*after_timer_handler)(struct tevent_context *wrap_ev,
                                void *private_state,
                                struct tevent_context *main_ev,
                                struct tevent_timer *te,
                                struct timeval requested_time,
                                struct timeval trigger_time,
                                const char *handler_name, const char *location);

    /** Called before the handler of an immediate event. */
    void (*before_immediate_handler)(struct tevent_context *wrap_ev,
                                     void *private_state,
                                     struct tevent_context *main_ev,
                                     struct tevent_immediate *im,
                                     const char *handler_name,
                                     const char *location);
    /** Called after the handler of an immediate event. */
    void (*after_immediate_handler)(struct tevent_context *wrap_ev,
                                    void *private_state,
                                    struct tevent_context *main_ev,
                                    struct tevent_immediate *im,
                                    const char *handler_name,
                                    const char *location);

    /**
     * Called before the handler of a signal event, with the arguments
     * the handler gets.
     */
    void (*before_signal_handler)(struct tevent_context *wrap_ev,
                                  void *private_state,
                                  struct tevent_context *main_ev,
                                  struct tevent_signal *se, int signum,
                                  int count, void *siginfo,
                                  const char *handler_name,
                                  const char *location);
    /** Called after the handler of a signal event. */
    void (*after_signal_handler)(struct tevent_context *wrap_ev,
                                 void *private_state,
                                 struct tevent_context *main_ev,
                                 struct tevent_signal *se, int signum,
                                 int count, void *siginfo,
                                 const char *handler_name,
                                 const char *location);
};

/**
 * Function behind the tevent_context_wrapper_create() macro; call the
 * macro instead.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param main_ev,mem_ctx,ops see tevent_context_wrapper_create()
 * @param pstate address of the state pointer (a `void **` in disguise)
 * @param psize size of the private state in bytes
 * @param type talloc name of the private state (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_context_wrapper_create()
 * @since 0.9.37
 */
struct tevent_context *_tevent_context_wrapper_create(
    struct tevent_context *main_ev, TALLOC_CTX *mem_ctx,
    const struct tevent_wrapper_ops *ops, void *pstate, size_t psize,
    const char *type, const char *location) _DEPRECATED_;
/**
 * Creates a wrapper context on top of a main context.
 *
 * The wrapper is a talloc child of @p mem_ctx. It gets a zeroed private
 * state of type @p type (talloc name: the type's name), passed to every
 * hook. Freeing the wrapper detaches every event created through it:
 * they stay allocated but never run again; the main context goes on. If
 * the main context is freed first, the wrapper stays but refuses new
 * events.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param main_ev the main context; not a wrapper, and not allowed to
 *        nest
 * @param mem_ctx talloc parent of the wrapper
 * @param ops the hooks; stored by pointer, so they must stay valid
 * @param state address of a pointer to @p type; receives the private
 *        state
 * @param type the type of the private state, for instance
 *        `struct foo_wrapper_state`
 * @return the wrapper context; NULL if memory ran out, or NULL with errno
 *         `EINVAL` if @p main_ev is a wrapper or allows nesting
 * @since 0.9.37
 */
#define tevent_context_wrapper_create(main_ev, mem_ctx, ops, state, type)      \
    _tevent_context_wrapper_create(main_ev, mem_ctx, ops, state, sizeof(type), \
                                   #type, __location__)

/**
 * Tells whether a context is a wrapper context.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param ev the context
 * @return true for a wrapper context
 * @since 0.9.37
 */
bool tevent_context_is_wrapper(struct tevent_context *ev) _DEPRECATED_;

/**
 * Function behind the tevent_context_push_use() macro; call the macro
 * instead.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param ev see tevent_context_push_use()
 * @param location source location of the caller, passed to the hook
 *        (stored by pointer)
 * @return see tevent_context_push_use()
 * @since 0.9.37
 */
bool _tevent_context_push_use(struct tevent_context *ev,
                              const char *location) _DEPRECATED_;
/**
 * Enters the environment of a wrapper context outside its handlers.
 *
 * For a wrapper context it calls the `before_use` hook. Each successful
 * call must be matched by tevent_context_pop_use(). Uses are recorded on
 * a process-wide stack of 32 entries; entering a wrapper that is already
 * in use, or overflowing the stack, aborts. For a main context only the
 * use is recorded.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param ev the wrapper (or main) context
 * @return true; false if the hook refused or the wrapper's main context
 *         was freed (do not call tevent_context_pop_use() then)
 * @since 0.9.37
 */
#define tevent_context_push_use(ev) _tevent_context_push_use(ev, __location__)

/**
 * Function behind the tevent_context_pop_use() macro; call the macro
 * instead.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param ev see tevent_context_pop_use()
 * @param location source location of the caller, passed to the hook
 *        (stored by pointer)
 * @since 0.9.37
 */
void _tevent_context_pop_use(struct tevent_context *ev,
                             const char *location) _DEPRECATED_;
/**
 * Leaves the environment entered with tevent_context_push_use().
 *
 * For a wrapper context it calls the `after_use` hook. Aborts if @p ev
 * is not the most recent use.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param ev the context given to tevent_context_push_use()
 * @since 0.9.37
 */
#define tevent_context_pop_use(ev) _tevent_context_pop_use(ev, __location__)

/**
 * Tells whether two contexts run on the same main loop.
 *
 * A wrapper context counts as its main context.
 *
 * @deprecated Only declared with `TEVENT_DEPRECATED`.
 * @param ev1 a context
 * @param ev2 another context
 * @return true if both have the same main context; false otherwise, or
 *         if the main context of @p ev1 was freed
 * @since 0.9.37
 */
bool tevent_context_same_loop(struct tevent_context *ev1,
                              struct tevent_context *ev2) _DEPRECATED_;

/** @} */

#endif /* TEVENT_DEPRECATED */

/* ---------------------------------------------------------------------
 * Old event_* names (opt-in)
 * ------------------------------------------------------------------- */

#ifdef TEVENT_COMPAT_DEFINES

/**
 * @defgroup tevent_compat Old event_* names
 * The names of the events library tevent grew out of, for old code.
 *
 * Declared only when `TEVENT_COMPAT_DEFINES` is defined before the
 * header is included. Each name stands for the tevent name it expands
 * to; new code uses the tevent names.
 * @{
 */

/* Type names */
/** Old name of struct tevent_context. @since 0.9.9 */
#define event_context tevent_context
/** Old name of struct tevent_ops. @since 0.9.9 */
#define event_ops tevent_ops
/** Old name of struct tevent_fd. @since 0.9.9 */
#define fd_event tevent_fd
/** Old name of struct tevent_timer. @since 0.9.9 */
#define timed_event tevent_timer
/** Old name of struct tevent_signal. @since 0.9.9 */
#define signal_event tevent_signal
/** Old name of tevent_fd_handler_t. @since 0.9.9 */
#define event_fd_handler_t tevent_fd_handler_t
/** Old name of tevent_timer_handler_t. @since 0.9.9 */
#define event_timed_handler_t tevent_timer_handler_t
/** Old name of tevent_signal_handler_t. @since 0.9.9 */
#define event_signal_handler_t tevent_signal_handler_t

/* Contexts, events and the loop */
/**
 * Old name of tevent_context_init().
 * @param mem_ctx see tevent_context_init()
 * @since 0.9.9
 */
#define event_context_init(mem_ctx) tevent_context_init(mem_ctx)
/**
 * Old name of tevent_context_init_byname().
 * @param mem_ctx,name see tevent_context_init_byname()
 * @since 0.9.9
 */
#define event_context_init_byname(mem_ctx, name)                               \
    tevent_context_init_byname(mem_ctx, name)
/**
 * Old name of tevent_backend_list().
 * @param mem_ctx see tevent_backend_list()
 * @since 0.9.9
 */
#define event_backend_list(mem_ctx) tevent_backend_list(mem_ctx)
/**
 * Old name of tevent_set_default_backend().
 * @param backend see tevent_set_default_backend()
 * @since 0.9.9
 */
#define event_set_default_backend(backend) tevent_set_default_backend(backend)
/**
 * Old name of tevent_add_fd().
 * @param ev,mem_ctx,fd,flags,handler,private_data see tevent_add_fd()
 * @since 0.9.9
 */
#define event_add_fd(ev, mem_ctx, fd, flags, handler, private_data)            \
    tevent_add_fd(ev, mem_ctx, fd, flags, handler, private_data)
/**
 * Old name of tevent_add_timer().
 * @param ev,mem_ctx,next_event,handler,private_data see tevent_add_timer()
 * @since 0.9.9
 */
#define event_add_timed(ev, mem_ctx, next_event, handler, private_data)        \
    tevent_add_timer(ev, mem_ctx, next_event, handler, private_data)
/**
 * Old name of tevent_add_signal().
 * @param ev,mem_ctx,signum,sa_flags,handler,private_data see
 *        tevent_add_signal()
 * @since 0.9.9
 */
#define event_add_signal(ev, mem_ctx, signum, sa_flags, handler, private_data) \
    tevent_add_signal(ev, mem_ctx, signum, sa_flags, handler, private_data)
/**
 * Old name of tevent_loop_once().
 * @param ev see tevent_loop_once()
 * @since 0.9.9
 */
#define event_loop_once(ev) tevent_loop_once(ev)
/**
 * Old name of tevent_loop_wait().
 * @param ev see tevent_loop_wait()
 * @since 0.9.9
 */
#define event_loop_wait(ev) tevent_loop_wait(ev)
/**
 * Old name of tevent_fd_get_flags().
 * @param fde see tevent_fd_get_flags()
 * @since 0.9.9
 */
#define event_get_fd_flags(fde) tevent_fd_get_flags(fde)
/**
 * Old name of tevent_fd_set_flags().
 * @param fde,flags see tevent_fd_set_flags()
 * @since 0.9.9
 */
#define event_set_fd_flags(fde, flags) tevent_fd_set_flags(fde, flags)

/* fd event flags */
/** Old name of #TEVENT_FD_READ. @since 0.9.9 */
#define EVENT_FD_READ TEVENT_FD_READ
/** Old name of #TEVENT_FD_WRITE. @since 0.9.9 */
#define EVENT_FD_WRITE TEVENT_FD_WRITE
/**
 * Old name of TEVENT_FD_WRITEABLE().
 * @param fde see TEVENT_FD_WRITEABLE()
 * @since 0.9.9
 */
#define EVENT_FD_WRITEABLE(fde) TEVENT_FD_WRITEABLE(fde)
/**
 * Old name of TEVENT_FD_READABLE().
 * @param fde see TEVENT_FD_READABLE()
 * @since 0.9.9
 */
#define EVENT_FD_READABLE(fde) TEVENT_FD_READABLE(fde)
/**
 * Old name of TEVENT_FD_NOT_WRITEABLE().
 * @param fde see TEVENT_FD_NOT_WRITEABLE()
 * @since 0.9.9
 */
#define EVENT_FD_NOT_WRITEABLE(fde) TEVENT_FD_NOT_WRITEABLE(fde)
/**
 * Old name of TEVENT_FD_NOT_READABLE().
 * @param fde see TEVENT_FD_NOT_READABLE()
 * @since 0.9.9
 */
#define EVENT_FD_NOT_READABLE(fde) TEVENT_FD_NOT_READABLE(fde)

/* Debugging */
/** Old name of enum tevent_debug_level. @since 0.9.9 */
#define ev_debug_level tevent_debug_level
/** Old name of #TEVENT_DEBUG_FATAL. @since 0.9.9 */
#define EV_DEBUG_FATAL TEVENT_DEBUG_FATAL
/** Old name of #TEVENT_DEBUG_ERROR. @since 0.9.9 */
#define EV_DEBUG_ERROR TEVENT_DEBUG_ERROR
/** Old name of #TEVENT_DEBUG_WARNING. @since 0.9.9 */
#define EV_DEBUG_WARNING TEVENT_DEBUG_WARNING
/** Old name of #TEVENT_DEBUG_TRACE. @since 0.9.9 */
#define EV_DEBUG_TRACE TEVENT_DEBUG_TRACE
/**
 * Old name of tevent_set_debug().
 * @param ev,debug,context see tevent_set_debug()
 * @since 0.9.9
 */
#define ev_set_debug(ev, debug, context) tevent_set_debug(ev, debug, context)
/**
 * Old name of tevent_set_debug_stderr(), with a quirk kept from tevent.
 *
 * The expansion ignores its argument and uses whatever variable named
 * `ev` is in scope where the macro is used.
 * @param _ev ignored
 * @since 0.9.9
 */
#define ev_set_debug_stderr(_ev) tevent_set_debug_stderr(ev)

/** @} */

#endif /* TEVENT_COMPAT_DEFINES */

#ifdef __cplusplus
}
#endif

#endif /* __TEVENT_H__ */
