/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * With nesting allowed, a handler that runs a nested loop can be entered
 * again for the same event; if the inner call frees the event, the memory
 * must stay valid until the outer call has returned.  (Found by the API
 * fuzzer as a use after free.)
 */
#include <signal.h>

#include "test_util.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fd_freed_in_nested_call),
        cmocka_unit_test(test_signal_freed_in_nested_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
