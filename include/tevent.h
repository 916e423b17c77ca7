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

#ifndef __TEVENT_H__
#define __TEVENT_H__

#include <stdint.h>
#include <talloc.h>
#include <sys/time.h>
#include <sys/types.h>
#include <stdbool.h>

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

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Opaque object types
 * ------------------------------------------------------------------- */

struct tevent_context;
struct tevent_ops;
struct tevent_fd;
struct tevent_timer;
struct tevent_immediate;
struct tevent_signal;
struct tevent_thread_proxy;
struct tevent_threaded_context;
struct tevent_req;
struct tevent_req_profile;
struct tevent_queue;
struct tevent_queue_entry;

/* ---------------------------------------------------------------------
 * Event handler callback types
 * ------------------------------------------------------------------- */

/** Called when a watched file descriptor becomes ready (flags = events). */
typedef void (*tevent_fd_handler_t)(struct tevent_context *ev,
                                    struct tevent_fd *fde, uint16_t flags,
                                    void *private_data);

/** Called when an fd event is destroyed, to release the descriptor. */
typedef void (*tevent_fd_close_fn_t)(struct tevent_context *ev,
                                     struct tevent_fd *fde, int fd,
                                     void *private_data);

/** Called once when a timer expires; the timer is freed afterwards. */
typedef void (*tevent_timer_handler_t)(struct tevent_context *ev,
                                       struct tevent_timer *te,
                                       struct timeval current_time,
                                       void *private_data);

/** Called when a scheduled immediate event runs. */
typedef void (*tevent_immediate_handler_t)(struct tevent_context *ctx,
                                           struct tevent_immediate *im,
                                           void *private_data);

/** Called from the loop after a signal arrived (count = deliveries). */
typedef void (*tevent_signal_handler_t)(struct tevent_context *ev,
                                        struct tevent_signal *se, int signum,
                                        int count, void *siginfo,
                                        void *private_data);

/* ---------------------------------------------------------------------
 * Event contexts and backends
 * ------------------------------------------------------------------- */

/** Create an event context using the default backend. */
struct tevent_context *tevent_context_init(TALLOC_CTX *mem_ctx);

/** Create an event context using the backend with the given name. */
struct tevent_context *tevent_context_init_byname(TALLOC_CTX *mem_ctx,
                                                  const char *name);

/** Create an event context driven by the given backend operations. */
struct tevent_context *tevent_context_init_ops(TALLOC_CTX *mem_ctx,
                                               const struct tevent_ops *ops,
                                               void *additional_data);

/** Return a NULL-terminated talloc array with the known backend names. */
const char **tevent_backend_list(TALLOC_CTX *mem_ctx);

/** Choose the backend used when no backend name is given. */
void tevent_set_default_backend(const char *backend);

/** Set how long the loop may sleep without timers; returns the old value. */
uint32_t tevent_context_set_wait_timeout(struct tevent_context *ev,
                                         uint32_t secs);

/* ---------------------------------------------------------------------
 * File descriptor events
 * ------------------------------------------------------------------- */

/** Watch fd for the events in flags; use the tevent_add_fd() macro. */
struct tevent_fd *_tevent_add_fd(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                                 int fd, uint16_t flags,
                                 tevent_fd_handler_t handler,
                                 void *private_data, const char *handler_name,
                                 const char *location);
#define tevent_add_fd(ev, mem_ctx, fd, flags, handler, private_data)           \
    _tevent_add_fd(ev, mem_ctx, fd, flags, handler, private_data, #handler,    \
                   __location__)

/** Attach / read back an opaque user tag on an fd event. */
void tevent_fd_set_tag(struct tevent_fd *fde, uint64_t tag);
uint64_t tevent_fd_get_tag(const struct tevent_fd *fde);

/* ---------------------------------------------------------------------
 * Timer events
 * ------------------------------------------------------------------- */

/** Run handler once at the absolute time next_event. */
struct tevent_timer *
_tevent_add_timer(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                  struct timeval next_event, tevent_timer_handler_t handler,
                  void *private_data, const char *handler_name,
                  const char *location);
#define tevent_add_timer(ev, mem_ctx, next_event, handler, private_data)       \
    _tevent_add_timer(ev, mem_ctx, next_event, handler, private_data,          \
                      #handler, __location__)

/** Move a pending timer to a new expiry time. */
void tevent_update_timer(struct tevent_timer *te, struct timeval next_event);

/** Attach / read back an opaque user tag on a timer. */
void tevent_timer_set_tag(struct tevent_timer *te, uint64_t tag);
uint64_t tevent_timer_get_tag(const struct tevent_timer *te);

/* ---------------------------------------------------------------------
 * Immediate events
 * ------------------------------------------------------------------- */

/** Allocate a reusable immediate event object. */
struct tevent_immediate *_tevent_create_immediate(TALLOC_CTX *mem_ctx,
                                                  const char *location);
#define tevent_create_immediate(mem_ctx)                                       \
    _tevent_create_immediate(mem_ctx, __location__)

/**
 * Queue im to run handler on the next loop iteration. A NULL handler
 * cancels it. Note: the macro expansion ends with a semicolon.
 */
void _tevent_schedule_immediate(struct tevent_immediate *im,
                                struct tevent_context *ctx,
                                tevent_immediate_handler_t handler,
                                void *private_data, const char *handler_name,
                                const char *location);
#define tevent_schedule_immediate(im, ctx, handler, private_data)              \
    _tevent_schedule_immediate(im, ctx, handler, private_data, #handler,       \
                               __location__);

/** Cancel a scheduled immediate event (no-op if it is not scheduled). */
void tevent_reset_immediate(struct tevent_immediate *im);

/** Attach / read back an opaque user tag on an immediate event. */
void tevent_immediate_set_tag(struct tevent_immediate *im, uint64_t tag);
uint64_t tevent_immediate_get_tag(const struct tevent_immediate *fde);

/* ---------------------------------------------------------------------
 * Signal events
 * ------------------------------------------------------------------- */

/** Deliver signum to handler from within the event loop. */
struct tevent_signal *
_tevent_add_signal(struct tevent_context *ev, TALLOC_CTX *mem_ctx, int signum,
                   int sa_flags, tevent_signal_handler_t handler,
                   void *private_data, const char *handler_name,
                   const char *location);
#define tevent_add_signal(ev, mem_ctx, signum, sa_flags, handler,              \
                          private_data)                                        \
    _tevent_add_signal(ev, mem_ctx, signum, sa_flags, handler, private_data,   \
                       #handler, __location__)

/** Attach / read back an opaque user tag on a signal event. */
void tevent_signal_set_tag(struct tevent_signal *se, uint64_t tag);
uint64_t tevent_signal_get_tag(const struct tevent_signal *se);

/** Number of signal numbers the library can handle. */
size_t tevent_num_signals(void);

/** Size of the per-signal queue of saved siginfo records. */
size_t tevent_sa_info_queue_count(void);

/* ---------------------------------------------------------------------
 * Running the loop
 * ------------------------------------------------------------------- */

/** Run a single iteration of the event loop. */
int _tevent_loop_once(struct tevent_context *ev, const char *location);
#define tevent_loop_once(ev) _tevent_loop_once(ev, __location__)

/** Run the event loop until no events are left or an error occurs. */
int _tevent_loop_wait(struct tevent_context *ev, const char *location);
#define tevent_loop_wait(ev) _tevent_loop_wait(ev, __location__)

/* ---------------------------------------------------------------------
 * File descriptor event helpers
 * ------------------------------------------------------------------- */

/** Install a function that is called when the fd event is freed. */
void tevent_fd_set_close_fn(struct tevent_fd *fde,
                            tevent_fd_close_fn_t close_fn);

/** Make freeing the fd event close() its descriptor. */
void tevent_fd_set_auto_close(struct tevent_fd *fde);

/** Read / change the set of events an fd event waits for. */
uint16_t tevent_fd_get_flags(struct tevent_fd *fde);
void tevent_fd_set_flags(struct tevent_fd *fde, uint16_t flags);

/** Whether the context's backend supports signal events. */
bool tevent_signal_support(struct tevent_context *ev);

/** Replace the function called on fatal internal errors (NULL: abort()). */
void tevent_set_abort_fn(void (*abort_fn)(const char *reason));

/* Event bits for fd events. */
#define TEVENT_FD_READ 1
#define TEVENT_FD_WRITE 2
#define TEVENT_FD_ERROR 4

/* Add or remove a single event bit on an existing fd event. */
#define TEVENT_FD_WRITEABLE(fde)                                               \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) | TEVENT_FD_WRITE)
#define TEVENT_FD_READABLE(fde)                                                \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) | TEVENT_FD_READ)
#define TEVENT_FD_WANTERROR(fde)                                               \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) | TEVENT_FD_ERROR)

#define TEVENT_FD_NOT_WRITEABLE(fde)                                           \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) & ~TEVENT_FD_WRITE)
#define TEVENT_FD_NOT_READABLE(fde)                                            \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) & ~TEVENT_FD_READ)
#define TEVENT_FD_NOT_WANTERROR(fde)                                           \
    tevent_fd_set_flags(fde, tevent_fd_get_flags(fde) & ~TEVENT_FD_ERROR)

/* ---------------------------------------------------------------------
 * Debug output
 * ------------------------------------------------------------------- */

/** Severity of a debug message (lower is more severe). */
enum tevent_debug_level {
    TEVENT_DEBUG_FATAL,
    TEVENT_DEBUG_ERROR,
    TEVENT_DEBUG_WARNING,
    TEVENT_DEBUG_TRACE
};

/** Receives the library's debug messages. */
typedef void (*tevent_debug_fn)(void *context, enum tevent_debug_level level,
                                const char *fmt, va_list ap)
    PRINTF_ATTRIBUTE(3, 0);

/** Install a debug message sink for ev (NULL disables it). */
int tevent_set_debug(struct tevent_context *ev, tevent_debug_fn debug,
                     void *context);

/** Set the most verbose level passed on; returns the previous level. */
enum tevent_debug_level
tevent_set_max_debug_level(struct tevent_context *ev,
                           enum tevent_debug_level max_level);

/** Send debug messages of ev up to warning level to stderr. */
int tevent_set_debug_stderr(struct tevent_context *ev);

/* ---------------------------------------------------------------------
 * Tracing
 * ------------------------------------------------------------------- */

/** Points in a loop iteration reported to the trace callback. */
enum tevent_trace_point {
    TEVENT_TRACE_BEFORE_WAIT,
    TEVENT_TRACE_AFTER_WAIT,
#define TEVENT_HAS_LOOP_ONCE_TRACE_POINTS 1
    TEVENT_TRACE_BEFORE_LOOP_ONCE,
    TEVENT_TRACE_AFTER_LOOP_ONCE,
};

/** Loop trace callback. */
typedef void (*tevent_trace_callback_t)(enum tevent_trace_point,
                                        void *private_data);

/** Install the loop trace callback (NULL removes it). */
void tevent_set_trace_callback(struct tevent_context *ev,
                               tevent_trace_callback_t cb, void *private_data);

/** Read back the loop trace callback; private_data is really a void **. */
void tevent_get_trace_callback(struct tevent_context *ev,
                               tevent_trace_callback_t *cb, void *private_data);

/** Points in the life of a single event reported to trace callbacks. */
enum tevent_event_trace_point {
    TEVENT_EVENT_TRACE_ATTACH,
    TEVENT_EVENT_TRACE_DETACH,
    TEVENT_EVENT_TRACE_BEFORE_HANDLER,
};

/* Per-event-type trace callbacks. */
typedef void (*tevent_trace_fd_callback_t)(struct tevent_fd *fde,
                                           enum tevent_event_trace_point,
                                           void *private_data);
typedef void (*tevent_trace_signal_callback_t)(struct tevent_signal *se,
                                               enum tevent_event_trace_point,
                                               void *private_data);
typedef void (*tevent_trace_timer_callback_t)(struct tevent_timer *te,
                                              enum tevent_event_trace_point,
                                              void *private_data);
typedef void (*tevent_trace_immediate_callback_t)(struct tevent_immediate *im,
                                                  enum tevent_event_trace_point,
                                                  void *private_data);

/*
 * Install (set) or read back (get) the per-event-type trace callbacks.
 * The getters' p_private_data argument is really a void **.
 */
void tevent_set_trace_fd_callback(struct tevent_context *ev,
                                  tevent_trace_fd_callback_t cb,
                                  void *private_data);
void tevent_get_trace_fd_callback(struct tevent_context *ev,
                                  tevent_trace_fd_callback_t *cb,
                                  void *p_private_data);

void tevent_set_trace_signal_callback(struct tevent_context *ev,
                                      tevent_trace_signal_callback_t cb,
                                      void *private_data);
void tevent_get_trace_signal_callback(struct tevent_context *ev,
                                      tevent_trace_signal_callback_t *cb,
                                      void *p_private_data);

void tevent_set_trace_timer_callback(struct tevent_context *ev,
                                     tevent_trace_timer_callback_t cb,
                                     void *private_data);
void tevent_get_trace_timer_callback(struct tevent_context *ev,
                                     tevent_trace_timer_callback_t *cb,
                                     void *p_private_data);

void tevent_set_trace_immediate_callback(struct tevent_context *ev,
                                         tevent_trace_immediate_callback_t cb,
                                         void *private_data);
void tevent_get_trace_immediate_callback(struct tevent_context *ev,
                                         tevent_trace_immediate_callback_t *cb,
                                         void *p_private_data);

/* ---------------------------------------------------------------------
 * Asynchronous requests (tevent_req)
 * ------------------------------------------------------------------- */

/** Life-cycle state of a request. */
enum tevent_req_state {
    TEVENT_REQ_INIT,
    TEVENT_REQ_IN_PROGRESS,
    TEVENT_REQ_DONE,
    TEVENT_REQ_USER_ERROR,
    TEVENT_REQ_TIMED_OUT,
    TEVENT_REQ_NO_MEMORY,
    TEVENT_REQ_RECEIVED
};

/** Completion callback of a request. */
typedef void (*tevent_req_fn)(struct tevent_req *subreq);

/**
 * Set the function called when req completes. The macro records the
 * function's name; the plain function is kept for old binaries.
 */
void tevent_req_set_callback(struct tevent_req *req, tevent_req_fn fn,
                             void *pvt);
void _tevent_req_set_callback(struct tevent_req *req, tevent_req_fn fn,
                              const char *fn_name, void *pvt);
#define tevent_req_set_callback(req, fn, pvt)                                  \
    _tevent_req_set_callback(req, fn, #fn, pvt)

/** Private pointer given to tevent_req_set_callback(), type-checked. */
void *_tevent_req_callback_data(struct tevent_req *req);
#define tevent_req_callback_data(_req, _type)                                  \
    talloc_get_type_abort(_tevent_req_callback_data(_req), _type)

/** Private pointer given to tevent_req_set_callback(), untyped. */
#define tevent_req_callback_data_void(_req) _tevent_req_callback_data(_req)

/** The state structure of a request, type-checked. */
void *_tevent_req_data(struct tevent_req *req);
#define tevent_req_data(_req, _type)                                           \
    talloc_get_type_abort(_tevent_req_data(_req), _type)

/** Produces a talloc'ed description string of a request. */
typedef char *(*tevent_req_print_fn)(struct tevent_req *req, TALLOC_CTX *ctx);

/** Replace the function used by tevent_req_print() for req. */
void tevent_req_set_print_fn(struct tevent_req *req, tevent_req_print_fn fn);

/** The built-in request description. */
char *tevent_req_default_print(struct tevent_req *req, TALLOC_CTX *mem_ctx);

/** Describe req as a talloc'ed string. */
char *tevent_req_print(TALLOC_CTX *mem_ctx, struct tevent_req *req);

/** Asks a request to cancel itself; returns whether it agreed. */
typedef bool (*tevent_req_cancel_fn)(struct tevent_req *req);

/** Install the cancel function of req (macro records the name). */
void tevent_req_set_cancel_fn(struct tevent_req *req, tevent_req_cancel_fn fn);
void _tevent_req_set_cancel_fn(struct tevent_req *req, tevent_req_cancel_fn fn,
                               const char *fn_name);
#define tevent_req_set_cancel_fn(req, fn)                                      \
    _tevent_req_set_cancel_fn(req, fn, #fn)

/** Try to cancel req through its cancel function. */
bool _tevent_req_cancel(struct tevent_req *req, const char *location);
#define tevent_req_cancel(req) _tevent_req_cancel(req, __location__)

/** Called as a request reaches a later state, to release its resources. */
typedef void (*tevent_req_cleanup_fn)(struct tevent_req *req,
                                      enum tevent_req_state req_state);

/** Install the cleanup function of req (macro records the name). */
void tevent_req_set_cleanup_fn(struct tevent_req *req,
                               tevent_req_cleanup_fn fn);
void _tevent_req_set_cleanup_fn(struct tevent_req *req,
                                tevent_req_cleanup_fn fn, const char *fn_name);
#define tevent_req_set_cleanup_fn(req, fn)                                     \
    _tevent_req_set_cleanup_fn(req, fn, #fn)

/**
 * Create a request together with a zeroed state of type _type and store
 * the state pointer in *_pstate. _tevent_req_create() is the entry point
 * used by binaries built against older headers.
 */
struct tevent_req *_tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate,
                                      size_t state_size, const char *type,
                                      const char *location);

struct tevent_req *__tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate,
                                       size_t state_size, const char *type,
                                       const char *func, const char *location);

#define tevent_req_create(_mem_ctx, _pstate, _type)                            \
    __tevent_req_create((_mem_ctx), (_pstate), sizeof(_type), #_type,          \
                        __func__, __location__)

/** Let req time out (TEVENT_REQ_TIMED_OUT) at endtime. */
bool tevent_req_set_endtime(struct tevent_req *req, struct tevent_context *ev,
                            struct timeval endtime);

/** Remove the timeout set with tevent_req_set_endtime(). */
void tevent_req_reset_endtime(struct tevent_req *req);

/** Run the completion callback of req without changing its state. */
void _tevent_req_notify_callback(struct tevent_req *req, const char *location);
#define tevent_req_notify_callback(req)                                        \
    _tevent_req_notify_callback(req, __location__)

/** Finish req successfully and run its callback. */
void _tevent_req_done(struct tevent_req *req, const char *location);
#define tevent_req_done(req) _tevent_req_done(req, __location__)

/** Finish req with a nonzero user error; returns false for error 0. */
bool _tevent_req_error(struct tevent_req *req, uint64_t error,
                       const char *location);
#define tevent_req_error(req, error) _tevent_req_error(req, error, __location__)

/** If p is NULL, finish req with TEVENT_REQ_NO_MEMORY and return true. */
bool _tevent_req_nomem(const void *p, struct tevent_req *req,
                       const char *location);
#define tevent_req_nomem(p, req) _tevent_req_nomem(p, req, __location__)

/** Finish req with TEVENT_REQ_NO_MEMORY. */
void _tevent_req_oom(struct tevent_req *req, const char *location);
#define tevent_req_oom(req) _tevent_req_oom(req, __location__)

/** Deliver the result of an already finished req from ev later on. */
struct tevent_req *tevent_req_post(struct tevent_req *req,
                                   struct tevent_context *ev);

/** Make the next completion notification of req go through ev. */
void tevent_req_defer_callback(struct tevent_req *req,
                               struct tevent_context *ev);

/** Whether req has not finished yet. */
bool tevent_req_is_in_progress(struct tevent_req *req);

/** Run the loop of ev until req has finished; false on loop errors. */
bool tevent_req_poll(struct tevent_req *req, struct tevent_context *ev);

/** Whether req ended in failure; reports its state and user error. */
bool tevent_req_is_error(struct tevent_req *req, enum tevent_req_state *state,
                         uint64_t *error);

/** Mark the result of req as consumed and release its state. */
void tevent_req_received(struct tevent_req *req);

/* ---------------------------------------------------------------------
 * Request profiling
 * ------------------------------------------------------------------- */

/** Start recording a profile for req (and its sub-requests). */
bool tevent_req_set_profile(struct tevent_req *req);

/** The profile of req, if any. */
const struct tevent_req_profile *tevent_req_get_profile(struct tevent_req *req);

/** Take the profile away from req and move it under mem_ctx. */
struct tevent_req_profile *tevent_req_move_profile(struct tevent_req *req,
                                                   TALLOC_CTX *mem_ctx);

/* Accessors for the recorded profile data; NULL outputs are skipped. */
void tevent_req_profile_get_name(const struct tevent_req_profile *profile,
                                 const char **req_name);
void tevent_req_profile_get_start(const struct tevent_req_profile *profile,
                                  const char **start_location,
                                  struct timeval *start_time);
void tevent_req_profile_get_stop(const struct tevent_req_profile *profile,
                                 const char **stop_location,
                                 struct timeval *stop_time);
void tevent_req_profile_get_status(const struct tevent_req_profile *profile,
                                   pid_t *pid, enum tevent_req_state *state,
                                   uint64_t *user_error);

/** First sub-profile, and the next sibling in a list of sub-profiles. */
const struct tevent_req_profile *
tevent_req_profile_get_subprofiles(const struct tevent_req_profile *profile);
const struct tevent_req_profile *
tevent_req_profile_next(const struct tevent_req_profile *profile);

/* Build profiles by hand, e.g. to pass them between processes. */
struct tevent_req_profile *tevent_req_profile_create(TALLOC_CTX *mem_ctx);
bool tevent_req_profile_set_name(struct tevent_req_profile *profile,
                                 const char *name);
bool tevent_req_profile_set_start(struct tevent_req_profile *profile,
                                  const char *start_location,
                                  struct timeval start_time);
bool tevent_req_profile_set_stop(struct tevent_req_profile *profile,
                                 const char *stop_location,
                                 struct timeval stop_time);
void tevent_req_profile_set_status(struct tevent_req_profile *profile,
                                   pid_t pid, enum tevent_req_state state,
                                   uint64_t user_error);

/** Move *sub_profile to the end of parent_profile's sub-profile list. */
void tevent_req_profile_append_sub(struct tevent_req_profile *parent_profile,
                                   struct tevent_req_profile **sub_profile);

/* ---------------------------------------------------------------------
 * Wakeup requests
 * ------------------------------------------------------------------- */

/** A request that completes at wakeup_time. */
struct tevent_req *tevent_wakeup_send(TALLOC_CTX *mem_ctx,
                                      struct tevent_context *ev,
                                      struct timeval wakeup_time);

/** True if the wakeup request completed normally. */
bool tevent_wakeup_recv(struct tevent_req *req);

/* ---------------------------------------------------------------------
 * struct timeval helpers
 * ------------------------------------------------------------------- */

/** Compare two times: -1, 0 or 1. */
int tevent_timeval_compare(const struct timeval *tv1,
                           const struct timeval *tv2);

/** The zero time. */
struct timeval tevent_timeval_zero(void);

/** The current time of day. */
struct timeval tevent_timeval_current(void);

/** Build a timeval from seconds and microseconds. */
struct timeval tevent_timeval_set(uint32_t secs, uint32_t usecs);

/** The interval from tv1 to tv2, or zero if tv2 is not later. */
struct timeval tevent_timeval_until(const struct timeval *tv1,
                                    const struct timeval *tv2);

/** Whether tv is the zero time. */
bool tevent_timeval_is_zero(const struct timeval *tv);

/** tv plus the given offset. */
struct timeval tevent_timeval_add(const struct timeval *tv, uint32_t secs,
                                  uint32_t usecs);

/** The current time plus the given offset. */
struct timeval tevent_timeval_current_ofs(uint32_t secs, uint32_t usecs);

/** getpid(), cached by the library. */
pid_t tevent_cached_getpid(void);

/* ---------------------------------------------------------------------
 * Request call-depth / call-flow tracking
 * ------------------------------------------------------------------- */

/** Request events reported to the call-depth callback. */
enum tevent_thread_call_depth_cmd {
    TEVENT_CALL_FLOW_REQ_RESET,
    TEVENT_CALL_FLOW_REQ_CREATE,
    TEVENT_CALL_FLOW_REQ_CANCEL,
    TEVENT_CALL_FLOW_REQ_CLEANUP,
    TEVENT_CALL_FLOW_REQ_NOTIFY_CB,
    TEVENT_CALL_FLOW_REQ_QUEUE_ENTER,
    TEVENT_CALL_FLOW_REQ_QUEUE_TRIGGER,
    TEVENT_CALL_FLOW_REQ_QUEUE_LEAVE,
};

/** Receives request call-flow events together with the nesting depth. */
typedef void (*tevent_call_depth_callback_t)(
    void *private_data, enum tevent_thread_call_depth_cmd cmd,
    struct tevent_req *req, size_t depth, const char *fname);

/** Per-thread call-depth callback registration. */
struct tevent_thread_call_depth_state {
    tevent_call_depth_callback_t cb;
    void *cb_private;
};

/* Declared for source compatibility only: the symbol is not exported. */
extern __thread struct tevent_thread_call_depth_state
    tevent_thread_call_depth_state_g;

/** Set this thread's call-depth callback (NULL disables tracking). */
void tevent_thread_call_depth_set_callback(tevent_call_depth_callback_t f,
                                           void *private_data);

#ifdef TEVENT_DEPRECATED
/* Obsolete call-depth interface; these functions do nothing. */
void tevent_thread_call_depth_activate(size_t *ptr) _DEPRECATED_;
void tevent_thread_call_depth_deactivate(void) _DEPRECATED_;
void tevent_thread_call_depth_start(struct tevent_req *req) _DEPRECATED_;
#endif

/** Report a RESET event for req's depth to the call-depth callback. */
void tevent_thread_call_depth_reset_from_req(struct tevent_req *req);
void _tevent_thread_call_depth_reset_from_req(struct tevent_req *req,
                                              const char *fname);
#define tevent_thread_call_depth_reset_from_req(req)                           \
    _tevent_thread_call_depth_reset_from_req(req, __func__)

/* ---------------------------------------------------------------------
 * Request queues
 * ------------------------------------------------------------------- */

/** Attach / read back an opaque user tag on a queue entry. */
void tevent_queue_entry_set_tag(struct tevent_queue_entry *qe, uint64_t tag);
uint64_t tevent_queue_entry_get_tag(const struct tevent_queue_entry *qe);

/** Queue entry trace callback, and how to install / read it back. */
typedef void (*tevent_trace_queue_callback_t)(struct tevent_queue_entry *qe,
                                              enum tevent_event_trace_point,
                                              void *private_data);
void tevent_set_trace_queue_callback(struct tevent_context *ev,
                                     tevent_trace_queue_callback_t cb,
                                     void *private_data);
void tevent_get_trace_queue_callback(struct tevent_context *ev,
                                     tevent_trace_queue_callback_t *cb,
                                     void *p_private_data);

/** Create a (running) queue that triggers requests one at a time. */
struct tevent_queue *_tevent_queue_create(TALLOC_CTX *mem_ctx, const char *name,
                                          const char *location);
#define tevent_queue_create(_mem_ctx, _name)                                   \
    _tevent_queue_create((_mem_ctx), (_name), __location__)

/** Called when a queued request reaches the head of its queue. */
typedef void (*tevent_queue_trigger_fn_t)(struct tevent_req *req,
                                          void *private_data);

/**
 * Append req to queue. The macros record the trigger's name; the plain
 * functions are kept for old binaries.
 */
bool tevent_queue_add(struct tevent_queue *queue, struct tevent_context *ev,
                      struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
                      void *private_data);
bool _tevent_queue_add(struct tevent_queue *queue, struct tevent_context *ev,
                       struct tevent_req *req,
                       tevent_queue_trigger_fn_t trigger,
                       const char *trigger_name, void *private_data);
#define tevent_queue_add(queue, ev, req, trigger, private_data)                \
    _tevent_queue_add(queue, ev, req, trigger, #trigger, private_data)

/** Like tevent_queue_add(), returning the entry (macro ends with ';'). */
struct tevent_queue_entry *
tevent_queue_add_entry(struct tevent_queue *queue, struct tevent_context *ev,
                       struct tevent_req *req,
                       tevent_queue_trigger_fn_t trigger, void *private_data);
struct tevent_queue_entry *
_tevent_queue_add_entry(struct tevent_queue *queue, struct tevent_context *ev,
                        struct tevent_req *req,
                        tevent_queue_trigger_fn_t trigger,
                        const char *trigger_name, void *private_data);
#define tevent_queue_add_entry(queue, ev, req, trigger, private_data)          \
    _tevent_queue_add_entry(queue, ev, req, trigger, #trigger, private_data);

/** Like tevent_queue_add_entry(), may trigger at once if the queue is idle. */
struct tevent_queue_entry *tevent_queue_add_optimize_empty(
    struct tevent_queue *queue, struct tevent_context *ev,
    struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
    void *private_data);
struct tevent_queue_entry *_tevent_queue_add_optimize_empty(
    struct tevent_queue *queue, struct tevent_context *ev,
    struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
    const char *trigger_name, void *private_data);
#define tevent_queue_add_optimize_empty(queue, ev, req, trigger, private_data) \
    _tevent_queue_add_optimize_empty(queue, ev, req, trigger, #trigger,        \
                                     private_data)

/** On a stopped queue, let the triggered head entry be triggered again. */
void tevent_queue_entry_untrigger(struct tevent_queue_entry *entry);

/** Resume / suspend triggering of queued requests. */
void tevent_queue_start(struct tevent_queue *queue);
void tevent_queue_stop(struct tevent_queue *queue);

/** Number of entries in the queue. */
size_t tevent_queue_length(struct tevent_queue *queue);

/** Whether the queue is started. */
bool tevent_queue_running(struct tevent_queue *queue);

/** A request that completes once all earlier queue entries are gone. */
struct tevent_req *tevent_queue_wait_send(TALLOC_CTX *mem_ctx,
                                          struct tevent_context *ev,
                                          struct tevent_queue *queue);
bool tevent_queue_wait_recv(struct tevent_req *req);

/** Hook called on entry to and exit from nested loop invocations. */
typedef int (*tevent_nesting_hook)(struct tevent_context *ev,
                                   void *private_data, uint32_t level,
                                   bool begin, void *stack_ptr,
                                   const char *location);

/* ---------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------- */

/** Create a proxy through which other threads schedule immediates. */
struct tevent_thread_proxy *
tevent_thread_proxy_create(struct tevent_context *dest_ev_ctx);

/**
 * From any thread: hand *pp_im (and *(void **)pp_private_data) over to
 * the proxy's event context and run handler there.
 */
void tevent_thread_proxy_schedule(struct tevent_thread_proxy *tp,
                                  struct tevent_immediate **pp_im,
                                  tevent_immediate_handler_t handler,
                                  void *pp_private_data);

/** Create a handle for scheduling immediates on ev from other threads. */
struct tevent_threaded_context *
tevent_threaded_context_create(TALLOC_CTX *mem_ctx, struct tevent_context *ev);

/** From any thread: run handler in tctx's loop (macro ends with ';'). */
void _tevent_threaded_schedule_immediate(struct tevent_threaded_context *tctx,
                                         struct tevent_immediate *im,
                                         tevent_immediate_handler_t handler,
                                         void *private_data,
                                         const char *handler_name,
                                         const char *location);
#define tevent_threaded_schedule_immediate(tctx, im, handler, private_data)    \
    _tevent_threaded_schedule_immediate(tctx, im, handler, private_data,       \
                                        #handler, __location__);

/* ---------------------------------------------------------------------
 * Nested loops (deprecated)
 * ------------------------------------------------------------------- */

#ifdef TEVENT_DEPRECATED
/** Allow the loop of ev to be run from within one of its handlers. */
void tevent_loop_allow_nesting(struct tevent_context *ev) _DEPRECATED_;

/** Install the nesting hook of ev. */
void tevent_loop_set_nesting_hook(struct tevent_context *ev,
                                  tevent_nesting_hook hook,
                                  void *private_data) _DEPRECATED_;

/** Iterate the loop until finished(private_data) returns true. */
int _tevent_loop_until(struct tevent_context *ev,
                       bool (*finished)(void *private_data), void *private_data,
                       const char *location) _DEPRECATED_;
#define tevent_loop_until(ev, finished, private_data)                          \
    _tevent_loop_until(ev, finished, private_data, __location__)
#endif

/** Re-create the backend state of ev, e.g. in a child after fork(). */
int tevent_re_initialise(struct tevent_context *ev);

/* ---------------------------------------------------------------------
 * Backend interface
 * ------------------------------------------------------------------- */

/** Operations table implemented by an event loop backend. */
struct tevent_ops {
    /* set up backend state; nonzero return fails the context creation */
    int (*context_init)(struct tevent_context *ev);

    /* file descriptor events */
    struct tevent_fd *(*add_fd)(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                                int fd, uint16_t flags,
                                tevent_fd_handler_t handler, void *private_data,
                                const char *handler_name, const char *location);
    void (*set_fd_close_fn)(struct tevent_fd *fde,
                            tevent_fd_close_fn_t close_fn);
    uint16_t (*get_fd_flags)(struct tevent_fd *fde);
    void (*set_fd_flags)(struct tevent_fd *fde, uint16_t flags);

    /* timers */
    struct tevent_timer *(*add_timer)(
        struct tevent_context *ev, TALLOC_CTX *mem_ctx,
        struct timeval next_event, tevent_timer_handler_t handler,
        void *private_data, const char *handler_name, const char *location);

    /* immediate events */
    void (*schedule_immediate)(struct tevent_immediate *im,
                               struct tevent_context *ev,
                               tevent_immediate_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location);

    /* signal events */
    struct tevent_signal *(*add_signal)(
        struct tevent_context *ev, TALLOC_CTX *mem_ctx, int signum,
        int sa_flags, tevent_signal_handler_t handler, void *private_data,
        const char *handler_name, const char *location);

    /* running the loop */
    int (*loop_once)(struct tevent_context *ev, const char *location);
    int (*loop_wait)(struct tevent_context *ev, const char *location);
};

/** Register a backend under name (an existing name keeps its entry). */
bool tevent_register_backend(const char *name, const struct tevent_ops *ops);

/** Look up a registered backend (NULL name: the default backend). */
const struct tevent_ops *tevent_find_ops_byname(const char *name);

/* ---------------------------------------------------------------------
 * Wrapper contexts (deprecated)
 * ------------------------------------------------------------------- */

#ifdef TEVENT_DEPRECATED

/** Hooks a wrapper context runs around each use and each handler call. */
struct tevent_wrapper_ops {
    const char *name;

    bool (*before_use)(struct tevent_context *wrap_ev, void *private_state,
                       struct tevent_context *main_ev, const char *location);
    void (*after_use)(struct tevent_context *wrap_ev, void *private_state,
                      struct tevent_context *main_ev, const char *location);

    void (*before_fd_handler)(struct tevent_context *wrap_ev,
                              void *private_state,
                              struct tevent_context *main_ev,
                              struct tevent_fd *fde, uint16_t flags,
                              const char *handler_name, const char *location);
    void (*after_fd_handler)(struct tevent_context *wrap_ev,
                             void *private_state,
                             struct tevent_context *main_ev,
                             struct tevent_fd *fde, uint16_t flags,
                             const char *handler_name, const char *location);

    void (*before_timer_handler)(
        struct tevent_context *wrap_ev, void *private_state,
        struct tevent_context *main_ev, struct tevent_timer *te,
        struct timeval requested_time, struct timeval trigger_time,
        const char *handler_name, const char *location);
    void (*after_timer_handler)(struct tevent_context *wrap_ev,
                                void *private_state,
                                struct tevent_context *main_ev,
                                struct tevent_timer *te,
                                struct timeval requested_time,
                                struct timeval trigger_time,
                                const char *handler_name, const char *location);

    void (*before_immediate_handler)(struct tevent_context *wrap_ev,
                                     void *private_state,
                                     struct tevent_context *main_ev,
                                     struct tevent_immediate *im,
                                     const char *handler_name,
                                     const char *location);
    void (*after_immediate_handler)(struct tevent_context *wrap_ev,
                                    void *private_state,
                                    struct tevent_context *main_ev,
                                    struct tevent_immediate *im,
                                    const char *handler_name,
                                    const char *location);

    void (*before_signal_handler)(struct tevent_context *wrap_ev,
                                  void *private_state,
                                  struct tevent_context *main_ev,
                                  struct tevent_signal *se, int signum,
                                  int count, void *siginfo,
                                  const char *handler_name,
                                  const char *location);
    void (*after_signal_handler)(struct tevent_context *wrap_ev,
                                 void *private_state,
                                 struct tevent_context *main_ev,
                                 struct tevent_signal *se, int signum,
                                 int count, void *siginfo,
                                 const char *handler_name,
                                 const char *location);
};

/**
 * Create a wrapper context on top of main_ev with a zeroed private state
 * of the given type, whose pointer is stored in *state.
 */
struct tevent_context *_tevent_context_wrapper_create(
    struct tevent_context *main_ev, TALLOC_CTX *mem_ctx,
    const struct tevent_wrapper_ops *ops, void *pstate, size_t psize,
    const char *type, const char *location) _DEPRECATED_;
#define tevent_context_wrapper_create(main_ev, mem_ctx, ops, state, type)      \
    _tevent_context_wrapper_create(main_ev, mem_ctx, ops, state, sizeof(type), \
                                   #type, __location__)

/** Whether ev is a wrapper context. */
bool tevent_context_is_wrapper(struct tevent_context *ev) _DEPRECATED_;

/** Enter a wrapper's environment (before_use hook); false on failure. */
bool _tevent_context_push_use(struct tevent_context *ev,
                              const char *location) _DEPRECATED_;
#define tevent_context_push_use(ev) _tevent_context_push_use(ev, __location__)

/** Leave the environment entered with tevent_context_push_use(). */
void _tevent_context_pop_use(struct tevent_context *ev,
                             const char *location) _DEPRECATED_;
#define tevent_context_pop_use(ev) _tevent_context_pop_use(ev, __location__)

/** Whether two (possibly wrapper) contexts share the same main loop. */
bool tevent_context_same_loop(struct tevent_context *ev1,
                              struct tevent_context *ev2) _DEPRECATED_;

#endif /* TEVENT_DEPRECATED */

/* ---------------------------------------------------------------------
 * Old event_* names (opt-in)
 * ------------------------------------------------------------------- */

#ifdef TEVENT_COMPAT_DEFINES

/* Type names */
#define event_context tevent_context
#define event_ops tevent_ops
#define fd_event tevent_fd
#define timed_event tevent_timer
#define signal_event tevent_signal
#define event_fd_handler_t tevent_fd_handler_t
#define event_timed_handler_t tevent_timer_handler_t
#define event_signal_handler_t tevent_signal_handler_t

/* Contexts, events and the loop */
#define event_context_init(mem_ctx) tevent_context_init(mem_ctx)
#define event_context_init_byname(mem_ctx, name)                               \
    tevent_context_init_byname(mem_ctx, name)
#define event_backend_list(mem_ctx) tevent_backend_list(mem_ctx)
#define event_set_default_backend(backend) tevent_set_default_backend(backend)
#define event_add_fd(ev, mem_ctx, fd, flags, handler, private_data)            \
    tevent_add_fd(ev, mem_ctx, fd, flags, handler, private_data)
#define event_add_timed(ev, mem_ctx, next_event, handler, private_data)        \
    tevent_add_timer(ev, mem_ctx, next_event, handler, private_data)
#define event_add_signal(ev, mem_ctx, signum, sa_flags, handler, private_data) \
    tevent_add_signal(ev, mem_ctx, signum, sa_flags, handler, private_data)
#define event_loop_once(ev) tevent_loop_once(ev)
#define event_loop_wait(ev) tevent_loop_wait(ev)
#define event_get_fd_flags(fde) tevent_fd_get_flags(fde)
#define event_set_fd_flags(fde, flags) tevent_fd_set_flags(fde, flags)

/* fd event flags */
#define EVENT_FD_READ TEVENT_FD_READ
#define EVENT_FD_WRITE TEVENT_FD_WRITE
#define EVENT_FD_WRITEABLE(fde) TEVENT_FD_WRITEABLE(fde)
#define EVENT_FD_READABLE(fde) TEVENT_FD_READABLE(fde)
#define EVENT_FD_NOT_WRITEABLE(fde) TEVENT_FD_NOT_WRITEABLE(fde)
#define EVENT_FD_NOT_READABLE(fde) TEVENT_FD_NOT_READABLE(fde)

/* Debugging */
#define ev_debug_level tevent_debug_level
#define EV_DEBUG_FATAL TEVENT_DEBUG_FATAL
#define EV_DEBUG_ERROR TEVENT_DEBUG_ERROR
#define EV_DEBUG_WARNING TEVENT_DEBUG_WARNING
#define EV_DEBUG_TRACE TEVENT_DEBUG_TRACE
#define ev_set_debug(ev, debug, context) tevent_set_debug(ev, debug, context)
/* Expands to a use of "ev", not of its parameter (kept as in tevent). */
#define ev_set_debug_stderr(_ev) tevent_set_debug_stderr(ev)

#endif /* TEVENT_COMPAT_DEFINES */

#ifdef __cplusplus
}
#endif

#endif /* __TEVENT_H__ */
