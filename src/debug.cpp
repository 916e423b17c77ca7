// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Debug output, the abort hook and the trace callback slots.
#include "debug.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "wrapper.hpp"

namespace tev
{
namespace
{

void (*g_abort_fn)(const char *reason) = nullptr;

void debug_stderr(void *, tevent_debug_level level, const char *fmt, va_list ap)
    PRINTF_ATTRIBUTE(3, 0);
void debug_stderr(void *, tevent_debug_level level, const char *fmt, va_list ap)
{
    if (level <= TEVENT_DEBUG_WARNING) {
        vfprintf(stderr, fmt, ap);
    }
}

// Configuration belongs to the main context: a wrapper is refused.
bool refuse_wrapper(tevent_context *ev, const char *what)
{
    if (ev->wrapper.glue == nullptr) {
        return false;
    }
    abort_with(wrapper_main_ev(ev), what);
    return true;
}

template <class Cb> void store(TraceSlot<Cb> &slot, Cb cb, void *private_data)
{
    slot.callback = cb;
    slot.private_data = private_data;
}

} // namespace

void vdebug(tevent_context *ev, tevent_debug_level level, const char *fmt,
            va_list ap)
{
    if (ev == nullptr) {
        return;
    }
    if (ev->wrapper.glue != nullptr) {
        ev = wrapper_main_ev(ev);
        if (ev == nullptr) {
            return;
        }
    }
    if (level > ev->debug_ops.max_level || ev->debug_ops.debug == nullptr) {
        return;
    }
    ev->debug_ops.debug(ev->debug_ops.context, level, fmt, ap);
}

void debug(tevent_context *ev, tevent_debug_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdebug(ev, level, fmt, ap);
    va_end(ap);
}

int set_debug(tevent_context *ev, tevent_debug_fn fn, void *context)
{
    if (refuse_wrapper(ev, "tevent_set_debug() on wrapper")) {
        errno = EINVAL;
        return -1;
    }
    ev->debug_ops.max_level =
        fn != nullptr ? TEVENT_DEBUG_WARNING : TEVENT_DEBUG_FATAL;
    ev->debug_ops.debug = fn;
    ev->debug_ops.context = context;
    return 0;
}

int set_debug_stderr(tevent_context *ev)
{
    return set_debug(ev, debug_stderr, ev);
}

tevent_debug_level set_max_debug_level(tevent_context *ev,
                                       tevent_debug_level level)
{
    tevent_debug_level old = ev->debug_ops.max_level;
    ev->debug_ops.max_level = level;
    return old;
}

void set_abort_fn(void (*fn)(const char *reason))
{
    g_abort_fn = fn;
}

void abort_with(tevent_context *ev, const char *reason)
{
    if (ev != nullptr) {
        debug(ev, TEVENT_DEBUG_FATAL, "abort: %s\n", reason);
    }
    if (g_abort_fn == nullptr) {
        abort();
    }
    g_abort_fn(reason);
}

void check_double_free(const void *ptr, const char *reason)
{
    // Freeing the parent of a busy event frees the event a second time
    // through talloc; that case is expected and ignored.
    void *parent = talloc_parent(ptr);
    if (parent != nullptr && talloc_total_blocks(parent) == 0) {
        return;
    }
    abort_with(nullptr, reason);
}

void set_trace_point_callback(tevent_context *ev, tevent_trace_callback_t cb,
                              void *private_data)
{
    if (!refuse_wrapper(ev, "tevent_set_trace_callback() on wrapper")) {
        store(ev->tracing.point, cb, private_data);
    }
}

void set_trace_fd_callback(tevent_context *ev, tevent_trace_fd_callback_t cb,
                           void *private_data)
{
    if (!refuse_wrapper(ev, "tevent_set_trace_fd_callback() on wrapper")) {
        store(ev->tracing.fde, cb, private_data);
    }
}

void set_trace_signal_callback(tevent_context *ev,
                               tevent_trace_signal_callback_t cb,
                               void *private_data)
{
    if (!refuse_wrapper(ev, "tevent_set_trace_signal_callback() on wrapper")) {
        store(ev->tracing.se, cb, private_data);
    }
}

void set_trace_timer_callback(tevent_context *ev,
                              tevent_trace_timer_callback_t cb,
                              void *private_data)
{
    if (!refuse_wrapper(ev, "tevent_set_trace_timer_callback() on wrapper")) {
        store(ev->tracing.te, cb, private_data);
    }
}

void set_trace_immediate_callback(tevent_context *ev,
                                  tevent_trace_immediate_callback_t cb,
                                  void *private_data)
{
    if (!refuse_wrapper(ev,
                        "tevent_set_trace_immediate_callback() on wrapper")) {
        store(ev->tracing.im, cb, private_data);
    }
}

void set_trace_queue_callback(tevent_context *ev,
                              tevent_trace_queue_callback_t cb,
                              void *private_data)
{
    if (!refuse_wrapper(ev, "tevent_set_trace_queue_callback() on wrapper")) {
        store(ev->tracing.qe, cb, private_data);
    }
}

} // namespace tev
