// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The asynchronous half of signal events: our handlers and the
// constant-initialised state they write.  A handler only uses atomics,
// memory that stays valid while it runs, and write(2); it runs with every
// signal blocked (fill_sigaction()), so our handlers never nest in each
// other on one thread.
//
// A delivery to an SA_SIGINFO handler stores its siginfo in a free ring
// entry.  With no free entry the record is dropped (counted as lost, the
// delivery itself still counts), and the signal is blocked until the
// dispatcher has made room, so that queued real-time signals wait in the
// kernel instead.  The block is added to the signal mask that the kernel
// restores when this handler returns; since no other handler of ours can
// be the frame below it, that is the mask of the interrupted code.
#include "signal_delivery.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <ucontext.h>

#include "wakeup_fd.hpp"

namespace tev
{

static_assert((siginfo_ring_size & (siginfo_ring_size - 1)) == 0,
              "ring positions stay right when the 32-bit counters wrap");
static_assert(std::atomic<uint32_t>::is_always_lock_free);
static_assert(std::atomic<uint64_t>::is_always_lock_free);
static_assert(std::atomic<void *>::is_always_lock_free);

// talloc name "siginfo_t", as upstream's ring array.  Entries
// [released, taken) belong to dispatches, [taken, reserved) to handlers
// (`filled` once the record is complete).
struct SiginfoRing {
    std::atomic<uint32_t> reserved{0};
    std::atomic<uint32_t> released{0};
    std::atomic<uint8_t> filled[siginfo_ring_size] = {};
    // Dispatcher only.
    uint32_t taken = 0;
    uint32_t holders = 0; // batches with entries in this ring
    bool detached = false;
    siginfo_t info[siginfo_ring_size];
};

siginfo_t *DeliveryBatch::info(uint32_t i) const
{
    return &ring->info[(first + i) % siginfo_ring_size];
}

namespace
{

struct SignalSlot {
    // Written by the handlers.
    std::atomic<uint32_t> count{0};   // deliveries without a record
    std::atomic<uint32_t> lost{0};    // of those, dropped for a full ring
    std::atomic<uint32_t> blocked{0}; // by a full ring, until it has room
    std::atomic<SiginfoRing *> ring{nullptr};
    // The contexts to wake.  Grown by publishing a new array; entries are
    // removed in place (the last one moves into the hole).
    std::atomic<tevent_context **> wake{nullptr};
    std::atomic<uint32_t> wake_count{0};

    // Dispatcher only.
    uint32_t count_taken = 0;
    uint32_t lost_taken = 0;
    uint32_t *wake_refs = nullptr; // events per entry of `wake`
    uint32_t wake_capacity = 0;
};

constexpr int pending_words = (signal_table_size + 63) / 64;

struct DeliveryState {
    std::atomic<uint64_t> pending[pending_words] = {};
    std::atomic<uint32_t> in_flight{0}; // handlers running right now
    SignalSlot slot[signal_table_size];
};

constinit DeliveryState g_deliveries;

uint64_t pending_bit(int signum)
{
    return uint64_t{1} << (signum % 64);
}

// Memory that a running handler may still read (an old wake array, a ring,
// a context leaving the wake list) is released only after this returns.
// The unpublishing store, the handler's in_flight increment and the loads
// on either side are sequentially consistent: a handler this does not wait
// for sees the new state.  Handlers are short and never block.
void wait_for_handlers()
{
    while (g_deliveries.in_flight.load() != 0) {
        sched_yield();
    }
}

void wake_contexts(const SignalSlot &slot)
{
    uint32_t count = slot.wake_count.load();
    tevent_context **evs = slot.wake.load();
    if (evs == nullptr) {
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        tevent_context *ev = std::atomic_ref<tevent_context *>(evs[i]).load(
            std::memory_order_relaxed);
        int fd = ev->wakeup_fd.load(std::memory_order_relaxed);
        if (fd != -1) {
            common_wakeup_fd(fd);
        }
    }
}

// Only a delivery that makes the signal pending wakes the contexts: until a
// dispatcher clears the bit, the loops woken then have yet to check.
void mark_pending(int signum, const SignalSlot &slot)
{
    uint64_t bit = pending_bit(signum);
    uint64_t old = g_deliveries.pending[signum / 64].fetch_or(
        bit, std::memory_order_acq_rel);
    if ((old & bit) == 0) {
        wake_contexts(slot);
    }
}

// Stores *info in a free entry; false when there is none.  *now_full tells
// whether the ring has no free entry left.
bool ring_put(SiginfoRing *ring, const siginfo_t *info, bool *now_full)
{
    uint32_t pos = ring->reserved.load(std::memory_order_relaxed);
    uint32_t released;
    do {
        released = ring->released.load(std::memory_order_acquire);
        if (pos - released >= siginfo_ring_size) {
            *now_full = true;
            return false;
        }
    } while (!ring->reserved.compare_exchange_weak(pos, pos + 1,
                                                   std::memory_order_relaxed));
    uint32_t index = pos % siginfo_ring_size;
    ring->info[index] = *info;
    ring->filled[index].store(1, std::memory_order_release);
    *now_full = pos + 1 - released >= siginfo_ring_size;
    return true;
}

void on_signal(int signum)
{
    int saved_errno = errno;
    g_deliveries.in_flight.fetch_add(1);
    SignalSlot &slot = g_deliveries.slot[signum];
    slot.count.fetch_add(1, std::memory_order_release);
    mark_pending(signum, slot);
    g_deliveries.in_flight.fetch_sub(1);
    errno = saved_errno;
}

void on_signal_info(int signum, siginfo_t *info, void *uctx)
{
    int saved_errno = errno;
    g_deliveries.in_flight.fetch_add(1);
    SignalSlot &slot = g_deliveries.slot[signum];
    SiginfoRing *ring = slot.ring.load();
    bool full = false;
    if (ring == nullptr) {
        // The last event is going away right now.
        slot.count.fetch_add(1, std::memory_order_release);
    } else if (!ring_put(ring, info, &full)) {
        slot.lost.fetch_add(1, std::memory_order_relaxed);
        slot.count.fetch_add(1, std::memory_order_release);
    }
    if (full) {
        sigaddset(&static_cast<ucontext_t *>(uctx)->uc_sigmask, signum);
        slot.blocked.store(1, std::memory_order_release);
    }
    mark_pending(signum, slot);
    g_deliveries.in_flight.fetch_sub(1);
    errno = saved_errno;
}

bool ring_has_room(const SiginfoRing *ring)
{
    return ring->reserved.load(std::memory_order_relaxed) -
               ring->released.load(std::memory_order_relaxed) <
           siginfo_ring_size;
}

// Drops the entries of handlers that were interrupted for good (fork
// child): the complete records move down over the holes.
void ring_drop_unfinished(SiginfoRing *ring)
{
    uint32_t end = ring->reserved.load(std::memory_order_relaxed);
    uint32_t kept = ring->taken;
    for (uint32_t pos = ring->taken; pos != end; pos++) {
        uint32_t from = pos % siginfo_ring_size;
        if (ring->filled[from].load(std::memory_order_relaxed) == 0) {
            continue;
        }
        uint32_t to = kept % siginfo_ring_size;
        if (to != from) {
            ring->info[to] = ring->info[from];
            ring->filled[to].store(1, std::memory_order_relaxed);
            ring->filled[from].store(0, std::memory_order_relaxed);
            memset(&ring->info[from], 0, sizeof(siginfo_t));
        }
        kept += 1;
    }
    ring->reserved.store(kept, std::memory_order_relaxed);
}

} // namespace

void fill_sigaction(struct sigaction *act, int sa_flags)
{
    memset(act, 0, sizeof(*act));
    act->sa_flags = sa_flags;
    sigfillset(&act->sa_mask);
    if ((sa_flags & SA_SIGINFO) != 0) {
        act->sa_sigaction = on_signal_info;
    } else {
        act->sa_handler = on_signal;
    }
}

bool attach_siginfo_ring(int signum, TALLOC_CTX *parent)
{
    auto *ring = make<SiginfoRing>(parent, "siginfo_t");
    if (ring == nullptr) {
        return false;
    }
    g_deliveries.slot[signum].ring.store(ring);
    return true;
}

void detach_siginfo_ring(int signum)
{
    SignalSlot &slot = g_deliveries.slot[signum];
    SiginfoRing *ring = slot.ring.exchange(nullptr);
    if (ring == nullptr) {
        return;
    }
    wait_for_handlers();
    // Records nobody took yet stay pending deliveries, as the counts do.
    uint32_t untaken =
        ring->reserved.load(std::memory_order_relaxed) - ring->taken;
    if (untaken != 0) {
        slot.count.fetch_add(untaken, std::memory_order_relaxed);
    }
    ring->detached = true;
    if (ring->holders == 0) {
        talloc_free(ring);
    }
}

bool wake_list_add(int signum, tevent_context *ev)
{
    SignalSlot &slot = g_deliveries.slot[signum];
    tevent_context **evs = slot.wake.load(std::memory_order_relaxed);
    uint32_t count = slot.wake_count.load(std::memory_order_relaxed);
    for (uint32_t i = 0; i < count; i++) {
        if (evs[i] == ev) {
            slot.wake_refs[i] += 1;
            return true;
        }
    }
    if (count == slot.wake_capacity) {
        uint32_t capacity = count == 0 ? 4 : count * 2;
        auto *refs = static_cast<uint32_t *>(
            realloc(slot.wake_refs, capacity * sizeof(uint32_t)));
        if (refs == nullptr) {
            return false;
        }
        slot.wake_refs = refs;
        auto **grown = static_cast<tevent_context **>(
            calloc(capacity, sizeof(tevent_context *)));
        if (grown == nullptr) {
            return false;
        }
        if (count != 0) {
            memcpy(grown, evs, count * sizeof(tevent_context *));
        }
        slot.wake.store(grown);
        wait_for_handlers();
        free(evs);
        evs = grown;
        slot.wake_capacity = capacity;
    }
    std::atomic_ref<tevent_context *>(evs[count])
        .store(ev, std::memory_order_relaxed);
    slot.wake_refs[count] = 1;
    slot.wake_count.store(count + 1);
    // Deliveries already pending woke only the contexts listed then.
    if ((g_deliveries.pending[signum / 64].load() & pending_bit(signum)) != 0) {
        common_wakeup_fd(ev->wakeup_fd.load(std::memory_order_relaxed));
    }
    return true;
}

void wake_list_remove(int signum, tevent_context *ev)
{
    SignalSlot &slot = g_deliveries.slot[signum];
    tevent_context **evs = slot.wake.load(std::memory_order_relaxed);
    uint32_t count = slot.wake_count.load(std::memory_order_relaxed);
    uint32_t i = 0;
    while (evs[i] != ev) {
        i += 1;
    }
    slot.wake_refs[i] -= 1;
    if (slot.wake_refs[i] != 0) {
        return;
    }
    uint32_t last = count - 1;
    std::atomic_ref<tevent_context *>(evs[i]).store(evs[last],
                                                    std::memory_order_relaxed);
    slot.wake_refs[i] = slot.wake_refs[last];
    slot.wake_count.store(last);
    if (last == 0) {
        slot.wake.store(nullptr);
    }
    // ev may be freed as soon as we return.
    wait_for_handlers();
    if (last == 0) {
        free(evs);
        free(slot.wake_refs);
        slot.wake_refs = nullptr;
        slot.wake_capacity = 0;
    }
}

int pending_signal_from(int from)
{
    for (int word = from / 64; word < pending_words; word++) {
        uint64_t bits =
            g_deliveries.pending[word].load(std::memory_order_acquire);
        if (word == from / 64) {
            bits &= ~uint64_t{0} << (from % 64);
        }
        if (bits != 0) {
            return word * 64 + __builtin_ctzll(bits);
        }
    }
    return -1;
}

void clear_pending(int signum)
{
    g_deliveries.pending[signum / 64].fetch_and(~pending_bit(signum),
                                                std::memory_order_acq_rel);
}

DeliveryBatch take_deliveries(int signum)
{
    SignalSlot &slot = g_deliveries.slot[signum];
    DeliveryBatch batch;
    SiginfoRing *ring = slot.ring.load(std::memory_order_relaxed);
    if (ring != nullptr) {
        // Up to the first entry whose handler is still writing it: that
        // handler marks the signal pending again when it is done.
        uint32_t available =
            ring->reserved.load(std::memory_order_acquire) - ring->taken;
        uint32_t n = 0;
        while (n < available &&
               ring->filled[(ring->taken + n) % siginfo_ring_size].load(
                   std::memory_order_acquire) != 0) {
            n += 1;
        }
        if (n != 0) {
            batch.ring = ring;
            batch.first = ring->taken;
            batch.with_info = n;
            ring->taken += n;
            ring->holders += 1;
        }
    }
    uint32_t count = slot.count.load(std::memory_order_acquire);
    batch.without_info = count - slot.count_taken;
    slot.count_taken = count;
    // A handler counts its loss before its delivery.
    uint32_t lost = slot.lost.load(std::memory_order_relaxed) - slot.lost_taken;
    batch.lost = lost < batch.without_info ? lost : batch.without_info;
    slot.lost_taken += batch.lost;
    return batch;
}

void release_deliveries(int signum, const DeliveryBatch &batch)
{
    if (SiginfoRing *ring = batch.ring) {
        for (uint32_t i = 0; i < batch.with_info; i++) {
            uint32_t index = (batch.first + i) % siginfo_ring_size;
            memset(&ring->info[index], 0, sizeof(siginfo_t));
            ring->filled[index].store(0, std::memory_order_relaxed);
        }
        // Nested and concurrent dispatches release out of order; the
        // handlers get the entries back from the oldest one on.
        uint32_t released = ring->released.load(std::memory_order_relaxed);
        while (released != ring->taken &&
               ring->filled[released % siginfo_ring_size].load(
                   std::memory_order_relaxed) == 0) {
            released += 1;
        }
        ring->released.store(released, std::memory_order_release);
        ring->holders -= 1;
        if (ring->detached && ring->holders == 0) {
            talloc_free(ring);
        }
    }
    SignalSlot &slot = g_deliveries.slot[signum];
    if (slot.blocked.load(std::memory_order_acquire) == 0) {
        return;
    }
    SiginfoRing *ring = slot.ring.load(std::memory_order_relaxed);
    if (ring != nullptr && !ring_has_room(ring)) {
        return;
    }
    slot.blocked.store(0, std::memory_order_relaxed);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signum);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void deliveries_after_fork()
{
    g_deliveries.in_flight.store(0);
    uint64_t pending[pending_words] = {};
    for (int signum = 0; signum < signal_table_size; signum++) {
        SignalSlot &slot = g_deliveries.slot[signum];
        bool waiting = slot.count.load() != slot.count_taken;
        if (SiginfoRing *ring = slot.ring.load()) {
            ring_drop_unfinished(ring);
            waiting = waiting || ring->reserved.load() != ring->taken;
        }
        if (waiting) {
            pending[signum / 64] |= pending_bit(signum);
        }
    }
    for (int word = 0; word < pending_words; word++) {
        g_deliveries.pending[word].store(pending[word]);
    }
}

} // namespace tev
