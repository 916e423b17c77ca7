// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: fd events.
#include "../fd.hpp"

TEVENT_EXPORT struct tevent_fd *
_tevent_add_fd(struct tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
               uint16_t flags, tevent_fd_handler_t handler, void *private_data,
               const char *handler_name, const char *location)
{
    return tev::add_fd(ev, mem_ctx, fd, flags, handler, private_data,
                       handler_name, location);
}

TEVENT_EXPORT void tevent_fd_set_close_fn(struct tevent_fd *fde,
                                          tevent_fd_close_fn_t close_fn)
{
    tev::fd_set_close_fn(fde, close_fn);
}

TEVENT_EXPORT void tevent_fd_set_auto_close(struct tevent_fd *fde)
{
    tev::fd_set_auto_close(fde);
}

TEVENT_EXPORT uint16_t tevent_fd_get_flags(struct tevent_fd *fde)
{
    return tev::fd_get_flags(fde);
}

TEVENT_EXPORT void tevent_fd_set_flags(struct tevent_fd *fde, uint16_t flags)
{
    tev::fd_set_flags(fde, flags);
}

TEVENT_EXPORT void tevent_fd_set_tag(struct tevent_fd *fde, uint64_t tag)
{
    tev::set_tag(fde, tag);
}

TEVENT_EXPORT uint64_t tevent_fd_get_tag(const struct tevent_fd *fde)
{
    return tev::get_tag(fde);
}

TEVENT_EXPORT struct tevent_fd *
tevent_common_add_fd(struct tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                     uint16_t flags, tevent_fd_handler_t handler,
                     void *private_data, const char *handler_name,
                     const char *location)
{
    return tev::common_add_fd(ev, mem_ctx, fd, flags, handler, private_data,
                              handler_name, location);
}

TEVENT_EXPORT int tevent_common_fd_destructor(struct tevent_fd *fde)
{
    return tev::common_fd_destructor(fde);
}

TEVENT_EXPORT void tevent_common_fd_set_close_fn(struct tevent_fd *fde,
                                                 tevent_fd_close_fn_t close_fn)
{
    tev::common_fd_set_close_fn(fde, close_fn);
}

TEVENT_EXPORT uint16_t tevent_common_fd_get_flags(struct tevent_fd *fde)
{
    return tev::common_fd_get_flags(fde);
}

TEVENT_EXPORT void tevent_common_fd_set_flags(struct tevent_fd *fde,
                                              uint16_t flags)
{
    tev::common_fd_set_flags(fde, flags);
}

TEVENT_EXPORT int tevent_common_invoke_fd_handler(struct tevent_fd *fde,
                                                  uint16_t flags, bool *removed)
{
    return tev::common_invoke_fd_handler(fde, flags, removed);
}
