/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * A wrapper's fd hooks see the flags that are ready, the same ones the
 * handler gets, not the flags the fd event asked for.
 */
#include <sys/socket.h>

#include "test_util.h"

/* The wrapper API is deprecated upstream, and still supported. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static uint16_t before_flags, handler_flags, after_flags;
static int calls;

static void before_fd(struct tevent_context *wrap_ev, void *private_state,
                      struct tevent_context *main_ev, struct tevent_fd *fde,
                      uint16_t flags, const char *handler_name,
                      const char *location)
{
    (void)wrap_ev;
    (void)private_state;
    (void)main_ev;
    (void)fde;
    (void)handler_name;
    (void)location;
    before_flags = flags;
}

static void after_fd(struct tevent_context *wrap_ev, void *private_state,
                     struct tevent_context *main_ev, struct tevent_fd *fde,
                     uint16_t flags, const char *handler_name,
                     const char *location)
{
    (void)wrap_ev;
    (void)private_state;
    (void)main_ev;
    (void)fde;
    (void)handler_name;
    (void)location;
    after_flags = flags;
}

static const struct tevent_wrapper_ops ops = {
    .name = "fd_flags",
    .before_use = test_wrapper_before_use,
    .after_use = test_wrapper_after_use,
    .before_fd_handler = before_fd,
    .after_fd_handler = after_fd,
};

static void fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
                       uint16_t flags, void *p)
{
    (void)ev;
    (void)fde;
    (void)p;
    handler_flags = flags;
    calls++;
}

/* Loops until the handler ran (poll_mt may first serve its own wakeup fd). */
static void run_handler(struct tevent_context *ev)
{
    before_flags = handler_flags = after_flags = 0;
    calls = 0;
    for (int i = 0; i < 10 && calls == 0; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(calls, 1);
}

static void test_hooks_get_ready_flags(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    int *wrap_state;
    struct tevent_context *wrap =
        tevent_context_wrapper_create(ev, mem, &ops, &wrap_state, int);
    int sv[2];

    assert_non_null(wrap);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_non_null(tevent_add_fd(
        wrap, mem, sv[0], TEVENT_FD_READ | TEVENT_FD_WRITE, fd_handler, NULL));

    /* Nothing to read: only writable. */
    run_handler(ev);
    assert_int_equal(handler_flags, TEVENT_FD_WRITE);
    assert_int_equal(before_flags, TEVENT_FD_WRITE);
    assert_int_equal(after_flags, TEVENT_FD_WRITE);

    /* Data waiting: both. */
    assert_int_equal(write(sv[1], "x", 1), 1);
    run_handler(ev);
    assert_int_equal(handler_flags, TEVENT_FD_READ | TEVENT_FD_WRITE);
    assert_int_equal(before_flags, TEVENT_FD_READ | TEVENT_FD_WRITE);
    assert_int_equal(after_flags, TEVENT_FD_READ | TEVENT_FD_WRITE);

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hooks_get_ready_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
