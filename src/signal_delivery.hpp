// SPDX-License-Identifier: LGPL-3.0-or-later
//
// What the asynchronous signal handlers record (signal_delivery.cpp), and
// how the dispatcher takes it.  Per signal number: a counter of deliveries
// without a siginfo record, a ring of siginfo records for SA_SIGINFO
// handlers, and the contexts whose wakeup fd a delivery writes; process
// wide: a bitmap of the signals with undispatched deliveries.
//
// Everything here except pending_signal_from() and clear_pending() is called
// by the dispatcher side (signal.cpp) with its table lock held.
#pragma once

#include <csignal>

#include "core.hpp"
#include "tevent_signal_config.h"

namespace tev
{

constexpr int signal_table_size = TEVENT_NUM_SIGNALS;
constexpr uint32_t siginfo_ring_size = 256;

struct SiginfoRing;

// The deliveries of one signal that one dispatch took: `with_info` siginfo
// records in consecutive ring entries from `first`, then `without_info`
// deliveries whose record does not exist (the handler was installed without
// SA_SIGINFO, or the ring was full: `lost` of them).
struct DeliveryBatch {
    SiginfoRing *ring = nullptr;
    uint32_t first = 0;
    uint32_t with_info = 0;
    uint32_t without_info = 0;
    uint32_t lost = 0;

    uint32_t total() const { return with_info + without_info; }
    // The record of delivery i < with_info, valid until the batch is
    // released.
    siginfo_t *info(uint32_t i) const;
};

// The disposition our handler for signum takes: the handler matching
// sa_flags, with every signal blocked while it runs.
void fill_sigaction(struct sigaction *act, int sa_flags);

// The siginfo ring handlers of signum write into; a talloc child of parent.
// Attached before the SA_SIGINFO handler is installed and detached after
// the disposition is restored; a ring that a dispatch still holds entries
// of is freed when that dispatch releases them.
bool attach_siginfo_ring(int signum, TALLOC_CTX *parent);
void detach_siginfo_ring(int signum);

// The contexts woken by deliveries of signum, one entry per context with
// any number of events for it.  Removing waits until no running handler can
// still use ev.
bool wake_list_add(int signum, tevent_context *ev);
void wake_list_remove(int signum, tevent_context *ev);

// Lowest signal number >= from with undispatched deliveries, or -1.
int pending_signal_from(int from);
// Called before the deliveries of signum are taken: later deliveries mark
// it pending again.
void clear_pending(int signum);

// Takes every delivery of signum recorded so far.
DeliveryBatch take_deliveries(int signum);
// Clears and frees the batch's ring entries and unblocks the signal if a
// full ring had blocked it and there is room again.
void release_deliveries(int signum, const DeliveryBatch &batch);

// Fork child: handlers that were running in other threads never finish,
// their half-written ring entries are dropped.
void deliveries_after_fork();

} // namespace tev
