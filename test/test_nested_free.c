/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * With nesting allowed, a handler that runs a nested loop can be entered
 * again for the same event; if the inner call frees the event, the memory
 * must stay valid until the outer call has returned.  (Found by the API
 * fuzzer as a use after free.)  A timer is out of the queue while its
 * handler runs, so only a direct invocation could enter it again.
 */
#include <signal.h>

#include "test_util.h"

/* Exported backend-writer function (upstream declares it in the uninstalled
 * tevent_internal.h). */
int tevent_common_invoke_timer_handler(struct tevent_timer *te,
                                       struct timeval current_time,
                                       bool *removed);

/* The nesting API is deprecated upstream, and still supported. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static int depth, calls;
static bool freed;

static void nested_fd(struct tevent_context *ev, struct tevent_fd *fde,
                      uint16_t flags, void *p)
{
    (void)flags;
    (void)p;
    calls++;
    if (depth == 0) {
        depth++;
        /* the fd is still readable: the nested loop calls us again
         * (poll_mt may first serve its own wakeup fd) */
        for (int i = 0; i < 10 && calls < 2; i++) {
            assert_int_equal(tevent_loop_once(ev), 0);
        }
        depth--;
        assert_int_equal(calls, 2);
        assert_false(freed);
    } else {
        talloc_free(fde);
    }
}

static void test_fd_freed_in_nested_call(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct pipe_pair *p = test_pipe(mem, 1);

    tevent_loop_allow_nesting(ev);
    depth = calls = 0;
    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, p->rd, TEVENT_FD_READ, nested_fd, NULL);
    assert_non_null(fde);
    watch_free(fde, &freed);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(calls, 2);
    assert_true(freed);
    talloc_free(mem);
}

static void nested_signal(struct tevent_context *ev, struct tevent_signal *se,
                          int signum, int count, void *siginfo, void *p)
{
    (void)count;
    (void)siginfo;
    (void)p;
    calls++;
    if (depth == 0) {
        depth++;
        raise(signum);
        assert_int_equal(tevent_loop_once(ev), 0);
        depth--;
        assert_int_equal(calls, 2);
        assert_false(freed);
    } else {
        talloc_free(se);
    }
}

static void test_signal_freed_in_nested_call(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);

    tevent_loop_allow_nesting(ev);
    depth = calls = 0;
    struct tevent_signal *se =
        tevent_add_signal(ev, mem, SIGUSR1, 0, nested_signal, NULL);
    assert_non_null(se);
    watch_free(se, &freed);
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(calls, 2);
    assert_true(freed);
    talloc_free(mem);
}

/* Rescheduled in its handler, the immediate runs again in the nested
 * loop, and that call frees it. */
static void nested_immediate(struct tevent_context *ev,
                             struct tevent_immediate *im, void *p)
{
    calls++;
    if (depth == 0) {
        depth++;
        tevent_schedule_immediate(im, ev, nested_immediate, p);
        assert_int_equal(tevent_loop_once(ev), 0);
        depth--;
        assert_int_equal(calls, 2);
        assert_false(freed);
    } else {
        assert_int_equal(talloc_free(im), -1);
    }
}

static void test_immediate_freed_in_nested_call(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);

    tevent_loop_allow_nesting(ev);
    depth = calls = 0;
    struct tevent_immediate *im = tevent_create_immediate(mem);
    assert_non_null(im);
    watch_free(im, &freed);
    tevent_schedule_immediate(im, ev, nested_immediate, NULL);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(calls, 2);
    assert_true(freed);
    talloc_free(mem);
}

/* The inner call reschedules it instead: it stays scheduled once both
 * calls returned, and runs once more. */
static void nested_immediate_rescheduled(struct tevent_context *ev,
                                         struct tevent_immediate *im, void *p)
{
    calls++;
    if (calls == 1) {
        depth++;
        tevent_schedule_immediate(im, ev, nested_immediate_rescheduled, p);
        assert_int_equal(tevent_loop_once(ev), 0);
        depth--;
        assert_int_equal(calls, 2);
    } else if (calls == 2) {
        assert_int_equal(depth, 1);
        tevent_schedule_immediate(im, ev, nested_immediate_rescheduled, p);
    }
}

static void note_timer(struct tevent_context *ev, struct tevent_timer *te,
                       struct timeval now, void *p)
{
    (void)ev;
    (void)te;
    (void)now;
    *(bool *)p = true;
}

static void test_immediate_rescheduled_in_nested_call(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);

    tevent_loop_allow_nesting(ev);
    depth = calls = 0;
    struct tevent_immediate *im = tevent_create_immediate(mem);
    assert_non_null(im);
    watch_free(im, &freed);
    tevent_schedule_immediate(im, ev, nested_immediate_rescheduled, NULL);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(calls, 2);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(calls, 3);
    assert_false(freed);
    /* It is not scheduled any more: a due timer runs (immediates go
     * first). */
    bool timer_ran = false;
    assert_non_null(tevent_add_timer(ev, mem, tevent_timeval_zero(), note_timer,
                                     &timer_ran));
    for (int i = 0; i < 10 && !timer_ran; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_true(timer_ran);
    assert_int_equal(calls, 3);
    assert_int_equal(talloc_free(im), 0);
    assert_true(freed);
    talloc_free(mem);
}

/* A running timer invoked again from its own handler: it does not run a
 * second time, and stays allocated until the outer call returns. */
static void nested_timer(struct tevent_context *ev, struct tevent_timer *te,
                         struct timeval now, void *p)
{
    (void)ev;
    (void)p;
    calls++;
    bool removed = true;
    assert_int_equal(tevent_common_invoke_timer_handler(te, now, &removed), 0);
    assert_false(removed);
    assert_int_equal(calls, 1);
    assert_false(freed);
}

static void test_timer_invoked_in_own_handler(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);

    depth = calls = 0;
    struct tevent_timer *te =
        tevent_add_timer(ev, mem, tevent_timeval_zero(), nested_timer, NULL);
    assert_non_null(te);
    watch_free(te, &freed);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(calls, 1);
    assert_true(freed);
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fd_freed_in_nested_call),
        cmocka_unit_test(test_signal_freed_in_nested_call),
        cmocka_unit_test(test_immediate_freed_in_nested_call),
        cmocka_unit_test(test_immediate_rescheduled_in_nested_call),
        cmocka_unit_test(test_timer_invoked_in_own_handler),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
