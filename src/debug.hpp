// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Debug output, aborts and trace callbacks (debug.cpp).
#pragma once

#include "context.hpp"

namespace tev
{

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

void debug(tevent_context *ev, tevent_debug_level level, const char *fmt, ...)
    PRINTF_ATTRIBUTE(3, 4);
void vdebug(tevent_context *ev, tevent_debug_level level, const char *fmt,
            va_list ap) PRINTF_ATTRIBUTE(3, 0);
int set_debug(tevent_context *ev, tevent_debug_fn fn, void *context);
int set_debug_stderr(tevent_context *ev);
tevent_debug_level set_max_debug_level(tevent_context *ev,
                                       tevent_debug_level level);

// Logs, then calls the process abort hook, or abort() without one.  Returns
// when the hook returns.
void abort_with(tevent_context *ev, const char *reason);
void set_abort_fn(void (*fn)(const char *reason));
void check_double_free(const void *ptr, const char *reason);

// Trace points.  The per-object ones are inline: they run on every event.
inline void trace_point(tevent_context *ev, tevent_trace_point tp)
{
    if (ev->tracing.point.callback != nullptr) {
        ev->tracing.point.callback(tp, ev->tracing.point.private_data);
    }
}
inline void trace_fd(tevent_context *ev, tevent_fd *fde,
                     tevent_event_trace_point tp)
{
    if (ev->tracing.fde.callback != nullptr) {
        ev->tracing.fde.callback(fde, tp, ev->tracing.fde.private_data);
    }
}
inline void trace_signal(tevent_context *ev, tevent_signal *se,
                         tevent_event_trace_point tp)
{
    if (ev->tracing.se.callback != nullptr) {
        ev->tracing.se.callback(se, tp, ev->tracing.se.private_data);
    }
}
inline void trace_timer(tevent_context *ev, tevent_timer *te,
                        tevent_event_trace_point tp)
{
    if (ev->tracing.te.callback != nullptr) {
        ev->tracing.te.callback(te, tp, ev->tracing.te.private_data);
    }
}
inline void trace_immediate(tevent_context *ev, tevent_immediate *im,
                            tevent_event_trace_point tp)
{
    if (ev->tracing.im.callback != nullptr) {
        ev->tracing.im.callback(im, tp, ev->tracing.im.private_data);
    }
}
inline void trace_queue(tevent_context *ev, tevent_queue_entry *qe,
                        tevent_event_trace_point tp)
{
    if (ev->tracing.qe.callback != nullptr) {
        ev->tracing.qe.callback(qe, tp, ev->tracing.qe.private_data);
    }
}

// Trace callback setters abort on a wrapper context, getters never do.
void set_trace_point_callback(tevent_context *ev, tevent_trace_callback_t cb,
                              void *private_data);
void set_trace_fd_callback(tevent_context *ev, tevent_trace_fd_callback_t cb,
                           void *private_data);
void set_trace_signal_callback(tevent_context *ev,
                               tevent_trace_signal_callback_t cb,
                               void *private_data);
void set_trace_timer_callback(tevent_context *ev,
                              tevent_trace_timer_callback_t cb,
                              void *private_data);
void set_trace_immediate_callback(tevent_context *ev,
                                  tevent_trace_immediate_callback_t cb,
                                  void *private_data);
void set_trace_queue_callback(tevent_context *ev,
                              tevent_trace_queue_callback_t cb,
                              void *private_data);

// Reads a trace slot back; the private data pointer is a `void **` that
// the C API passes as `void *`.
template <class Cb>
void get_trace(const TraceSlot<Cb> &slot, Cb *cb, void *p_private_data)
{
    *cb = slot.callback;
    *static_cast<void **>(p_private_data) = slot.private_data;
}

} // namespace tev
