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

/* The common context teardown; returns 0. */
int tevent_common_context_destructor(struct tevent_context *ev);
int tevent_common_loop_wait(struct tevent_context *ev, const char *location);

int tevent_common_fd_destructor(struct tevent_fd *fde);
struct tevent_fd *
tevent_common_add_fd(struct tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                     uint16_t flags, tevent_fd_handler_t handler,
                     void *private_data, const char *handler_name,
                     const char *location);
void tevent_common_fd_set_close_fn(struct tevent_fd *fde,
                                   tevent_fd_close_fn_t close_fn);
uint16_t tevent_common_fd_get_flags(struct tevent_fd *fde);
void tevent_common_fd_set_flags(struct tevent_fd *fde, uint16_t flags);
int tevent_common_invoke_fd_handler(struct tevent_fd *fde, uint16_t flags,
                                    bool *removed);

struct tevent_timer *
tevent_common_add_timer(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                        struct timeval next_event,
                        tevent_timer_handler_t handler, void *private_data,
                        const char *handler_name, const char *location);
struct tevent_timer *
tevent_common_add_timer_v2(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                           struct timeval next_event,
                           tevent_timer_handler_t handler, void *private_data,
                           const char *handler_name, const char *location);
struct timeval tevent_common_loop_timer_delay(struct tevent_context *ev);
int tevent_common_invoke_timer_handler(struct tevent_timer *te,
                                       struct timeval current_time,
                                       bool *removed);

void tevent_common_immediate_cancel(struct tevent_immediate *im);
void tevent_common_schedule_immediate(struct tevent_immediate *im,
                                      struct tevent_context *ev,
                                      tevent_immediate_handler_t handler,
                                      void *private_data,
                                      const char *handler_name,
                                      const char *location);
int tevent_common_invoke_immediate_handler(struct tevent_immediate *im,
                                           bool *removed);
bool tevent_common_loop_immediate(struct tevent_context *ev);
void tevent_common_threaded_activate_immediate(struct tevent_context *ev);
bool tevent_common_have_events(struct tevent_context *ev);

int tevent_common_wakeup_init(struct tevent_context *ev);
int tevent_common_wakeup_fd(int fd);
int tevent_common_wakeup(struct tevent_context *ev);

struct tevent_signal *
tevent_common_add_signal(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                         int signum, int sa_flags,
                         tevent_signal_handler_t handler, void *private_data,
                         const char *handler_name, const char *location);
int tevent_common_check_signal(struct tevent_context *ev);
void tevent_cleanup_pending_signal_handlers(struct tevent_signal *se);
int tevent_common_invoke_signal_handler(struct tevent_signal *se, int signum,
                                        int count, void *siginfo,
                                        bool *removed);

void tevent_debug(struct tevent_context *ev, enum tevent_debug_level level,
                  const char *fmt, ...) PRINTF_ATTRIBUTE(3, 4);
void tevent_abort(struct tevent_context *ev, const char *reason);
void tevent_common_check_double_free(TALLOC_CTX *ptr, const char *reason);

void tevent_trace_point_callback(struct tevent_context *ev,
                                 enum tevent_trace_point);
void tevent_trace_fd_callback(struct tevent_context *ev, struct tevent_fd *fde,
                              enum tevent_event_trace_point);
void tevent_trace_signal_callback(struct tevent_context *ev,
                                  struct tevent_signal *se,
                                  enum tevent_event_trace_point);
void tevent_trace_timer_callback(struct tevent_context *ev,
                                 struct tevent_timer *te,
                                 enum tevent_event_trace_point);
void tevent_trace_immediate_callback(struct tevent_context *ev,
                                     struct tevent_immediate *im,
                                     enum tevent_event_trace_point);
void tevent_trace_queue_callback(struct tevent_context *ev,
                                 struct tevent_queue_entry *qe,
                                 enum tevent_event_trace_point);

#ifdef __cplusplus
}
#endif

#endif
