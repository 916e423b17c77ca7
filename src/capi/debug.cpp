// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: debug output, aborts and trace callbacks.
#include "../debug.hpp"

TEVENT_EXPORT int tevent_set_debug(struct tevent_context *ev,
                                   tevent_debug_fn debug, void *context)
{
    return tev::set_debug(ev, debug, context);
}

TEVENT_EXPORT int tevent_set_debug_stderr(struct tevent_context *ev)
{
    return tev::set_debug_stderr(ev);
}

TEVENT_EXPORT enum tevent_debug_level
tevent_set_max_debug_level(struct tevent_context *ev,
                           enum tevent_debug_level max_level)
{
    return tev::set_max_debug_level(ev, max_level);
}

TEVENT_EXPORT void tevent_debug(struct tevent_context *ev,
                                enum tevent_debug_level level, const char *fmt,
                                ...)
{
    va_list ap;
    va_start(ap, fmt);
    tev::vdebug(ev, level, fmt, ap);
    va_end(ap);
}

TEVENT_EXPORT void tevent_set_abort_fn(void (*abort_fn)(const char *reason))
{
    tev::set_abort_fn(abort_fn);
}

TEVENT_EXPORT void tevent_abort(struct tevent_context *ev, const char *reason)
{
    tev::abort_with(ev, reason);
}

TEVENT_EXPORT void tevent_common_check_double_free(TALLOC_CTX *ptr,
                                                   const char *reason)
{
    tev::check_double_free(ptr, reason);
}

// The getters take the private data pointer as `void *` for historical
// reasons; it really is a `void **`.
#define TEVENT_TRACE_API(kind, slot, cb_type, obj_type)                        \
    TEVENT_EXPORT void tevent_set_trace_##kind##_callback(                     \
        struct tevent_context *ev, cb_type cb, void *private_data)             \
    {                                                                          \
        tev::set_trace_##kind##_callback(ev, cb, private_data);                \
    }                                                                          \
    TEVENT_EXPORT void tevent_get_trace_##kind##_callback(                     \
        struct tevent_context *ev, cb_type *cb, void *p_private_data)          \
    {                                                                          \
        tev::get_trace(ev->tracing.slot, cb, p_private_data);                  \
    }                                                                          \
    TEVENT_EXPORT void tevent_trace_##kind##_callback(                         \
        struct tevent_context *ev, obj_type *obj,                              \
        enum tevent_event_trace_point tp)                                      \
    {                                                                          \
        tev::trace_##kind(ev, obj, tp);                                        \
    }

TEVENT_TRACE_API(fd, fde, tevent_trace_fd_callback_t, struct tevent_fd)
TEVENT_TRACE_API(signal, se, tevent_trace_signal_callback_t,
                 struct tevent_signal)
TEVENT_TRACE_API(timer, te, tevent_trace_timer_callback_t, struct tevent_timer)
TEVENT_TRACE_API(immediate, im, tevent_trace_immediate_callback_t,
                 struct tevent_immediate)
TEVENT_TRACE_API(queue, qe, tevent_trace_queue_callback_t,
                 struct tevent_queue_entry)

TEVENT_EXPORT void tevent_set_trace_callback(struct tevent_context *ev,
                                             tevent_trace_callback_t cb,
                                             void *private_data)
{
    tev::set_trace_point_callback(ev, cb, private_data);
}

TEVENT_EXPORT void tevent_get_trace_callback(struct tevent_context *ev,
                                             tevent_trace_callback_t *cb,
                                             void *private_data)
{
    tev::get_trace(ev->tracing.point, cb, private_data);
}

TEVENT_EXPORT void tevent_trace_point_callback(struct tevent_context *ev,
                                               enum tevent_trace_point tp)
{
    tev::trace_point(ev, tp);
}
