/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * The loop: what one tevent_loop_once() runs and in which order, nesting
 * (abort, allow, hook), tevent_loop_until, tevent_loop_wait termination,
 * the wait timeout and tevent_re_initialise.
 */
#define _DEPRECATED_
#include "test_util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Exported for backend writers (declared in upstream's uninstalled
 * tevent_internal.h). */
int tevent_common_wakeup_init(struct tevent_context *ev);

#define MAX_RUNS 32
#define ID(c) ((void *)(intptr_t)(c))

/* Evaluates `call` after storing the __location__ it passes in `loc`
 * (one macro invocation, so both see the same line). */
#define AT(loc, call) ((loc) = __location__, (call))

/* Handler runs in order; each entry is a one-character name. */
static char g_runs[MAX_RUNS + 1];
static size_t g_nruns;

static void note(int c)
{
    assert_true(g_nruns < MAX_RUNS);
    g_runs[g_nruns++] = (char)c;
    g_runs[g_nruns] = '\0';
}

static void imm_handler(struct tevent_context *ev, struct tevent_immediate *im,
                        void *private_data)
{
    (void)ev;
    (void)im;
    note((int)(intptr_t)private_data);
}

static void timer_handler(struct tevent_context *ev, struct tevent_timer *te,
                          struct timeval current_time, void *private_data)
{
    (void)ev;
    (void)te;
    (void)current_time;
    note((int)(intptr_t)private_data);
}

struct watch {
    struct pipe_pair *p;
    int id;
};

/* Reads the byte that made the pipe readable, so it fires once. */
static void fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
                       uint16_t flags, void *private_data)
{
    struct watch *w = private_data;
    char c;
    (void)ev;
    (void)fde;
    assert_int_equal(flags, TEVENT_FD_READ);
    assert_int_equal(read(w->p->rd, &c, 1), 1);
    note(w->id);
}

static char g_last_abort[256];
static unsigned g_aborts;

/*
 * Records the reason.  The nesting reason is allocated by tevent on the
 * NULL talloc context and never freed there; free it to keep leak
 * checkers quiet.
 */
static void copy_abort(const char *reason)
{
    static const char nesting[] = "tevent_loop_once() nesting at ";
    g_aborts += 1;
    snprintf(g_last_abort, sizeof(g_last_abort), "%s", reason);
    if (strncmp(reason, nesting, strlen(nesting)) == 0) {
        talloc_free((void *)(uintptr_t)reason);
    }
}

static int setup(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    assert_non_null(mem);
    g_nruns = 0;
    g_runs[0] = '\0';
    g_aborts = 0;
    g_last_abort[0] = '\0';
    tevent_set_abort_fn(copy_abort);
    *state = mem;
    return 0;
}

static int teardown(void **state)
{
    tevent_set_abort_fn(NULL);
    assert_int_equal(talloc_free(*state), 0);
    return 0;
}

/* Seconds on the clock that poll(2) and epoll_wait(2) time out by, which
 * no adjustment of the wall clock moves. */
static double monotonic_now(void)
{
    struct timespec ts;
    assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void schedule(struct tevent_context *ev, TALLOC_CTX *mem_ctx, int id)
{
    struct tevent_immediate *im = tevent_create_immediate(mem_ctx);
    assert_non_null(im);
    tevent_schedule_immediate(im, ev, imm_handler, ID(id));
}

static struct tevent_fd *watch_pipe(struct tevent_context *ev,
                                    TALLOC_CTX *mem_ctx, struct pipe_pair *p,
                                    int id)
{
    struct watch *w = talloc(p, struct watch);
    assert_non_null(w);
    w->p = p;
    w->id = id;
    struct tevent_fd *fde =
        tevent_add_fd(ev, mem_ctx, p->rd, TEVENT_FD_READ, fd_handler, w);
    assert_non_null(fde);
    return fde;
}

/* One loop iteration that must run exactly the handler named `id`. */
static void expect_once(struct tevent_context *ev, int id)
{
    size_t before = g_nruns;
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_nruns, before + 1);
    assert_int_equal(g_runs[before], id);
}

static void test_order_immediates_timers_fds(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct pipe_pair *p = test_pipe(*state, 1);

    watch_pipe(ev, ev, p, 'F');
    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_set(1, 0),
                                     timer_handler, ID('T')));
    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_set(2, 0),
                                     timer_handler, ID('U')));
    schedule(ev, *state, 'I');
    schedule(ev, *state, 'J');

    expect_once(ev, 'I');
    expect_once(ev, 'J');
    expect_once(ev, 'T');
    expect_once(ev, 'U');
    expect_once(ev, 'F');
    assert_string_equal(g_runs, "IJTUF");
}

static void test_one_fd_handler_per_iteration(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct pipe_pair *a = test_pipe(*state, 1);
    struct pipe_pair *b = test_pipe(*state, 1);

    watch_pipe(ev, ev, a, 'A');
    watch_pipe(ev, ev, b, 'B');
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_nruns, 1);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_nruns, 2);
    assert_true(strcmp(g_runs, "AB") == 0 || strcmp(g_runs, "BA") == 0);
}

static void self_rescheduling(struct tevent_context *ev,
                              struct tevent_immediate *im, void *private_data)
{
    note('I');
    tevent_schedule_immediate(im, ev, self_rescheduling, private_data);
}

/* A stream of immediates starves due timers and ready fds. */
static void test_immediates_starve_timers_and_fds(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct pipe_pair *p = test_pipe(*state, 1);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    assert_non_null(im);

    watch_pipe(ev, ev, p, 'F');
    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_zero(),
                                     timer_handler, ID('T')));
    tevent_schedule_immediate(im, ev, self_rescheduling, NULL);
    for (int i = 0; i < 10; i++) {
        expect_once(ev, 'I');
    }
    tevent_reset_immediate(im);
    expect_once(ev, 'T');
    expect_once(ev, 'F');
}

/* ---------------------------------------------------------------------
 * Nesting
 */

struct nest {
    TALLOC_CTX *mem_ctx;
    const char *location;
    int ret;
    int err;
};

/* Timer handler: schedules immediate 'i' and runs the loop once more. */
static void nested_loop_once(struct tevent_context *ev, struct tevent_timer *te,
                             struct timeval current_time, void *private_data)
{
    struct nest *n = private_data;
    (void)te;
    (void)current_time;
    note('<');
    schedule(ev, n->mem_ctx, 'i');
    errno = 0;
    n->ret = AT(n->location, tevent_loop_once(ev));
    n->err = errno;
    note('>');
}

static bool never_finished(void *private_data)
{
    (void)private_data;
    return false;
}

static void nested_loop_until(struct tevent_context *ev,
                              struct tevent_timer *te,
                              struct timeval current_time, void *private_data)
{
    struct nest *n = private_data;
    (void)te;
    (void)current_time;
    errno = 0;
    n->ret = AT(n->location, tevent_loop_until(ev, never_finished, NULL));
    n->err = errno;
}

static void expect_nesting_reason(const char *location)
{
    char expected[256];
    snprintf(expected, sizeof(expected), "tevent_loop_once() nesting at %s",
             location);
    assert_string_equal(g_last_abort, expected);
}

static void test_nesting_aborts(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct nest n = {.mem_ctx = *state, .ret = 99};

    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), nested_loop_once, &n));
    assert_int_equal(tevent_loop_once(ev), 0);
    /* The nested call runs nothing and fails. */
    assert_string_equal(g_runs, "<>");
    assert_int_equal(n.ret, -1);
    assert_int_equal(n.err, ELOOP);
    assert_int_equal(g_aborts, 1);
    expect_nesting_reason(n.location);

    /* The failed nested call left the level raised: every later top-level
     * call now reports nesting, too, and runs nothing. */
    const char *location;
    errno = 0;
    int ret = AT(location, tevent_loop_once(ev));
    assert_int_equal(ret, -1);
    assert_int_equal(errno, ELOOP);
    assert_int_equal(g_aborts, 2);
    expect_nesting_reason(location);
    assert_string_equal(g_runs, "<>");
}

static void test_nesting_loop_until_aborts(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct nest n = {.mem_ctx = *state, .ret = 99};

    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), nested_loop_until, &n));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(n.ret, -1);
    assert_int_equal(n.err, ELOOP);
    assert_int_equal(g_aborts, 1);
    expect_nesting_reason(n.location);
}

static void test_allow_nesting(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct nest n = {.mem_ctx = *state, .ret = 99};

    tevent_loop_allow_nesting(ev);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), nested_loop_once, &n));
    assert_int_equal(tevent_loop_once(ev), 0);
    /* The nested call ran the immediate scheduled by the handler. */
    assert_string_equal(g_runs, "<i>");
    assert_int_equal(n.ret, 0);
    assert_int_equal(g_aborts, 0);
    /* The level went back down: the next call works as usual. */
    schedule(ev, *state, 'I');
    expect_once(ev, 'I');
    assert_int_equal(g_aborts, 0);
}

#define MAX_HOOK_CALLS 8

struct hook_call {
    struct tevent_context *ev;
    void *private_data;
    uint32_t level;
    bool begin;
    void **stack_ptr;
    void *slot_on_entry;
    const char *location;
};

struct hook_state {
    size_t n;
    struct hook_call calls[MAX_HOOK_CALLS];
    int begin_ret;
    int end_ret;
};

static int nesting_hook(struct tevent_context *ev, void *private_data,
                        uint32_t level, bool begin, void *stack_ptr,
                        const char *location)
{
    struct hook_state *hs = private_data;
    void **slot = stack_ptr;
    assert_true(hs->n < MAX_HOOK_CALLS);
    hs->calls[hs->n] = (struct hook_call){
        .ev = ev,
        .private_data = private_data,
        .level = level,
        .begin = begin,
        .stack_ptr = slot,
        .slot_on_entry = *slot,
        .location = location,
    };
    /* Leave a mark for the matching end call. */
    if (begin) {
        *slot = &hs->calls[hs->n];
    }
    hs->n += 1;
    return begin ? hs->begin_ret : hs->end_ret;
}

static void assert_hook_call(const struct hook_state *hs, size_t i,
                             struct tevent_context *ev, uint32_t level,
                             bool begin, const char *location)
{
    const struct hook_call *c = &hs->calls[i];
    assert_ptr_equal(c->ev, ev);
    assert_ptr_equal(c->private_data, hs);
    assert_int_equal(c->level, level);
    assert_int_equal(c->begin, begin);
    assert_string_equal(c->location, location);
}

static void test_nesting_hook(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct hook_state hs = {0};
    struct nest n = {.mem_ctx = *state, .ret = 99};
    const char *outer;
    int ret;

    tevent_loop_allow_nesting(ev);
    tevent_loop_set_nesting_hook(ev, nesting_hook, &hs);
    /* Setting the same hook again is fine. */
    tevent_loop_set_nesting_hook(ev, nesting_hook, &hs);

    /* Called at level 1 as well, around the backend call. */
    schedule(ev, *state, 'I');
    ret = AT(outer, tevent_loop_once(ev));
    assert_int_equal(ret, 0);
    assert_string_equal(g_runs, "I");
    assert_int_equal(hs.n, 2);
    assert_hook_call(&hs, 0, ev, 1, true, outer);
    assert_hook_call(&hs, 1, ev, 1, false, outer);
    hs.n = 0;

    /* A handler that nests one level. */
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), nested_loop_once, &n));
    ret = AT(outer, tevent_loop_once(ev));
    assert_int_equal(ret, 0);
    assert_int_equal(n.ret, 0);
    assert_string_equal(g_runs, "I<i>");
    assert_int_equal(hs.n, 4);
    assert_hook_call(&hs, 0, ev, 1, true, outer);
    assert_hook_call(&hs, 1, ev, 2, true, n.location);
    assert_hook_call(&hs, 2, ev, 2, false, n.location);
    assert_hook_call(&hs, 3, ev, 1, false, outer);
    /* Each level has its own stack slot, NULL at begin, and the end call
     * sees what its begin call stored there. */
    assert_ptr_not_equal(hs.calls[0].stack_ptr, hs.calls[1].stack_ptr);
    assert_ptr_equal(hs.calls[3].stack_ptr, hs.calls[0].stack_ptr);
    assert_ptr_equal(hs.calls[2].stack_ptr, hs.calls[1].stack_ptr);
    assert_null(hs.calls[0].slot_on_entry);
    assert_null(hs.calls[1].slot_on_entry);
    assert_ptr_equal(hs.calls[2].slot_on_entry, &hs.calls[1]);
    assert_ptr_equal(hs.calls[3].slot_on_entry, &hs.calls[0]);
    assert_int_equal(g_aborts, 0);
}

/* Installs the nesting hook from inside a handler. */
struct hook_install {
    struct hook_state *hs;
};

static void install_hook(struct tevent_context *ev, struct tevent_immediate *im,
                         void *private_data)
{
    struct hook_install *hi = private_data;
    (void)im;
    note('H');
    tevent_loop_set_nesting_hook(ev, nesting_hook, hi->hs);
}

static void test_nesting_hook_installed_by_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct hook_state hs = {0};
    struct hook_install hi = {.hs = &hs};
    struct tevent_immediate *im = tevent_create_immediate(*state);
    const char *outer;
    assert_non_null(im);

    /* Only the end call of the iteration that installed it, with a
     * fresh stack slot. */
    tevent_schedule_immediate(im, ev, install_hook, &hi);
    assert_int_equal(AT(outer, tevent_loop_once(ev)), 0);
    assert_string_equal(g_runs, "H");
    assert_int_equal(hs.n, 1);
    assert_hook_call(&hs, 0, ev, 1, false, outer);
    assert_null(hs.calls[0].slot_on_entry);

    /* Its result counts, and the level went back to 0. */
    hs.end_ret = 5;
    schedule(ev, *state, 'I');
    assert_int_equal(tevent_loop_once(ev), 5);
    assert_int_equal(hs.n, 3);
    assert_int_equal(hs.calls[1].level, 1);
    assert_int_equal(g_aborts, 0);
}

static void test_nesting_hook_return_values(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct hook_state hs = {.begin_ret = 42};

    tevent_loop_set_nesting_hook(ev, nesting_hook, &hs);
    schedule(ev, *state, 'I');

    /* A failing begin call skips the backend. */
    assert_int_equal(tevent_loop_once(ev), 42);
    assert_int_equal(g_nruns, 0);
    assert_int_equal(hs.n, 1);

    /* A failing end call replaces the result. */
    hs.begin_ret = 0;
    hs.end_ret = 7;
    assert_int_equal(tevent_loop_once(ev), 7);
    assert_string_equal(g_runs, "I");
    assert_int_equal(hs.n, 3);

    /* The level was restored both times: no nesting report. */
    hs.end_ret = 0;
    schedule(ev, *state, 'J');
    expect_once(ev, 'J');
    assert_int_equal(g_aborts, 0);
}

static int other_hook(struct tevent_context *ev, void *private_data,
                      uint32_t level, bool begin, void *stack_ptr,
                      const char *location)
{
    (void)ev;
    (void)private_data;
    (void)level;
    (void)begin;
    (void)stack_ptr;
    (void)location;
    return 0;
}

static void test_nesting_hook_rules(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct hook_state hs = {0};
    int other_private;

    tevent_loop_set_nesting_hook(ev, nesting_hook, &hs);
    tevent_loop_set_nesting_hook(ev, nesting_hook, &hs);
    assert_int_equal(g_aborts, 0);
    tevent_loop_set_nesting_hook(ev, nesting_hook, &other_private);
    assert_int_equal(g_aborts, 1);
    assert_string_equal(g_last_abort,
                        "tevent: Violation of nesting hook rules\n");

    struct tevent_context *ev2 = test_context(*state);
    tevent_loop_set_nesting_hook(ev2, other_hook, NULL);
    tevent_loop_set_nesting_hook(ev2, NULL, NULL);
    assert_int_equal(g_aborts, 2);
    assert_string_equal(g_last_abort,
                        "tevent: Violation of nesting hook rules\n");
}

/* ---------------------------------------------------------------------
 * tevent_loop_until
 */

static bool three_runs(void *private_data)
{
    (void)private_data;
    return g_nruns >= 3;
}

/* A nesting hook that frees the context on its call number `when`. */
struct freeing_hook_state {
    int calls;
    int when;
};

static int freeing_hook(struct tevent_context *ev, void *private_data,
                        uint32_t level, bool begin, void *stack_ptr,
                        const char *location)
{
    struct freeing_hook_state *fh = private_data;
    (void)level;
    (void)begin;
    (void)stack_ptr;
    (void)location;
    if (fh->calls++ == fh->when) {
        talloc_free(ev);
    }
    return 0;
}

static bool one_run(void *private_data)
{
    (void)private_data;
    return g_nruns >= 1;
}

/* A nesting hook may free the context on its begin or its end call, in
 * tevent_loop_once() and in tevent_loop_until(): the loop returns without
 * touching the context again (ASan and valgrind see any access). */
static void test_nesting_hook_frees_context(void **state)
{
    for (int when = 0; when < 2; when++) {
        for (int until = 0; until < 2; until++) {
            struct tevent_context *ev = test_context(*state);
            struct freeing_hook_state fh = {0, when};
            bool freed = false;
            watch_free(ev, &freed);
            tevent_loop_set_nesting_hook(ev, freeing_hook, &fh);
            g_nruns = 0;
            schedule(ev, *state, 'I');
            int ret = until ? tevent_loop_until(ev, one_run, NULL)
                            : tevent_loop_once(ev);
            assert_int_equal(ret, 0);
            assert_true(freed);
            assert_int_equal(fh.calls, when + 1);
            /* Freed on the begin call, nothing ran. */
            assert_int_equal(g_nruns, when);
        }
    }
}

static void test_loop_until(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct hook_state hs = {0};

    tevent_loop_set_nesting_hook(ev, nesting_hook, &hs);
    for (int i = 0; i < 5; i++) {
        schedule(ev, *state, '0' + i);
    }
    assert_int_equal(tevent_loop_until(ev, three_runs, NULL), 0);
    assert_string_equal(g_runs, "012");
    /* The hook brackets the whole loop, not each iteration. */
    assert_int_equal(hs.n, 2);
    assert_true(hs.calls[0].begin);
    assert_false(hs.calls[1].begin);

    /* Already finished: nothing runs. */
    assert_int_equal(tevent_loop_until(ev, three_runs, NULL), 0);
    assert_string_equal(g_runs, "012");
    assert_int_equal(hs.n, 4);
}

static void test_loop_until_stops_on_error(void **state)
{
    struct tevent_context *ev = test_context(*state);

    tevent_context_set_wait_timeout(ev, 0);
    schedule(ev, *state, 'I');
    errno = 0;
    assert_int_equal(tevent_loop_until(ev, never_finished, NULL), -1);
    assert_int_equal(errno, EAGAIN);
    assert_string_equal(g_runs, "I");
}

/* ---------------------------------------------------------------------
 * tevent_loop_wait
 */

static void chain_timer(struct tevent_context *ev, struct tevent_timer *te,
                        struct timeval current_time, void *private_data)
{
    int left = (int)(intptr_t)private_data;
    (void)te;
    (void)current_time;
    note('0' + left);
    if (left > 0) {
        assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_zero(),
                                         chain_timer, ID(left - 1)));
    }
}

static void test_loop_wait_runs_until_out_of_events(void **state)
{
    struct tevent_context *ev = test_context(*state);

    schedule(ev, *state, 'I');
    assert_non_null(tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(0, 1000), chain_timer, ID(3)));
    assert_int_equal(tevent_loop_wait(ev), 0);
    assert_string_equal(g_runs, "I3210");
}

static void disable_after_read(struct tevent_context *ev, struct tevent_fd *fde,
                               uint16_t flags, void *private_data)
{
    struct pipe_pair *p = private_data;
    char c;
    (void)ev;
    (void)flags;
    assert_int_equal(read(p->rd, &c, 1), 1);
    note('F');
    tevent_fd_set_flags(fde, 0);
}

static void test_loop_wait_ignores_disabled_fdes(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct pipe_pair *p = test_pipe(*state, 3);

    /* A registered but disabled fde does not keep the loop alive. */
    struct tevent_fd *idle = tevent_add_fd(ev, ev, p->rd, 0, fd_handler, NULL);
    assert_non_null(idle);
    assert_int_equal(tevent_loop_wait(ev), 0);
    assert_int_equal(g_nruns, 0);

    /* An enabled one does, until its handler disables it. */
    struct tevent_fd *fde =
        tevent_add_fd(ev, ev, p->rd, TEVENT_FD_READ, disable_after_read, p);
    assert_non_null(fde);
    assert_int_equal(tevent_loop_wait(ev), 0);
    assert_string_equal(g_runs, "F");
    assert_int_equal(tevent_fd_get_flags(fde), 0);
}

static void count_waits(enum tevent_trace_point tp, void *private_data)
{
    unsigned *waits = private_data;
    *waits += tp == TEVENT_TRACE_BEFORE_WAIT;
}

static void test_loop_wait_ignores_wakeup_fd(void **state)
{
    struct tevent_context *ev = test_context(*state);
    unsigned waits = 0;

    assert_int_equal(tevent_common_wakeup_init(ev), 0);
    tevent_set_trace_callback(ev, count_waits, &waits);
    assert_int_equal(tevent_loop_wait(ev), 0);
    /* It did not wait for the wakeup fd even once. */
    assert_int_equal(waits, 0);
}

static void test_loop_wait_fails_with_zero_wait_timeout(void **state)
{
    struct tevent_context *ev = test_context(*state);

    /* A wait for it would outlast the test's timeout. */
    assert_non_null(tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(3600, 0), timer_handler, ID('T')));
    tevent_context_set_wait_timeout(ev, 0);
    errno = 0;
    assert_int_equal(tevent_loop_wait(ev), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(g_nruns, 0);
}

/* ---------------------------------------------------------------------
 * Wait timeout
 */

static void test_wait_timeout_values(void **state)
{
    struct tevent_context *ev = test_context(*state);

    assert_int_equal(tevent_context_set_wait_timeout(ev, 5), 30);
    assert_int_equal(tevent_context_set_wait_timeout(ev, 0), 5);
    assert_int_equal(tevent_context_set_wait_timeout(ev, UINT32_MAX), 0);
    assert_int_equal(tevent_context_set_wait_timeout(ev, 7), INT32_MAX);
    assert_int_equal(tevent_context_set_wait_timeout(ev, 30), 7);
}

static void test_zero_wait_timeout(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct pipe_pair *p = test_pipe(*state, 1);

    tevent_context_set_wait_timeout(ev, 0);

    /* Nothing to do: fails instead of waiting... */
    errno = 0;
    assert_int_equal(tevent_loop_once(ev), -1);
    assert_int_equal(errno, EAGAIN);

    /* ...even when a timer exists, as long as it is not due (a wait for
     * it would outlast the test's timeout). */
    assert_non_null(tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(3600, 0), timer_handler, ID('X')));
    errno = 0;
    assert_int_equal(tevent_loop_once(ev), -1);
    assert_int_equal(errno, EAGAIN);

    /* Ready work still runs and returns 0. */
    schedule(ev, *state, 'I');
    expect_once(ev, 'I');
    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_set(1, 0),
                                     timer_handler, ID('T')));
    expect_once(ev, 'T');
    watch_pipe(ev, ev, p, 'F');
    expect_once(ev, 'F');
}

/* Without timers an idle iteration waits for the wait timeout and then
 * returns 0 although nothing ran.  The upper bound only has to tell the
 * 1 s wait from the default of 30 s. */
static void test_wait_timeout_without_timers(void **state)
{
    struct tevent_context *ev = test_context(*state);

    tevent_context_set_wait_timeout(ev, 1);
    double start = monotonic_now();
    assert_int_equal(tevent_loop_once(ev), 0);
    double waited = monotonic_now() - start;
    assert_int_equal(g_nruns, 0);
    assert_true(waited >= 0.95);
    assert_true(waited < 25.0);
}

/* With a timer the wait lasts until that timer, however long the wait
 * timeout is. */
static void test_wait_timeout_ignored_with_timers(void **state)
{
    struct tevent_context *ev = test_context(*state);

    tevent_context_set_wait_timeout(ev, 1);
    double start = monotonic_now();
    assert_non_null(tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(1, 300000), timer_handler, ID('T')));
    expect_once(ev, 'T');
    assert_true(monotonic_now() - start >= 1.25);

    /* And a short timer does not wait for the wait timeout either (none:
     * such a wait would outlast the test's timeout). */
    tevent_context_set_wait_timeout(ev, UINT32_MAX);
    assert_non_null(tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(0, 20000), timer_handler, ID('U')));
    expect_once(ev, 'U');
}

struct wait_probe {
    struct tevent_context *ev;
    bool waited;
};

static void zero_wait_after_wait(enum tevent_trace_point tp, void *private_data)
{
    struct wait_probe *wp = private_data;
    if (tp == TEVENT_TRACE_AFTER_WAIT) {
        wp->waited = true;
        tevent_context_set_wait_timeout(wp->ev, 0);
    }
}

static void set_fired(struct tevent_context *ev, struct tevent_timer *te,
                      struct timeval now, void *private_data)
{
    (void)ev;
    (void)te;
    (void)now;
    *(bool *)private_data = true;
}

/* The zero wait timeout set by the trace point after a wait for a timer
 * does not turn that wait into a failed one: what counts is the timeout
 * the wait was made with. */
static void test_wait_timeout_set_after_wait(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct wait_probe wp = {ev, false};

    tevent_set_trace_callback(ev, zero_wait_after_wait, &wp);
    /* Until an iteration waited (one that finds the timer due already
     * runs it without a wait). */
    while (!wp.waited) {
        bool fired = false;
        assert_non_null(tevent_add_timer(
            ev, ev, tevent_timeval_current_ofs(0, 1000), set_fired, &fired));
        while (!fired) {
            assert_int_equal(tevent_loop_once(ev), 0);
        }
    }
    tevent_set_trace_callback(ev, NULL, NULL);
}

/* ---------------------------------------------------------------------
 * tevent_re_initialise
 */

static void trace_noop(enum tevent_trace_point tp, void *private_data)
{
    (void)tp;
    (void)private_data;
}

static bool g_out_of_events;

static void note_out_of_events(void *context, enum tevent_debug_level level,
                               const char *fmt, va_list ap)
{
    (void)context;
    (void)ap;
    if (level == TEVENT_DEBUG_WARNING &&
        strcmp(fmt, "tevent_common_loop_wait() out of events\n") == 0) {
        g_out_of_events = true;
    }
}

static void test_re_initialise(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct pipe_pair *p = test_pipe(*state, 1);
    struct hook_state hs = {0};
    tevent_trace_callback_t cb = NULL;
    void *cb_private = NULL;
    int trace_private;

    tevent_context_set_wait_timeout(ev, 5);
    tevent_set_debug(ev, note_out_of_events, NULL);
    tevent_set_trace_callback(ev, trace_noop, &trace_private);
    tevent_loop_set_nesting_hook(ev, nesting_hook, &hs);

    /* Pending events of all kinds, allocated outside the context. */
    schedule(ev, *state, 'I');
    assert_non_null(tevent_add_timer(ev, *state, tevent_timeval_zero(),
                                     timer_handler, ID('T')));
    struct tevent_fd *fde = watch_pipe(ev, *state, p, 'F');

    assert_int_equal(tevent_re_initialise(ev), 0);

    /* Every event is gone (the fde is detached: flags read 0)... */
    assert_int_equal(tevent_fd_get_flags(fde), 0);
    g_out_of_events = false;
    assert_int_equal(tevent_loop_wait(ev), 0);
    assert_int_equal(g_nruns, 0);
    /* ...and the debug fn survived to hear loop_wait run out of events. */
    assert_true(g_out_of_events);

    /* Wait timeout and trace callback survive. */
    assert_int_equal(tevent_context_set_wait_timeout(ev, 30), 5);
    tevent_get_trace_callback(ev, &cb, &cb_private);
    assert_ptr_equal(cb, trace_noop);
    assert_ptr_equal(cb_private, &trace_private);

    /* The hook was cleared: another one can be set without an abort. */
    tevent_loop_set_nesting_hook(ev, other_hook, NULL);
    assert_int_equal(g_aborts, 0);

    /* The context works: new events run. */
    schedule(ev, *state, 'J');
    expect_once(ev, 'J');
    watch_pipe(ev, ev, p, 'G');
    expect_once(ev, 'G');
}

static void test_re_initialise_resets_nesting_level(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct nest n = {.mem_ctx = *state, .ret = 99};

    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), nested_loop_once, &n));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(n.ret, -1);
    assert_int_equal(g_aborts, 1);

    assert_int_equal(tevent_re_initialise(ev), 0);
    schedule(ev, *state, 'I');
    expect_once(ev, 'I');
    assert_int_equal(g_aborts, 1);
}

static void test_re_initialise_keeps_allow_nesting(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct nest n = {.mem_ctx = *state, .ret = 99};

    tevent_loop_allow_nesting(ev);
    assert_int_equal(tevent_re_initialise(ev), 0);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), nested_loop_once, &n));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(g_runs, "<i>");
    assert_int_equal(n.ret, 0);
    assert_int_equal(g_aborts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_immediates_timers_fds, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_one_fd_handler_per_iteration,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_immediates_starve_timers_and_fds,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_aborts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_loop_until_aborts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_allow_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_hook_return_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nesting_hook_installed_by_handler,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_hook_rules, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nesting_hook_frees_context, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_loop_until, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loop_until_stops_on_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_loop_wait_runs_until_out_of_events,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_loop_wait_ignores_disabled_fdes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_loop_wait_ignores_wakeup_fd, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_loop_wait_fails_with_zero_wait_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_timeout_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_zero_wait_timeout, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wait_timeout_without_timers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wait_timeout_ignored_with_timers,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_timeout_set_after_wait, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_re_initialise, setup, teardown),
        cmocka_unit_test_setup_teardown(test_re_initialise_resets_nesting_level,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_re_initialise_keeps_allow_nesting,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
