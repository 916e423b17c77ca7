// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The core's side of the poller contract (poller.hpp): attaching a poller
// to a context, calling it for fd changes with fork and wakeup handling,
// and switching to the fallback poller when one fails.
#include "poller.hpp"

#include <cerrno>
#include <cstring>

#include "wakeup_fd.hpp"

namespace tev
{
namespace
{

// Arms every fde but `leaving` with the context's (new) poller.  Oldest
// first: a poller that orders its fdes by arrival then keeps the list's
// newest-first order.
bool arm_all(tevent_context *ev, const tevent_fd *leaving)
{
    for (tevent_fd *fde = ev->fd_events.tail; fde != nullptr; fde = fde->prev) {
        if (fde != leaving && !ev->poller.ops->arm(ev, fde)) {
            return false;
        }
    }
    return true;
}

} // namespace

void poller_failed(tevent_context *ev, const char *reason)
{
    if (ev->poller.failure == nullptr) {
        ev->poller.failure = reason;
        ev->poller.failure_errno = errno;
    }
}

int poller_attach(tevent_context *ev, const Poller *p, const Poller *fallback)
{
    // Also runs from tevent_re_initialise(); and upstream's built-in
    // backends free the additional data handed to tevent_context_init_ops().
    TALLOC_FREE(ev->additional_data);
    ev->poller.ops = p;
    ev->poller.fallback = fallback;
    ev->poller.generation = fork_generation();
    ev->poller.failure = nullptr;
    if (p->create(ev) != 0) {
        return -1;
    }
    if (p->wake_on_change) {
        return common_wakeup_init(ev);
    }
    return 0;
}

bool poller_switch(tevent_context *ev, const tevent_fd *leaving, bool replay)
{
    const char *reason = ev->poller.failure;
    const char *err = strerror(ev->poller.failure_errno);
    const Poller *fallback = ev->poller.fallback;
    ev->poller.failure = nullptr;
    TALLOC_FREE(ev->additional_data);

    if (fallback != nullptr) {
        debug(ev, TEVENT_DEBUG_ERROR,
              "%s (%s) replay[%u] - calling panic_fallback\n", reason, err,
              static_cast<unsigned>(replay));
        ev->poller.ops = fallback;
        ev->poller.fallback = nullptr;
        ev->poller.generation = fork_generation();
        if (fallback->create(ev) == 0 && arm_all(ev, leaving)) {
            return true;
        }
    }
    debug(ev, TEVENT_DEBUG_FATAL, "%s (%s) replay[%u] - calling abort()\n",
          reason, err, static_cast<unsigned>(replay));
    abort();
}

bool poller_reopen(tevent_context *ev, const tevent_fd *leaving, bool replay)
{
    ev->poller.generation = fork_generation();
    if (ev->poller.ops->reopen != nullptr) {
        ev->poller.ops->reopen(ev, leaving);
    }
    return !poller_recover(ev, leaving, replay);
}

void poller_changed(tevent_context *ev)
{
    common_wakeup(ev);
}

} // namespace tev
