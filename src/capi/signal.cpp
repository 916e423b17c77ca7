// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: signal events.
#include "../signal.hpp"

TEVENT_EXPORT struct tevent_signal *
_tevent_add_signal(struct tevent_context *ev, TALLOC_CTX *mem_ctx, int signum,
                   int sa_flags, tevent_signal_handler_t handler,
                   void *private_data, const char *handler_name,
                   const char *location)
{
    return tev::add_signal(ev, mem_ctx, signum, sa_flags, handler, private_data,
                           handler_name, location);
}

TEVENT_EXPORT bool tevent_signal_support(struct tevent_context *ev)
{
    return tev::signal_support(ev);
}

TEVENT_EXPORT struct tevent_signal *
tevent_common_add_signal(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                         int signum, int sa_flags,
                         tevent_signal_handler_t handler, void *private_data,
                         const char *handler_name, const char *location)
{
    return tev::common_add_signal(ev, mem_ctx, signum, sa_flags, handler,
                                  private_data, handler_name, location);
}

TEVENT_EXPORT int tevent_common_check_signal(struct tevent_context *ev)
{
    return tev::common_check_signal(ev);
}

TEVENT_EXPORT void
tevent_cleanup_pending_signal_handlers(struct tevent_signal *se)
{
    tev::cleanup_pending_signal_handlers(se);
}

TEVENT_EXPORT int tevent_common_invoke_signal_handler(struct tevent_signal *se,
                                                      int signum, int count,
                                                      void *siginfo,
                                                      bool *removed)
{
    return tev::common_invoke_signal_handler(se, signum, count, siginfo,
                                             removed);
}

TEVENT_EXPORT size_t tevent_num_signals(void)
{
    return tev::num_signals();
}

TEVENT_EXPORT size_t tevent_sa_info_queue_count(void)
{
    return tev::sa_info_queue_count();
}

TEVENT_EXPORT void tevent_signal_set_tag(struct tevent_signal *se, uint64_t tag)
{
    tev::set_tag(se, tag);
}

TEVENT_EXPORT uint64_t tevent_signal_get_tag(const struct tevent_signal *se)
{
    return tev::get_tag(se);
}
