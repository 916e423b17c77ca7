// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The built-in backends as tevent_ops tables.  Each is a poller
// (poller.hpp) behind thin adaptors: the fd entries go through the poller,
// loop_once is the shared loop, the rest is the common code every backend
// may use.
#include "backends.hpp"

#include "fd.hpp"
#include "immediate.hpp"
#include "loop.hpp"
#include "poller.hpp"
#include "signal.hpp"
#include "timer.hpp"

namespace tev
{
namespace
{

tevent_fd *add_fd_armed(tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                        uint16_t flags, tevent_fd_handler_t handler,
                        void *private_data, const char *handler_name,
                        const char *location)
{
    tevent_fd *fde = common_add_fd(ev, mem_ctx, fd, flags, handler,
                                   private_data, handler_name, location);
    if (fde != nullptr && !poller_arm(ev, fde)) {
        talloc_free(fde);
        return nullptr;
    }
    return fde;
}

void set_fd_flags_armed(tevent_fd *fde, uint16_t flags)
{
    tevent_context *ev = fde->event_ctx;
    if (ev == nullptr || fde->flags == flags) {
        return;
    }
    fde->flags = flags;
    poller_modify(ev, fde);
}

void schedule_immediate_waking(tevent_immediate *im, tevent_context *ev,
                               tevent_immediate_handler_t handler,
                               void *private_data, const char *handler_name,
                               const char *location)
{
    common_schedule_immediate(im, ev, handler, private_data, handler_name,
                              location);
    poller_changed(ev);
}

int epoll_init(tevent_context *ev)
{
    return poller_attach(ev, &epoll_poller, nullptr);
}

int poll_init(tevent_context *ev)
{
    return poller_attach(ev, &poll_poller, nullptr);
}

int poll_mt_init(tevent_context *ev)
{
    return poller_attach(ev, &poll_mt_poller, nullptr);
}

// "standard": epoll, and poll for good once epoll failed (a context that
// fell back stays on poll across tevent_re_initialise()).
int standard_init(tevent_context *ev)
{
    if (ev->poller.ops != &poll_poller &&
        poller_attach(ev, &epoll_poller, &poll_poller) == 0) {
        return 0;
    }
    return poller_attach(ev, &poll_poller, nullptr);
}

constexpr tevent_ops
builtin_ops(int (*init)(tevent_context *ev),
            decltype(tevent_ops::schedule_immediate) schedule_immediate)
{
    return tevent_ops{
        .context_init = init,
        .add_fd = add_fd_armed,
        .set_fd_close_fn = common_fd_set_close_fn,
        .get_fd_flags = common_fd_get_flags,
        .set_fd_flags = set_fd_flags_armed,
        .add_timer = common_add_timer_v2,
        .schedule_immediate = schedule_immediate,
        .add_signal = common_add_signal,
        .loop_once = builtin_loop_once,
        .loop_wait = common_loop_wait,
    };
}

} // namespace

const tevent_ops epoll_ops = builtin_ops(epoll_init, common_schedule_immediate);
const tevent_ops poll_ops = builtin_ops(poll_init, common_schedule_immediate);
const tevent_ops poll_mt_ops =
    builtin_ops(poll_mt_init, schedule_immediate_waking);
const tevent_ops standard_ops =
    builtin_ops(standard_init, common_schedule_immediate);

} // namespace tev
