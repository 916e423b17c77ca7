// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: the wakeup eventfd.
#include "../wakeup_fd.hpp"

TEVENT_EXPORT int tevent_common_wakeup_init(struct tevent_context *ev)
{
    return tev::common_wakeup_init(ev);
}

TEVENT_EXPORT int tevent_common_wakeup_fd(int fd)
{
    return tev::common_wakeup_fd(fd);
}

TEVENT_EXPORT int tevent_common_wakeup(struct tevent_context *ev)
{
    return tev::common_wakeup(ev);
}
