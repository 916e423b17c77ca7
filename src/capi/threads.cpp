// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: thread proxies and threaded contexts.
#include "../threads.hpp"

TEVENT_EXPORT struct tevent_thread_proxy *
tevent_thread_proxy_create(struct tevent_context *dest_ev_ctx)
{
    return tev::thread_proxy_create(dest_ev_ctx);
}

TEVENT_EXPORT void tevent_thread_proxy_schedule(
    struct tevent_thread_proxy *tp, struct tevent_immediate **pp_im,
    tevent_immediate_handler_t handler, void *pp_private_data)
{
    tev::thread_proxy_schedule(tp, pp_im, handler, pp_private_data);
}

TEVENT_EXPORT struct tevent_threaded_context *
tevent_threaded_context_create(TALLOC_CTX *mem_ctx, struct tevent_context *ev)
{
    return tev::threaded_context_create(mem_ctx, ev);
}

TEVENT_EXPORT void _tevent_threaded_schedule_immediate(
    struct tevent_threaded_context *tctx, struct tevent_immediate *im,
    tevent_immediate_handler_t handler, void *private_data,
    const char *handler_name, const char *location)
{
    tev::threaded_schedule_immediate(tctx, im, handler, private_data,
                                     handler_name, location);
}

TEVENT_EXPORT void
tevent_common_threaded_activate_immediate(struct tevent_context *ev)
{
    tev::common_threaded_activate_immediate(ev);
}
