/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Storms of queued real-time signals with SA_SIGINFO while other signals
 * interrupt: every siginfo reaches the handler exactly once (never a stale
 * or overwritten record), the counts stay exact, and a record that could
 * not be stored is reported as lost.
 */
#include "test_signal_util.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#define MAX_SIGNALS 100000

/* Signal counts for this build: valgrind and ThreadSanitizer deliver
 * signals far more slowly; a few full rings still show the bugs. */
static unsigned scaled(unsigned n)
{
    if (RUNNING_ON_VALGRIND) {
        return n / 50;
    }
#if defined(__SANITIZE_THREAD__)
    return n / 10;
#else
    return n;
#endif
}

static int storm_signal(void)
{
    return SIGRTMIN + 2;
}

struct storm {
    unsigned total;
    unsigned info_calls;    /* SA_SIGINFO handler calls */
    unsigned lost_calls;    /* of those, with a record that has no data */
    unsigned plain_count;   /* sum of counts of the plain event */
    unsigned other_calls;   /* handler runs of the interrupting signal */
    unsigned reported_lost; /* from the WARNING debug messages */
    unsigned char seen[MAX_SIGNALS + 1];
};

static struct storm g_storm;

static void on_info(struct tevent_context *ev, struct tevent_signal *se,
                    int signum, int count, void *siginfo, void *private_data)
{
    struct storm *s = private_data;
    const siginfo_t *info = siginfo;
    (void)ev;
    (void)se;

    assert_int_equal(signum, storm_signal());
    assert_int_equal(count, 1);
    assert_non_null(info);
    assert_int_equal(info->si_signo, storm_signal());
    s->info_calls += 1;
    if (info->si_code != SI_QUEUE) {
        /* A lost record: only the signal number is known. */
        assert_int_equal(info->si_code, 0);
        assert_int_equal(info->si_pid, 0);
        assert_int_equal(info->si_value.sival_int, 0);
        s->lost_calls += 1;
        return;
    }
    int value = info->si_value.sival_int;
    assert_true(value >= 1 && (unsigned)value <= s->total);
    /* Never a record twice (a stale one left in the ring). */
    assert_int_equal(s->seen[value], 0);
    s->seen[value] = 1;
}

static void on_plain(struct tevent_context *ev, struct tevent_signal *se,
                     int signum, int count, void *siginfo, void *private_data)
{
    struct storm *s = private_data;
    (void)ev;
    (void)se;
    assert_int_equal(signum, storm_signal());
    assert_null(siginfo);
    assert_true(count >= 1);
    s->plain_count += count;
}

static void on_other(struct tevent_context *ev, struct tevent_signal *se,
                     int signum, int count, void *siginfo, void *private_data)
{
    struct storm *s = private_data;
    (void)ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    s->other_calls += 1;
}

static void collect_lost(void *context, enum tevent_debug_level level,
                         const char *fmt, va_list ap)
{
    struct storm *s = context;
    char msg[256];
    unsigned n;
    int signum;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (sscanf(msg, "tevent: signal %d: %u siginfo records lost", &signum,
               &n) == 2) {
        assert_int_equal(level, TEVENT_DEBUG_WARNING);
        assert_int_equal(signum, storm_signal());
        s->reported_lost += n;
    }
}

/* A context with a SA_SIGINFO and a plain event for the storm signal and a
 * plain event for `other`. */
static struct tevent_context *storm_context(TALLOC_CTX *mem, int other,
                                            unsigned total)
{
    struct tevent_context *ev = test_context(mem);
    memset(&g_storm, 0, sizeof(g_storm));
    g_storm.total = total;
    assert_int_equal(tevent_set_debug(ev, collect_lost, &g_storm), 0);
    assert_non_null(tevent_add_signal(ev, mem, storm_signal(), SA_SIGINFO,
                                      on_info, &g_storm));
    assert_non_null(
        tevent_add_signal(ev, mem, storm_signal(), 0, on_plain, &g_storm));
    if (other != 0) {
        assert_non_null(
            tevent_add_signal(ev, mem, other, 0, on_other, &g_storm));
    }
    return ev;
}

/* Every delivery counted once; records lost only where the configuration
 * cannot keep a handler's block, and then reported. */
static void assert_storm_exact(bool loss_allowed)
{
    unsigned distinct = 0;
    for (unsigned v = 1; v <= g_storm.total; v++) {
        distinct += g_storm.seen[v];
    }
    assert_int_equal(g_storm.info_calls, g_storm.total);
    assert_int_equal(g_storm.plain_count, g_storm.total);
    assert_int_equal(distinct + g_storm.lost_calls, g_storm.total);
    assert_int_equal(g_storm.reported_lost, g_storm.lost_calls);
    if (!loss_allowed) {
        assert_int_equal(g_storm.lost_calls, 0);
    }
}

static int setup(void **state)
{
    set_ignored(SIGUSR1);
    set_ignored(SIGUSR2);
    set_ignored(storm_signal());
    *state = talloc_new(NULL);
    assert_non_null(*state);
    return 0;
}

static int teardown(void **state)
{
    talloc_free(*state);
    assert_true(is_ignored(SIGUSR1));
    assert_true(is_ignored(storm_signal()));
    return 0;
}

static volatile sig_atomic_t g_probe_runs;

static void count_probe(int signum, siginfo_t *info, void *uctx)
{
    (void)signum;
    (void)info;
    (void)uctx;
    g_probe_runs += 1;
}

/*
 * Whether several queued instances of a real-time signal each reach the
 * handler.  ThreadSanitizer defers signals in a buffer with one slot per
 * signal number, which merges them.
 */
static bool queued_signals_kept(void)
{
    int signum = storm_signal() + 1;
    struct sigaction act, old;
    sigset_t set;

    memset(&act, 0, sizeof(act));
    act.sa_sigaction = count_probe;
    act.sa_flags = SA_SIGINFO;
    assert_int_equal(sigaction(signum, &act, &old), 0);
    sigemptyset(&set);
    sigaddset(&set, signum);
    g_probe_runs = 0;
    assert_int_equal(sigprocmask(SIG_BLOCK, &set, NULL), 0);
    for (int i = 0; i < 3; i++) {
        union sigval v = {.sival_int = i};
        assert_int_equal(sigqueue(getpid(), signum, v), 0);
    }
    assert_int_equal(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
    /* Once the kernel holds none of them, every run has happened. */
    queue_signal(signum, 3);
    assert_int_equal(sigaction(signum, &old, NULL), 0);
    return g_probe_runs == 4;
}

/*
 * Sends `first` and up to `count` storm signals (values from *next on);
 * returns how many storm signals went out.  Where queued signals are kept,
 * all of them are queued while blocked and then unblocked: the kernel
 * delivers `first` first and the real-time signals right after, on top of
 * its handler's frame while that has not run yet.  Elsewhere they go one at
 * a time, each delivered before the next is sent.
 */
static unsigned send_batch(int first, unsigned count, unsigned *next,
                           bool queued_kept)
{
    sigset_t set;
    unsigned sent = 0;

    if (!queued_kept) {
        assert_int_equal(raise(first), 0);
        for (; sent < count; sent++) {
            queue_signal(storm_signal(), (int)*next);
            *next += 1;
        }
        return sent;
    }
    sigemptyset(&set);
    sigaddset(&set, first);
    sigaddset(&set, storm_signal());
    assert_int_equal(sigprocmask(SIG_BLOCK, &set, NULL), 0);
    for (; sent < count; sent++) {
        union sigval v = {.sival_int = (int)*next};
        if (sigqueue(getpid(), storm_signal(), v) != 0) {
            /* The queue limit (RLIMIT_SIGPENDING) is below a batch. */
            assert_int_equal(errno, EAGAIN);
            break;
        }
        *next += 1;
    }
    assert_int_equal(kill(getpid(), first), 0);
    assert_int_equal(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
    return sent;
}

/*
 * Issue 10, item 2: a full ring nested inside another tevent signal's
 * handler used to block its signal only until that handler returned; the
 * deliveries after it overwrote unread records.
 */
static void test_full_ring_inside_other_handler(void **state)
{
    unsigned total = scaled(MAX_SIGNALS);
    /* More than a ring's worth each, dividing total. */
    unsigned batch = RUNNING_ON_VALGRIND ? 400 : 1000;
    bool kept = handler_mask_change_kept(storm_signal() + 1);
    bool queued_kept = queued_signals_kept();
    struct tevent_context *ev = storm_context(*state, SIGUSR1, total);
    unsigned next = 1;

    for (unsigned sent = 0; sent < total;) {
        assert_int_equal(send_batch(SIGUSR1, batch, &next, queued_kept), batch);
        sent += batch;
        while (g_storm.info_calls < sent) {
            assert_int_equal(tevent_loop_once(ev), 0);
        }
    }
    assert_storm_exact(!kept);
    assert_true(g_storm.other_calls > 0);
}

static volatile sig_atomic_t g_foreign_runs;

static void foreign_handler(int signum)
{
    (void)signum;
    g_foreign_runs += 1;
}

/*
 * Below a handler that is not ours the block cannot survive: the record of
 * the one delivery that arrives after that handler returned is lost, its
 * delivery still counts and the loss is reported.
 */
static void test_loss_below_foreign_handler(void **state)
{
    unsigned total = RUNNING_ON_VALGRIND ? 300 : 1000;
    bool kept = handler_mask_change_kept(storm_signal() + 1);
    struct tevent_context *ev = storm_context(*state, 0, total);
    struct sigaction act, old;
    unsigned next = 1;

    memset(&act, 0, sizeof(act));
    act.sa_handler = foreign_handler;
    assert_int_equal(sigaction(SIGUSR2, &act, &old), 0);
    g_foreign_runs = 0;

    assert_int_equal(send_batch(SIGUSR2, total, &next, queued_signals_kept()),
                     total);
    while (g_storm.info_calls < total) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(sigaction(SIGUSR2, &old, NULL), 0);
    assert_int_equal(g_foreign_runs, 1);
    assert_storm_exact(true);
    if (kept) {
        assert_int_equal(g_storm.lost_calls, 1);
    }
}

/* Our handlers interrupt waitpid() (no SA_RESTART). */
static void assert_child_succeeded(pid_t pid)
{
    int status;
    pid_t ret;
    do {
        ret = waitpid(pid, &status, 0);
    } while (ret == -1 && errno == EINTR);
    assert_int_equal(ret, pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * The filer's probe: another process sends the storm while a third one
 * keeps sending a second signal the parent has a tevent handler for.
 * Where queued signals merge, the sender waits for each to arrive.
 */
static void test_storm_from_other_processes(void **state)
{
    unsigned total = scaled(MAX_SIGNALS);
    bool kept = handler_mask_change_kept(storm_signal() + 1);
    unsigned in_flight = queued_signals_kept() ? total : 1;
    struct tevent_context *ev = storm_context(*state, SIGCHLD, total);
    atomic_uint *received =
        mmap(NULL, sizeof(*received), PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t parent = getpid();
    pid_t sender, pester;

    assert_true(received != MAP_FAILED);
    atomic_init(received, 0);
    sender = fork();
    assert_true(sender >= 0);
    if (sender == 0) {
        for (unsigned v = 1; v <= total; v++) {
            union sigval value = {.sival_int = (int)v};
            while (v - atomic_load(received) > in_flight) {
                sched_yield();
            }
            while (sigqueue(parent, storm_signal(), value) != 0) {
                if (errno != EAGAIN) {
                    _exit(1);
                }
                sched_yield();
            }
        }
        _exit(0);
    }
    pester = fork();
    assert_true(pester >= 0);
    if (pester == 0) {
        for (unsigned i = 0; i < total / 10; i++) {
            kill(parent, SIGCHLD);
            sched_yield();
        }
        _exit(0);
    }

    while (g_storm.info_calls < total) {
        assert_int_equal(tevent_loop_once(ev), 0);
        atomic_store(received, g_storm.info_calls);
    }
    assert_child_succeeded(sender);
    assert_child_succeeded(pester);
    assert_int_equal(munmap(received, sizeof(*received)), 0);
    assert_storm_exact(!kept);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_full_ring_inside_other_handler),
        TEST(test_loss_below_foreign_handler),
        TEST(test_storm_from_other_processes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
