/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Signal events: handler arguments, accumulated counts, SA_SIGINFO delivery
 * and the full siginfo ring, SA_RESETHAND, process-wide dispatch across
 * contexts, freeing from handlers, nested loops, restoring the old
 * disposition, limits, talloc layout, trace points, wrappers and waking a
 * sleeping loop.
 */
#include "test_signal_util.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#define MAX_CALLS 512

/* What the signal handlers saw, in dispatch order. */
struct call {
    struct tevent_context *ev;
    struct tevent_signal *se;
    int signum;
    int count;
    void *siginfo;
    siginfo_t info; /* copy of *siginfo, when given */
    void *private_data;
};

static struct {
    size_t n;
    struct call calls[MAX_CALLS];
} g_log;

static void record(struct tevent_context *ev, struct tevent_signal *se,
                   int signum, int count, void *siginfo, void *private_data)
{
    assert_true(g_log.n < MAX_CALLS);
    struct call *c = &g_log.calls[g_log.n++];
    c->ev = ev;
    c->se = se;
    c->signum = signum;
    c->count = count;
    c->siginfo = siginfo;
    if (siginfo != NULL) {
        c->info = *(siginfo_t *)siginfo;
    }
    c->private_data = private_data;
}

static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
                      int signum, int count, void *siginfo, void *private_data)
{
    record(ev, se, signum, count, siginfo, private_data);
}

#define ID(i) ((void *)(intptr_t)(i))

static int rt_signal(void)
{
    return SIGRTMIN + 1;
}

static int setup(void **state)
{
    memset(&g_log, 0, sizeof(g_log));
    /* Stray deliveries after an event is gone must not kill the test. */
    set_ignored(SIGUSR1);
    set_ignored(SIGUSR2);
    set_ignored(SIGALRM);
    set_ignored(rt_signal());
    *state = talloc_new(NULL);
    assert_non_null(*state);
    return 0;
}

static int teardown(void **state)
{
    talloc_free(*state);
    /* Every test frees all its events: the dispositions are back. */
    assert_true(is_ignored(SIGUSR1));
    assert_true(is_ignored(SIGUSR2));
    assert_true(is_ignored(SIGALRM));
    assert_true(is_ignored(rt_signal()));
    return 0;
}

static void test_handler_arguments(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_signal *se =
        tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, ID(7));
    assert_non_null(se);

    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 1);
    assert_ptr_equal(g_log.calls[0].ev, ev);
    assert_ptr_equal(g_log.calls[0].se, se);
    assert_int_equal(g_log.calls[0].signum, SIGUSR1);
    assert_int_equal(g_log.calls[0].count, 1);
    assert_null(g_log.calls[0].siginfo);
    assert_ptr_equal(g_log.calls[0].private_data, ID(7));
    assert_true(tevent_signal_support(ev));
}

static void test_count_accumulates(void **state)
{
    struct tevent_context *ev = test_context(*state);
    assert_non_null(tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, NULL));

    for (int i = 0; i < 3; i++) {
        assert_int_equal(raise(SIGUSR1), 0);
    }
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 1);
    assert_int_equal(g_log.calls[0].count, 3);
}

static void test_pending_signals_in_order(void **state)
{
    struct tevent_context *ev = test_context(*state);
    assert_non_null(tevent_add_signal(ev, *state, SIGUSR2, 0, on_signal, NULL));
    assert_non_null(tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, NULL));

    assert_int_equal(raise(SIGUSR2), 0);
    assert_int_equal(raise(SIGUSR1), 0);
    /* One iteration dispatches everything pending, by signal number. */
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 2);
    assert_int_equal(g_log.calls[0].signum, SIGUSR1);
    assert_int_equal(g_log.calls[1].signum, SIGUSR2);
}

static void test_siginfo_per_delivery(void **state)
{
    struct tevent_context *ev = test_context(*state);
    assert_non_null(
        tevent_add_signal(ev, *state, SIGUSR1, SA_SIGINFO, on_signal, ID(1)));

    for (int i = 0; i < 3; i++) {
        queue_signal(SIGUSR1, 100 + i);
    }
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 3);
    for (int i = 0; i < 3; i++) {
        struct call *c = &g_log.calls[i];
        assert_int_equal(c->count, 1);
        assert_non_null(c->siginfo);
        assert_int_equal(c->info.si_signo, SIGUSR1);
        assert_int_equal(c->info.si_code, SI_QUEUE);
        assert_int_equal(c->info.si_pid, getpid());
        assert_int_equal(c->info.si_value.sival_int, 100 + i);
        assert_ptr_equal(c->private_data, ID(1));
        /* The stored record is cleared once dispatched. */
        assert_int_equal(((siginfo_t *)c->siginfo)->si_signo, 0);
    }
}

static void test_siginfo_ring_full(void **state)
{
    struct tevent_context *ev = test_context(*state);
    int signum = rt_signal();
    const int total = 300;
    size_t ring = tevent_sa_info_queue_count();
    assert_non_null(
        tevent_add_signal(ev, *state, signum, SA_SIGINFO, on_signal, NULL));

    if (!handler_mask_change_kept(rt_signal() + 1)) {
        /* Under valgrind and ThreadSanitizer the full ring cannot block its
         * signal (see handler_mask_change_kept()), so only a ring's worth
         * of deliveries is checked there. */
        for (size_t i = 0; i < ring; i++) {
            queue_signal(signum, i);
        }
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_int_equal(g_log.n, ring);
        for (size_t i = 0; i < ring; i++) {
            assert_int_equal(g_log.calls[i].count, 1);
            assert_int_equal(g_log.calls[i].info.si_value.sival_int, i);
        }
        return;
    }

    for (int i = 0; i < total; i++) {
        queue_signal(signum, i);
    }
    /* The full ring blocked the signal; the rest waits in the kernel. */
    sigset_t mask, pending;
    assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
    assert_true(sigismember(&mask, signum));
    assert_int_equal(sigpending(&pending), 0);
    assert_true(sigismember(&pending, signum));

    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_log.n, ring);
    assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
    assert_false(sigismember(&mask, signum));

    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_log.n, total);
    for (int i = 0; i < total; i++) {
        assert_int_equal(g_log.calls[i].count, 1);
        assert_int_equal(g_log.calls[i].info.si_value.sival_int, i);
    }
}

static void test_resethand_auto_free(void **state)
{
    struct tevent_context *ev = test_context(*state);
    bool freed;
    struct tevent_signal *se =
        tevent_add_signal(ev, *state, SIGUSR1, SA_RESETHAND, on_signal, NULL);
    assert_non_null(se);
    watch_free(se, &freed);

    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 1);
    assert_true(freed);
    assert_true(is_ignored(SIGUSR1));
}

static void test_two_contexts_dispatched_from_one(void **state)
{
    struct tevent_context *ev1 = test_context(*state);
    struct tevent_context *ev2 = test_context(*state);
    struct tevent_signal *se1 =
        tevent_add_signal(ev1, *state, SIGUSR1, 0, on_signal, ID(1));
    struct tevent_signal *se2 =
        tevent_add_signal(ev2, *state, SIGUSR1, 0, on_signal, ID(2));
    assert_non_null(se1);
    assert_non_null(se2);

    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev2), 0);

    /* Newest first, each handler with its own context. */
    assert_int_equal(g_log.n, 2);
    assert_ptr_equal(g_log.calls[0].se, se2);
    assert_ptr_equal(g_log.calls[0].ev, ev2);
    assert_ptr_equal(g_log.calls[1].se, se1);
    assert_ptr_equal(g_log.calls[1].ev, ev1);

    /* Both loops were woken; ev1 only drains its wakeup fd now. */
    assert_int_equal(tevent_loop_once(ev1), 0);
    assert_int_equal(g_log.n, 2);
}

static void test_newest_first(void **state)
{
    struct tevent_context *ev = test_context(*state);
    for (int i = 0; i < 3; i++) {
        assert_non_null(
            tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, ID(i)));
    }

    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_ptr_equal(g_log.calls[i].private_data, ID(2 - i));
    }
}

struct self_free {
    bool freed;
    int free_ret;
    bool freed_during_handler;
};

static void free_self(struct tevent_context *ev, struct tevent_signal *se,
                      int signum, int count, void *siginfo, void *private_data)
{
    struct self_free *sf = private_data;
    record(ev, se, signum, count, siginfo, private_data);
    sf->free_ret = talloc_free(se);
    sf->freed_during_handler = sf->freed;
}

static void test_free_in_own_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct self_free sf = {0};
    struct tevent_signal *se =
        tevent_add_signal(ev, *state, SIGUSR1, 0, free_self, &sf);
    assert_non_null(se);
    watch_free(se, &sf.freed);

    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 1);
    assert_int_equal(sf.free_ret, -1);
    assert_false(sf.freed_during_handler);
    assert_true(sf.freed);
    assert_true(is_ignored(SIGUSR1));
}

static void test_siginfo_free_skips_remaining(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct self_free sf = {0};
    bool other_freed;
    struct tevent_signal *other =
        tevent_add_signal(ev, *state, SIGUSR1, SA_SIGINFO, on_signal, ID(9));
    struct tevent_signal *se =
        tevent_add_signal(ev, *state, SIGUSR1, SA_SIGINFO, free_self, &sf);
    assert_non_null(se);
    watch_free(se, &sf.freed);
    watch_free(other, &other_freed);

    for (int i = 0; i < 3; i++) {
        queue_signal(SIGUSR1, i);
    }
    assert_int_equal(tevent_loop_once(ev), 0);

    /* se ran once and was gone; the older event still got all three. */
    assert_int_equal(g_log.n, 4);
    assert_ptr_equal(g_log.calls[0].private_data, &sf);
    for (int i = 0; i < 3; i++) {
        assert_ptr_equal(g_log.calls[1 + i].se, other);
        assert_int_equal(g_log.calls[1 + i].info.si_value.sival_int, i);
    }
    assert_true(sf.freed);
    assert_false(other_freed);
    talloc_free(other);
    assert_true(other_freed);
}

static void free_other(struct tevent_context *ev, struct tevent_signal *se,
                       int signum, int count, void *siginfo, void *private_data)
{
    struct tevent_signal **victim = private_data;
    record(ev, se, signum, count, siginfo, private_data);
    assert_int_equal(talloc_free(*victim), 0);
    *victim = NULL;
}

static void test_free_next_event_in_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_signal *victim =
        tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, NULL);
    assert_non_null(victim);
    assert_non_null(
        tevent_add_signal(ev, *state, SIGUSR1, 0, free_other, &victim));

    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 1);
    assert_null(victim);
}

static void free_parent(struct tevent_context *ev, struct tevent_signal *se,
                        int signum, int count, void *siginfo,
                        void *private_data)
{
    record(ev, se, signum, count, siginfo, private_data);
    assert_int_equal(talloc_free(private_data), 0);
}

static void test_free_parent_in_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    TALLOC_CTX *parent = talloc_new(*state);
    bool freed;
    struct tevent_signal *se =
        tevent_add_signal(ev, parent, SIGUSR1, 0, free_parent, parent);
    assert_non_null(se);
    watch_free(se, &freed);

    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 1);
    assert_true(freed);
    assert_true(is_ignored(SIGUSR1));
}

static void free_twice(struct tevent_context *ev, struct tevent_signal *se,
                       int signum, int count, void *siginfo, void *private_data)
{
    record(ev, se, signum, count, siginfo, private_data);
    assert_int_equal(talloc_free(se), -1);
    assert_null(g_abort_reason);
    assert_int_equal(talloc_free(se), -1);
}

static void test_double_free_in_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    bool freed;
    struct tevent_signal *se =
        tevent_add_signal(ev, *state, SIGUSR1, 0, free_twice, NULL);
    assert_non_null(se);
    watch_free(se, &freed);

    g_abort_reason = NULL;
    tevent_set_abort_fn(record_abort);
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    tevent_set_abort_fn(NULL);

    assert_non_null(g_abort_reason);
    assert_string_equal(g_abort_reason, "tevent_signal double free");
    assert_true(freed);
}

/* The first call raises SIGUSR2 and runs a nested loop. */
static void nest_once(struct tevent_context *ev, struct tevent_signal *se,
                      int signum, int count, void *siginfo, void *private_data)
{
    record(ev, se, signum, count, siginfo, private_data);
    if (g_log.n == 1) {
        assert_int_equal(raise(SIGUSR2), 0);
        assert_int_equal(tevent_loop_once(ev), 0);
    }
}

static void test_nested_loop_dispatches_each_delivery_once(void **state)
{
    struct tevent_context *ev = test_context(*state);
    /* Nesting is deprecated API, but upstream still supports it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    tevent_loop_allow_nesting(ev);
#pragma GCC diagnostic pop
    assert_non_null(
        tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, ID(1)));
    assert_non_null(
        tevent_add_signal(ev, *state, SIGUSR1, 0, nest_once, ID(2)));
    assert_non_null(
        tevent_add_signal(ev, *state, SIGUSR2, 0, on_signal, ID(3)));

    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);

    /* The nested loop ran only the delivery that arrived meanwhile; the
     * outer dispatch went on with the next event of SIGUSR1. */
    assert_int_equal(g_log.n, 3);
    assert_ptr_equal(g_log.calls[0].private_data, ID(2));
    assert_ptr_equal(g_log.calls[1].private_data, ID(3));
    assert_int_equal(g_log.calls[1].count, 1);
    assert_ptr_equal(g_log.calls[2].private_data, ID(1));
    assert_int_equal(g_log.calls[2].count, 1);
}

static int g_custom_calls;

static void custom_handler(int signum)
{
    (void)signum;
    g_custom_calls += 1;
}

static void test_restore_old_disposition(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct sigaction act, cur;
    memset(&act, 0, sizeof(act));
    act.sa_handler = custom_handler;
    act.sa_flags = SA_RESTART;
    sigaddset(&act.sa_mask, SIGUSR2);
    assert_int_equal(sigaction(SIGUSR1, &act, NULL), 0);

    struct tevent_signal *se1 =
        tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, NULL);
    struct tevent_signal *se2 =
        tevent_add_signal(ev, ev, SIGUSR1, 0, on_signal, NULL);
    assert_non_null(se1);
    assert_non_null(se2);
    assert_int_equal(sigaction(SIGUSR1, NULL, &cur), 0);
    assert_true(cur.sa_handler != custom_handler);

    talloc_free(se1);
    assert_int_equal(sigaction(SIGUSR1, NULL, &cur), 0);
    assert_true(cur.sa_handler != custom_handler);

    talloc_free(se2);
    assert_int_equal(sigaction(SIGUSR1, NULL, &cur), 0);
    assert_ptr_equal(cur.sa_handler, custom_handler);
    assert_true((cur.sa_flags & SA_RESTART) != 0);
    assert_true(sigismember(&cur.sa_mask, SIGUSR2));

    g_custom_calls = 0;
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(g_custom_calls, 1);
    set_ignored(SIGUSR1);
}

static void test_limits(void **state)
{
    struct tevent_context *ev = test_context(*state);
    assert_int_equal(tevent_num_signals(), 68);
    assert_int_equal(tevent_sa_info_queue_count(), 256);

    errno = 0;
    assert_null(tevent_add_signal(ev, *state, 68, 0, on_signal, NULL));
    assert_int_equal(errno, EINVAL);
}

struct child_names {
    int nodes;
    int state_refs;
    const void *state;
};

static void collect_children(const void *ptr, int depth, int max_depth,
                             int is_ref, void *private_data)
{
    struct child_names *names = private_data;
    (void)max_depth;
    if (depth != 1) {
        return;
    }
    const char *name = talloc_get_name(ptr);
    if (!is_ref && strcmp(name, "struct tevent_common_signal_list") == 0) {
        names->nodes += 1;
    }
    if (is_ref && strcmp(name, "struct tevent_sig_state") == 0) {
        names->state_refs += 1;
        names->state = ptr;
    }
}

static void test_talloc_layout(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_signal *se1 =
        tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, NULL);
    struct tevent_signal *se2 =
        tevent_add_signal(ev, NULL, SIGUSR2, 0, on_signal, NULL);
    assert_non_null(se1);
    assert_non_null(se2);

    assert_string_equal(talloc_get_name(se1), "struct tevent_signal");
    assert_ptr_equal(talloc_parent(se1), *state);
    assert_ptr_equal(talloc_parent(se2), ev);

    struct child_names n1 = {0}, n2 = {0};
    talloc_report_depth_cb(se1, 0, 1, collect_children, &n1);
    talloc_report_depth_cb(se2, 0, 1, collect_children, &n2);
    assert_int_equal(n1.nodes, 1);
    assert_int_equal(n1.state_refs, 1);
    assert_int_equal(n2.state_refs, 1);
    /* One process-wide state, on the NULL context. */
    assert_ptr_equal(n1.state, n2.state);
    assert_null(talloc_parent(n1.state));
}

struct trace_entry {
    struct tevent_signal *se;
    enum tevent_event_trace_point point;
};

static struct {
    size_t n;
    struct trace_entry entries[16];
} g_trace;

static void trace_signal(struct tevent_signal *se,
                         enum tevent_event_trace_point point,
                         void *private_data)
{
    (void)private_data;
    assert_true(g_trace.n < 16);
    g_trace.entries[g_trace.n].se = se;
    g_trace.entries[g_trace.n].point = point;
    g_trace.n += 1;
}

static void assert_trace(size_t i, struct tevent_signal *se,
                         enum tevent_event_trace_point point)
{
    assert_true(i < g_trace.n);
    assert_ptr_equal(g_trace.entries[i].se, se);
    assert_int_equal(g_trace.entries[i].point, point);
}

static void test_trace_points(void **state)
{
    struct tevent_context *ev = test_context(*state);
    memset(&g_trace, 0, sizeof(g_trace));
    tevent_set_trace_signal_callback(ev, trace_signal, NULL);

    struct tevent_signal *se =
        tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, NULL);
    assert_non_null(se);
    assert_int_equal(g_trace.n, 1);
    assert_trace(0, se, TEVENT_EVENT_TRACE_ATTACH);

    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_trace.n, 2);
    assert_trace(1, se, TEVENT_EVENT_TRACE_BEFORE_HANDLER);

    talloc_free(se);
    assert_int_equal(g_trace.n, 3);
    assert_trace(2, se, TEVENT_EVENT_TRACE_DETACH);
}

static void test_context_teardown(void **state)
{
    struct tevent_context *ev = test_context(*state);
    bool freed;
    memset(&g_trace, 0, sizeof(g_trace));
    tevent_set_trace_signal_callback(ev, trace_signal, NULL);
    struct tevent_signal *se =
        tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, NULL);
    assert_non_null(se);
    watch_free(se, &freed);
    tevent_signal_set_tag(se, 5);

    talloc_free(ev);
    assert_int_equal(g_trace.n, 2);
    assert_trace(1, se, TEVENT_EVENT_TRACE_DETACH);
    assert_true(is_ignored(SIGUSR1));

    /* The detached event stays an inert object until its owner frees it. */
    assert_false(freed);
    assert_int_equal(tevent_signal_get_tag(se), 5);
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(talloc_free(se), 0);
    assert_true(freed);
    assert_int_equal(g_trace.n, 2);
    assert_int_equal(g_log.n, 0);
}

/* Wrapper hooks and the handler's context. */
struct wrap_state {
    int unused;
};

static struct {
    size_t n;
    char what[8];
    struct tevent_context *evs[8];
} g_wrap;

static void wrap_note(char what, struct tevent_context *ev)
{
    assert_true(g_wrap.n < 8);
    g_wrap.what[g_wrap.n] = what;
    g_wrap.evs[g_wrap.n] = ev;
    g_wrap.n += 1;
}

static void wrap_before_signal(struct tevent_context *wrap_ev,
                               void *private_state,
                               struct tevent_context *main_ev,
                               struct tevent_signal *se, int signum, int count,
                               void *siginfo, const char *handler_name,
                               const char *location)
{
    (void)private_state;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    (void)handler_name;
    (void)location;
    wrap_note('b', wrap_ev);
    wrap_note('m', main_ev);
}

static void wrap_after_signal(struct tevent_context *wrap_ev,
                              void *private_state,
                              struct tevent_context *main_ev,
                              struct tevent_signal *se, int signum, int count,
                              void *siginfo, const char *handler_name,
                              const char *location)
{
    (void)private_state;
    (void)main_ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    (void)handler_name;
    (void)location;
    wrap_note('a', wrap_ev);
}

static void wrap_trace(struct tevent_signal *se,
                       enum tevent_event_trace_point point, void *private_data)
{
    (void)se;
    (void)private_data;
    if (point == TEVENT_EVENT_TRACE_BEFORE_HANDLER) {
        wrap_note('t', NULL);
    }
}

static void wrapped_handler(struct tevent_context *ev, struct tevent_signal *se,
                            int signum, int count, void *siginfo,
                            void *private_data)
{
    record(ev, se, signum, count, siginfo, private_data);
    wrap_note('h', ev);
}

static const struct tevent_wrapper_ops wrap_ops = {
    .name = "test_signal_wrapper",
    .before_use = test_wrapper_before_use,
    .after_use = test_wrapper_after_use,
    .before_signal_handler = wrap_before_signal,
    .after_signal_handler = wrap_after_signal,
};

static void test_wrapper(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct wrap_state *ws;
    /* Wrappers are deprecated API, but upstream still supports them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    struct tevent_context *wrap_ev = tevent_context_wrapper_create(
        ev, *state, &wrap_ops, &ws, struct wrap_state);
#pragma GCC diagnostic pop
    assert_non_null(wrap_ev);
    memset(&g_wrap, 0, sizeof(g_wrap));
    tevent_set_trace_signal_callback(ev, wrap_trace, NULL);

    struct tevent_signal *se =
        tevent_add_signal(wrap_ev, *state, SIGUSR1, 0, wrapped_handler, NULL);
    assert_non_null(se);
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 1);
    assert_ptr_equal(g_log.calls[0].ev, wrap_ev);
    assert_int_equal(g_wrap.n, 5);
    assert_memory_equal(g_wrap.what, "bmtha", 5);
    assert_ptr_equal(g_wrap.evs[0], wrap_ev);
    assert_ptr_equal(g_wrap.evs[1], ev);
    assert_ptr_equal(g_wrap.evs[3], wrap_ev);
    assert_ptr_equal(g_wrap.evs[4], wrap_ev);

    /* Freeing the wrapper cleans up its signal events. */
    talloc_free(wrap_ev);
    assert_true(is_ignored(SIGUSR1));
    talloc_free(se);
}

/* What a handler frees: its wrapper, then (optionally) its own event. */
struct free_in_handler {
    struct tevent_context *victim;
    bool free_event;
    int victim_ret, event_ret;
};

static void free_victim(struct tevent_context *ev, struct tevent_signal *se,
                        int signum, int count, void *siginfo,
                        void *private_data)
{
    struct free_in_handler *fh = private_data;
    record(ev, se, signum, count, siginfo, private_data);
    fh->victim_ret = talloc_free(fh->victim);
    if (fh->free_event) {
        fh->event_ret = talloc_free(se);
    }
}

/* The handler of an event added through a wrapper frees the wrapper: the
 * event becomes inert, like the wrapper's other events, and stays
 * allocated until its owner frees it; the second delivery finds it
 * detached.  (Found by the API fuzzer: the dispatcher freed the event,
 * and its owner's free was a talloc double free.) */
static void check_free_wrapper_in_handler(void **state, int sa_flags,
                                          bool free_event)
{
    struct tevent_context *ev = test_context(*state);
    struct wrap_state *ws;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    struct tevent_context *wrap_ev = tevent_context_wrapper_create(
        ev, *state, &wrap_ops, &ws, struct wrap_state);
#pragma GCC diagnostic pop
    assert_non_null(wrap_ev);
    memset(&g_wrap, 0, sizeof(g_wrap));
    struct free_in_handler fh = {.victim = wrap_ev, .free_event = free_event};
    bool wrap_freed, se_freed;
    watch_free(wrap_ev, &wrap_freed);
    struct tevent_signal *se = tevent_add_signal(wrap_ev, *state, rt_signal(),
                                                 sa_flags, free_victim, &fh);
    assert_non_null(se);
    watch_free(se, &se_freed);

    /* Both delivered, one at a time, before the loop looks.  (Not queued
     * while blocked: ThreadSanitizer keeps one undelivered instance per
     * signal number, so unblocking two at once would hand over one.) */
    queue_signal(rt_signal(), 1);
    queue_signal(rt_signal(), 2);
    assert_int_equal(tevent_loop_once(ev), 0);

    assert_int_equal(g_log.n, 1);
    assert_ptr_equal(g_log.calls[0].ev, wrap_ev);
    assert_int_equal(g_log.calls[0].count, sa_flags != 0 ? 1 : 2);
    /* Deferred while in use, freed once the after hook ran. */
    assert_int_equal(fh.victim_ret, -1);
    assert_int_equal(g_wrap.n, 3);
    assert_memory_equal(g_wrap.what, "bma", 3);
    assert_true(wrap_freed);
    assert_true(is_ignored(rt_signal()));
    if (free_event) {
        assert_int_equal(fh.event_ret, -1);
        assert_true(se_freed);
        return;
    }
    assert_false(se_freed);
    assert_int_equal(tevent_signal_get_tag(se), 0);
    queue_signal(rt_signal(), 3);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_log.n, 1);
    assert_int_equal(talloc_free(se), 0);
    assert_true(se_freed);
}

static void test_free_wrapper_in_handler(void **state)
{
    check_free_wrapper_in_handler(state, 0, false);
}

static void test_free_wrapper_in_siginfo_handler(void **state)
{
    check_free_wrapper_in_handler(state, SA_SIGINFO, false);
}

static void test_free_wrapper_then_event_in_handler(void **state)
{
    check_free_wrapper_in_handler(state, SA_SIGINFO, true);
}

/* The same for the context: the handler frees it; an event on the
 * context goes with it once the handler returned, one owned elsewhere
 * stays allocated and inert until its owner frees it. */
static void test_free_context_in_handler(void **state)
{
    for (int elsewhere = 0; elsewhere < 2; elsewhere++) {
        struct tevent_context *ev = test_context(*state);
        struct free_in_handler fh = {.victim = ev};
        bool ev_freed, se_freed;
        watch_free(ev, &ev_freed);
        struct tevent_signal *se =
            tevent_add_signal(ev, elsewhere ? *state : NULL, SIGUSR1,
                              SA_SIGINFO, free_victim, &fh);
        assert_non_null(se);
        watch_free(se, &se_freed);

        g_log.n = 0;
        assert_int_equal(raise(SIGUSR1), 0);
        assert_int_equal(tevent_loop_once(ev), 0);

        assert_int_equal(g_log.n, 1);
        assert_int_equal(fh.victim_ret, 0);
        assert_true(ev_freed);
        assert_true(is_ignored(SIGUSR1));
        assert_int_equal(se_freed, !elsewhere);
        if (elsewhere) {
            assert_int_equal(talloc_free(se), 0);
            assert_true(se_freed);
        }
    }
}

static void *raise_later(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    /* raise() targets this thread: the loop only sees the wakeup fd. */
    raise(SIGUSR1);
    return NULL;
}

/* The loops below have no wait timeout: if the signal did not wake them,
 * the test would hang (until its timeout). */

static void test_wakes_loop_from_thread(void **state)
{
    struct tevent_context *ev = test_context(*state);
    assert_non_null(tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, NULL));
    tevent_context_set_wait_timeout(ev, UINT32_MAX);

    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, raise_later, NULL), 0);
    while (g_log.n == 0) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(pthread_join(thread, NULL), 0);
    assert_int_equal(g_log.calls[0].count, 1);
    assert_ptr_equal(g_log.calls[0].ev, ev);
}

static void test_wakes_loop_from_timer_signal(void **state)
{
    struct tevent_context *ev = test_context(*state);
    assert_non_null(tevent_add_signal(ev, *state, SIGALRM, 0, on_signal, NULL));
    tevent_context_set_wait_timeout(ev, UINT32_MAX);

    struct itimerval it = {.it_value = {.tv_sec = 0, .tv_usec = 50 * 1000}};
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
    while (g_log.n == 0) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(g_log.calls[0].signum, SIGALRM);
}

static void test_tags(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_signal *se =
        tevent_add_signal(ev, *state, SIGUSR1, 0, on_signal, NULL);
    assert_non_null(se);

    assert_int_equal(tevent_signal_get_tag(se), 0);
    tevent_signal_set_tag(se, UINT64_MAX);
    assert_true(tevent_signal_get_tag(se) == UINT64_MAX);
    tevent_signal_set_tag(NULL, 1);
    assert_int_equal(tevent_signal_get_tag(NULL), 0);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_handler_arguments),
        TEST(test_count_accumulates),
        TEST(test_pending_signals_in_order),
        TEST(test_siginfo_per_delivery),
        TEST(test_siginfo_ring_full),
        TEST(test_resethand_auto_free),
        TEST(test_two_contexts_dispatched_from_one),
        TEST(test_newest_first),
        TEST(test_free_in_own_handler),
        TEST(test_siginfo_free_skips_remaining),
        TEST(test_free_next_event_in_handler),
        TEST(test_free_parent_in_handler),
        TEST(test_double_free_in_handler),
        TEST(test_nested_loop_dispatches_each_delivery_once),
        TEST(test_restore_old_disposition),
        TEST(test_limits),
        TEST(test_talloc_layout),
        TEST(test_trace_points),
        TEST(test_context_teardown),
        TEST(test_wrapper),
        TEST(test_free_wrapper_in_handler),
        TEST(test_free_wrapper_in_siginfo_handler),
        TEST(test_free_wrapper_then_event_in_handler),
        TEST(test_free_context_in_handler),
        TEST(test_wakes_loop_from_thread),
        TEST(test_wakes_loop_from_timer_signal),
        TEST(test_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
