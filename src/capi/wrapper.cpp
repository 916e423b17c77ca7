// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: wrapper contexts and the use stack.
#include "../wrapper.hpp"

TEVENT_EXPORT struct tevent_context *_tevent_context_wrapper_create(
    struct tevent_context *main_ev, TALLOC_CTX *mem_ctx,
    const struct tevent_wrapper_ops *ops, void *pstate, size_t psize,
    const char *type, const char *location)
{
    return tev::context_wrapper_create(main_ev, mem_ctx, ops, pstate, psize,
                                       type, location);
}

TEVENT_EXPORT bool tevent_context_is_wrapper(struct tevent_context *ev)
{
    return tev::context_is_wrapper(ev);
}

TEVENT_EXPORT bool tevent_context_same_loop(struct tevent_context *ev1,
                                            struct tevent_context *ev2)
{
    return tev::context_same_loop(ev1, ev2);
}

TEVENT_EXPORT bool _tevent_context_push_use(struct tevent_context *ev,
                                            const char *location)
{
    return tev::context_push_use(ev, location);
}

TEVENT_EXPORT void _tevent_context_pop_use(struct tevent_context *ev,
                                           const char *location)
{
    tev::context_pop_use(ev, location);
}
