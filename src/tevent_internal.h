/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * tevent-cxx: the backend-writer interface.
 *
 * These functions are exported by libtevent.so.0 (upstream ships their
 * prototypes in an uninstalled header) so that out-of-tree backends
 * registered with tevent_register_backend() or passed to
 * tevent_context_init_ops() can reuse the common event bookkeeping.
 * This header is C and C++ compatible and is not installed.
 */
/**
 * @file tevent_internal.h
 * @brief The backend-writer functions: exported by the library, declared
 * in a header that is not installed.
 *
 * A backend (a struct tevent_ops passed to tevent_context_init_ops() or
 * registered with tevent_register_backend()) calls these functions for
 * the bookkeeping that all backends share; the built-in backends use
 * them too. They follow the rules of tevent.h. Most of them are meant to
 * be called from a backend's operations on the backend's own context.
 */
#ifndef TEVENT_CXX_TEVENT_INTERNAL_H
#define TEVENT_CXX_TEVENT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#ifndef TEVENT_DEPRECATED
#define TEVENT_DEPRECATED
#endif
#include "tevent.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup tevent_common Backend-writer functions
 * The bookkeeping shared by all backends, declared in tevent_internal.h.
 *
 * A backend's operations (see struct tevent_ops) build on these: the
 * `tevent_common_add_*` functions allocate and link events without
 * registering anything with the operating system, the
 * `tevent_common_invoke_*` functions run a handler with the wrapper
 * hooks, trace points and deferred frees that tevent promises, and
 * `tevent_common_loop_timer_delay()`, `tevent_common_loop_immediate()`
 * and `tevent_common_check_signal()` do the parts of a loop iteration
 * that come before waiting.
 * @{
 */

/**
 * The common part of a context's teardown.
 *
 * Detaches every event, threaded context and wrapper of @p ev and closes
 * its wakeup descriptor, as freeing the context does; the events stay
 * allocated. For backends that tear a context down themselves.
 *
 * @param ev the context; aborts for a wrapper context
 * @return 0
 * @since 0.9.9
 */
int tevent_common_context_destructor(struct tevent_context *ev);
/**
 * The loop_wait operation of the built-in backends.
 *
 * Calls tevent_loop_once() while tevent_common_have_events() is true.
 *
 * @param ev the context
 * @param location source location of the caller (stored by pointer)
 * @return 0 when no events are left, or the first nonzero result of
 *         tevent_loop_once()
 * @since 0.9.9
 */
int tevent_common_loop_wait(struct tevent_context *ev, const char *location);

/**
 * The talloc destructor of fd events.
 *
 * Takes the event out of its context and runs its close function. A
 * backend that installs its own destructor calls this from it, after
 * removing the descriptor from its own structures.
 *
 * @param fde the fd event being freed
 * @return 0; -1 (keep the memory) while the event's handler runs, the
 *         free is then completed when the handler returns. Aborts on a
 *         second explicit free.
 * @since 0.9.9
 */
int tevent_common_fd_destructor(struct tevent_fd *fde);
/**
 * The backend-independent part of adding an fd event.
 *
 * Allocates the event (talloc parent @p mem_ctx, or @p ev if NULL),
 * links it into the context, reports #TEVENT_EVENT_TRACE_ATTACH and
 * installs tevent_common_fd_destructor(). The backend then registers the
 * descriptor with the operating system.
 *
 * @param ev,mem_ctx,fd,flags,handler,private_data see tevent_add_fd()
 * @param handler_name name of the handler (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @return the fd event, or NULL if @p fd is negative or memory ran out
 * @since 0.9.9
 */
struct tevent_fd *
tevent_common_add_fd(struct tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                     uint16_t flags, tevent_fd_handler_t handler,
                     void *private_data, const char *handler_name,
                     const char *location);
/**
 * Stores the close function of an fd event, without more.
 *
 * @param fde the fd event
 * @param close_fn see tevent_fd_set_close_fn()
 * @since 0.9.9
 */
void tevent_common_fd_set_close_fn(struct tevent_fd *fde,
                                   tevent_fd_close_fn_t close_fn);
/**
 * Returns the stored flags of an fd event.
 *
 * @param fde the fd event
 * @return its flags
 * @since 0.9.9
 */
uint16_t tevent_common_fd_get_flags(struct tevent_fd *fde);
/**
 * Stores the flags of an fd event, without telling any backend.
 *
 * @param fde the fd event
 * @param flags the new flags
 * @since 0.9.9
 */
void tevent_common_fd_set_flags(struct tevent_fd *fde, uint16_t flags);
/**
 * Runs the handler of an fd event.
 *
 * With the wrapper hooks and the #TEVENT_EVENT_TRACE_BEFORE_HANDLER trace
 * point; if the handler freed the event, the free is completed here.
 * Nothing runs for an event whose context is gone.
 *
 * @param fde the fd event
 * @param flags the ready events to pass to the handler
 * @param removed if not NULL, set to whether the event was freed (its
 *        memory is gone then)
 * @return 0
 * @since 0.9.37
 */
int tevent_common_invoke_fd_handler(struct tevent_fd *fde, uint16_t flags,
                                    bool *removed);

/**
 * Adds a timer the way old backends expect.
 *
 * Unlike tevent_common_add_timer_v2(), a zero deadline gets no special
 * place: the timer is sorted in after every timer with the same or an
 * earlier deadline. Kept for backends written before 0.9.18.
 *
 * @param ev,mem_ctx,next_event,handler,private_data see tevent_add_timer()
 * @param handler_name name of the handler (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @return the timer, or NULL if memory ran out
 * @since 0.9.9
 */
struct tevent_timer *
tevent_common_add_timer(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                        struct timeval next_event,
                        tevent_timer_handler_t handler, void *private_data,
                        const char *handler_name, const char *location);
/**
 * Adds a timer as tevent_add_timer() does; the add_timer operation of
 * the built-in backends.
 *
 * Timers with the zero time as deadline keep the order they were added
 * in, ahead of zero-deadline timers placed by tevent_update_timer() or
 * tevent_common_add_timer().
 *
 * @param ev,mem_ctx,next_event,handler,private_data see tevent_add_timer()
 * @param handler_name name of the handler (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @return the timer, or NULL if memory ran out
 * @since 0.9.18
 */
struct tevent_timer *
tevent_common_add_timer_v2(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                           struct timeval next_event,
                           tevent_timer_handler_t handler, void *private_data,
                           const char *handler_name, const char *location);
/**
 * Runs the earliest timer if it is due, or says how long to wait.
 *
 * @param ev the context
 * @return the zero time if a timer ran. Otherwise the time until the
 *         earliest timer, or the context's wait timeout when there is no
 *         timer; `{0, INT32_MAX}` (`tv_usec` of `INT32_MAX`) means "do not
 *         block" (wait timeout 0) and a `tv_sec` of `INT32_MAX` means "no
 *         limit".
 * @since 0.9.9
 */
struct timeval tevent_common_loop_timer_delay(struct tevent_context *ev);
/**
 * Runs the handler of a timer and frees the timer.
 *
 * With the wrapper hooks and the trace points. Nothing runs for a timer
 * whose context is gone.
 *
 * @param te the timer
 * @param current_time the time to pass to the handler
 * @param removed if not NULL, set to whether the timer was run and freed
 * @return 0
 * @since 0.9.37
 */
int tevent_common_invoke_timer_handler(struct tevent_timer *te,
                                       struct timeval current_time,
                                       bool *removed);

/**
 * Cancels a scheduled immediate event; what tevent_reset_immediate()
 * does.
 *
 * @param im the immediate; aborts if its own running handler freed it
 * @since 0.17.0
 */
void tevent_common_immediate_cancel(struct tevent_immediate *im);
/**
 * The schedule_immediate operation of the built-in backends.
 *
 * @param im,ev,handler,private_data see tevent_schedule_immediate()
 * @param handler_name name of the handler (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @since 0.9.9
 */
void tevent_common_schedule_immediate(struct tevent_immediate *im,
                                      struct tevent_context *ev,
                                      tevent_immediate_handler_t handler,
                                      void *private_data,
                                      const char *handler_name,
                                      const char *location);
/**
 * Runs the handler of a scheduled immediate event.
 *
 * The immediate is unscheduled first, then its handler runs with the
 * wrapper hooks and the trace points; if the handler freed it, the free
 * is completed here.
 *
 * @param im the scheduled immediate
 * @param removed if not NULL, set to whether the immediate was freed
 * @return 0
 * @since 0.9.37
 */
int tevent_common_invoke_immediate_handler(struct tevent_immediate *im,
                                           bool *removed);
/**
 * Runs the first scheduled immediate of a context.
 *
 * @param ev the context
 * @return true if an immediate ran, false if none was scheduled
 * @since 0.9.9
 */
bool tevent_common_loop_immediate(struct tevent_context *ev);
/**
 * Takes over the immediates that other threads scheduled on a context.
 *
 * They are appended to the context's scheduled immediates; none runs
 * here.
 *
 * @param ev the context
 * @since 0.9.30
 */
void tevent_common_threaded_activate_immediate(struct tevent_context *ev);
/**
 * Tells whether tevent_loop_wait() has something to wait for.
 *
 * @param ev the context
 * @return true if the context has a timer, a scheduled immediate, a
 *         signal event, or an fd event with nonzero flags other than its
 *         internal wakeup descriptor
 * @since 0.9.30
 */
bool tevent_common_have_events(struct tevent_context *ev);

/**
 * Gives a context its wakeup descriptor, once.
 *
 * An eventfd with an internal fd event that drains it; signal handlers
 * and other threads write to it to wake up a blocked loop.
 *
 * @param ev the context
 * @return 0 (also if it exists already), or an errno value
 * @since 0.9.30
 */
int tevent_common_wakeup_init(struct tevent_context *ev);
/**
 * Writes one wakeup token to a wakeup descriptor.
 *
 * Only uses write(), so it is safe in an asynchronous signal handler.
 *
 * @param fd the wakeup descriptor
 * @return 0
 * @since 0.9.31
 */
int tevent_common_wakeup_fd(int fd);
/**
 * Wakes up the loop of a context.
 *
 * @param ev the context
 * @return 0, or `ENOTCONN` if the context has no wakeup descriptor
 * @since 0.9.30
 */
int tevent_common_wakeup(struct tevent_context *ev);

/**
 * The add_signal operation of the built-in backends.
 *
 * @param ev,mem_ctx,signum,sa_flags,handler,private_data see
 *        tevent_add_signal()
 * @param handler_name name of the handler (stored by pointer)
 * @param location source location of the caller (stored by pointer)
 * @return see tevent_add_signal()
 * @since 0.9.9
 */
struct tevent_signal *
tevent_common_add_signal(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                         int signum, int sa_flags,
                         tevent_signal_handler_t handler, void *private_data,
                         const char *handler_name, const char *location);
/**
 * Runs the handlers of all pending signal deliveries.
 *
 * Signals are per process: this runs the handlers of every context's
 * events for the signals that arrived, not only those of @p ev.
 *
 * @param ev the context that checks
 * @return 1 if a delivery was pending, 0 otherwise
 * @since 0.9.9
 */
int tevent_common_check_signal(struct tevent_context *ev);
/**
 * Unregisters a signal event now, without freeing it.
 *
 * What freeing the event would do: it leaves its context, and if it was
 * the last event for its signal, the previous disposition is restored.
 * The memory stays until the event is freed.
 *
 * @param se the signal event
 * @since 0.9.9
 */
void tevent_cleanup_pending_signal_handlers(struct tevent_signal *se);
/**
 * Runs the handler of a signal event.
 *
 * With the wrapper hooks and the trace point; afterwards the event is
 * freed if it has `SA_RESETHAND` or was freed by the handler. Nothing
 * runs for an event whose context is gone.
 *
 * @param se the signal event
 * @param signum,count,siginfo passed to the handler, see
 *        tevent_signal_handler_t
 * @param removed if not NULL, set to whether the event was freed
 * @return 0
 * @since 0.9.37
 */
int tevent_common_invoke_signal_handler(struct tevent_signal *se, int signum,
                                        int count, void *siginfo,
                                        bool *removed);

/**
 * Sends a message to a context's debug function.
 *
 * The message is dropped if @p level is more verbose than the context's
 * maximum level (see tevent_set_max_debug_level()) or no debug function
 * is set. Messages for a wrapper context go to its main context.
 *
 * @param ev the context, or NULL (nothing is logged)
 * @param level the severity
 * @param fmt printf() format of the message
 * @param ... the arguments for @p fmt
 * @since 0.9.9
 */
void tevent_debug(struct tevent_context *ev, enum tevent_debug_level level,
                  const char *fmt, ...) PRINTF_ATTRIBUTE(3, 4);
/**
 * Reports a fatal error.
 *
 * Logs `"abort: <reason>"` at #TEVENT_DEBUG_FATAL through @p ev, then
 * calls the function installed with tevent_set_abort_fn(), or abort().
 *
 * @param ev the context to log through, or NULL to log nothing
 * @param reason what went wrong
 * @since 0.9.37
 */
void tevent_abort(struct tevent_context *ev, const char *reason);
/**
 * Aborts because an event is freed a second time, unless that is
 * expected.
 *
 * When an event is freed inside its own handler, its memory is kept
 * until the handler returns; freeing it again then is an error, except
 * when it happens because its talloc parent is being freed.
 *
 * @param ptr the event being freed again
 * @param reason the abort reason
 * @since 0.9.37
 */
void tevent_common_check_double_free(TALLOC_CTX *ptr, const char *reason);

/**
 * Reports a loop trace point to the context's loop trace callback, if
 * one is set.
 *
 * @param ev the context
 * @param tevent_trace_point the point reached (the parameter is unnamed;
 *        this is its type)
 * @since 0.9.16
 */
void tevent_trace_point_callback(struct tevent_context *ev,
                                 enum tevent_trace_point);
/**
 * Reports a trace point of an fd event to the context's callback, if one
 * is set.
 *
 * @param ev the context
 * @param fde the fd event
 * @param tevent_event_trace_point the point reached (the parameter is
 *        unnamed; this is its type)
 * @since 0.11.0
 */
void tevent_trace_fd_callback(struct tevent_context *ev, struct tevent_fd *fde,
                              enum tevent_event_trace_point);
/**
 * Reports a trace point of a signal event to the context's callback, if
 * one is set.
 *
 * @param ev the context
 * @param se the signal event
 * @param tevent_event_trace_point the point reached (the parameter is
 *        unnamed; this is its type)
 * @since 0.11.0
 */
void tevent_trace_signal_callback(struct tevent_context *ev,
                                  struct tevent_signal *se,
                                  enum tevent_event_trace_point);
/**
 * Reports a trace point of a timer to the context's callback, if one is
 * set.
 *
 * @param ev the context
 * @param te the timer
 * @param tevent_event_trace_point the point reached (the parameter is
 *        unnamed; this is its type)
 * @since 0.11.0
 */
void tevent_trace_timer_callback(struct tevent_context *ev,
                                 struct tevent_timer *te,
                                 enum tevent_event_trace_point);
/**
 * Reports a trace point of an immediate event to the context's callback,
 * if one is set.
 *
 * @param ev the context
 * @param im the immediate event
 * @param tevent_event_trace_point the point reached (the parameter is
 *        unnamed; this is its type)
 * @since 0.11.0
 */
void tevent_trace_immediate_callback(struct tevent_context *ev,
                                     struct tevent_immediate *im,
                                     enum tevent_event_trace_point);
/**
 * Reports a trace point of a queue entry to the context's callback, if
 * one is set.
 *
 * @param ev the context
 * @param qe the queue entry
 * @param tevent_event_trace_point the point reached (the parameter is
 *        unnamed; this is its type)
 * @since 0.12.0
 */
void tevent_trace_queue_callback(struct tevent_context *ev,
                                 struct tevent_queue_entry *qe,
                                 enum tevent_event_trace_point);

/** @} */

#ifdef __cplusplus
}
#endif

#endif
