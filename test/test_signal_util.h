/* SPDX-License-Identifier: LGPL-3.0-or-later */
/* Helpers shared by the signal tests. */
#ifndef TEVENT_CXX_TEST_SIGNAL_UTIL_H
#define TEVENT_CXX_TEST_SIGNAL_UTIL_H

#include "test_util.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

static inline void set_ignored(int signum)
{
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    act.sa_handler = SIG_IGN;
    assert_int_equal(sigaction(signum, &act, NULL), 0);
}

static inline bool is_ignored(int signum)
{
    struct sigaction cur;
    assert_int_equal(sigaction(signum, NULL, &cur), 0);
    return cur.sa_handler == SIG_IGN;
}

/*
 * Queues signum with value and returns once the process no longer holds it
 * undelivered, unless it is blocked (then it waits in the kernel).  The
 * kernel runs the handler before sigqueue() returns, but valgrind keeps the
 * signal pending until the program makes a blocking call, and
 * ThreadSanitizer runs the handler when the next intercepted call
 * (sigpending() here) returns; a standard signal queued again before that
 * would merge with the undelivered one.
 */
static inline void queue_signal(int signum, int value)
{
    union sigval v = {.sival_int = value};
    assert_int_equal(sigqueue(getpid(), signum, v), 0);
    for (;;) {
        sigset_t pending, mask;
        assert_int_equal(sigpending(&pending), 0);
        assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
        if (!sigismember(&pending, signum) || sigismember(&mask, signum)) {
            return;
        }
        poll(NULL, 0, 10);
    }
}

static inline void block_from_handler(int signum, siginfo_t *info, void *uctx)
{
    (void)info;
    sigaddset(&((ucontext_t *)uctx)->uc_sigmask, signum);
}

/*
 * Whether a handler's change to the interrupted context's signal mask (how
 * a full siginfo ring blocks its signal) outlives the handler for a queued
 * signal.  The kernel keeps it; valgrind restores the mask it saved itself,
 * and ThreadSanitizer runs a deferred handler on a copy of the context.
 */
static inline bool handler_mask_change_kept(int signum)
{
    struct sigaction act, old;
    memset(&act, 0, sizeof(act));
    act.sa_sigaction = block_from_handler;
    act.sa_flags = SA_SIGINFO;
    assert_int_equal(sigaction(signum, &act, &old), 0);
    queue_signal(signum, 0);

    sigset_t mask;
    assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
    bool kept = sigismember(&mask, signum);
    sigemptyset(&mask);
    sigaddset(&mask, signum);
    assert_int_equal(sigprocmask(SIG_UNBLOCK, &mask, NULL), 0);
    assert_int_equal(sigaction(signum, &old, NULL), 0);
    return kept;
}

#endif
