// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: immediate events.
#include "../immediate.hpp"

TEVENT_EXPORT struct tevent_immediate *
_tevent_create_immediate(TALLOC_CTX *mem_ctx, const char *location)
{
    return tev::create_immediate(mem_ctx, location);
}

TEVENT_EXPORT void _tevent_schedule_immediate(
    struct tevent_immediate *im, struct tevent_context *ev,
    tevent_immediate_handler_t handler, void *private_data,
    const char *handler_name, const char *location)
{
    tev::schedule_immediate(im, ev, handler, private_data, handler_name,
                            location);
}

TEVENT_EXPORT void tevent_reset_immediate(struct tevent_immediate *im)
{
    tev::common_immediate_cancel(im);
}

TEVENT_EXPORT void tevent_immediate_set_tag(struct tevent_immediate *im,
                                            uint64_t tag)
{
    tev::set_tag(im, tag);
}

TEVENT_EXPORT uint64_t
tevent_immediate_get_tag(const struct tevent_immediate *im)
{
    return tev::get_tag(im);
}

TEVENT_EXPORT void tevent_common_immediate_cancel(struct tevent_immediate *im)
{
    tev::common_immediate_cancel(im);
}

TEVENT_EXPORT void tevent_common_schedule_immediate(
    struct tevent_immediate *im, struct tevent_context *ev,
    tevent_immediate_handler_t handler, void *private_data,
    const char *handler_name, const char *location)
{
    tev::common_schedule_immediate(im, ev, handler, private_data, handler_name,
                                   location);
}

TEVENT_EXPORT int
tevent_common_invoke_immediate_handler(struct tevent_immediate *im,
                                       bool *removed)
{
    return tev::common_invoke_immediate_handler(im, removed);
}

TEVENT_EXPORT bool tevent_common_loop_immediate(struct tevent_context *ev)
{
    return tev::common_loop_immediate(ev);
}
