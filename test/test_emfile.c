/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Out of file descriptors (the process runs with RLIMIT_NOFILE 64): a
 * context is still created where the backend needs no descriptor of its
 * own, everything that needs one fails with NULL and errno EMFILE, events
 * that need none keep working, and once descriptors are free again the
 * same calls succeed.  The outcomes are upstream's (checked against
 * Debian's libtevent 0.14.1).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "test_util.h"

#define NOFILE_LIMIT 64

static int held[NOFILE_LIMIT];
static int n_held;

/* Takes every free descriptor but `keep`. */
static void exhaust_fds(int keep)
{
    int fd;
    while ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
        assert_true(n_held < NOFILE_LIMIT);
        held[n_held++] = fd;
    }
    assert_int_equal(errno, EMFILE);
    for (; keep > 0 && n_held > 0; keep--) {
        close(held[--n_held]);
    }
}

static void release_fds(void)
{
    while (n_held > 0) {
        close(held[--n_held]);
    }
}

static bool backend_is(const char *name)
{
    const char *b = test_backend();
    return b != NULL && strcmp(b, name) == 0;
}

static int setup(void **state)
{
    (void)state;
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = NOFILE_LIMIT;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    release_fds();
    return 0;
}

static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
                      int signum, int count, void *siginfo, void *p)
{
    (void)ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    (void)p;
}

static void count_timer(struct tevent_context *ev, struct tevent_timer *te,
                        struct timeval now, void *p)
{
    (void)ev;
    (void)te;
    (void)now;
    (*(int *)p)++;
}

static void count_fd(struct tevent_context *ev, struct tevent_fd *fde,
                     uint16_t flags, void *p)
{
    (void)ev;
    (void)fde;
    (void)flags;
    (*(int *)p)++;
}

/* Creating a context with no descriptor left. */
static void test_init_without_fds(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);

    exhaust_fds(0);
    errno = 0;
    struct tevent_context *ev = tevent_context_init_byname(mem, test_backend());
    if (backend_is("epoll") || backend_is("poll_mt")) {
        /* epoll needs its epoll fd, poll_mt its wakeup fd */
        assert_null(ev);
        assert_int_equal(errno, EMFILE);
    } else {
        /* poll needs none; standard falls back to poll */
        assert_non_null(ev);
        int fired = 0;
        assert_non_null(tevent_add_timer(ev, mem, tevent_timeval_zero(),
                                         count_timer, &fired));
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_int_equal(fired, 1);
    }
    release_fds();
    talloc_free(mem);

    /* With descriptors free again, every backend comes up. */
    mem = talloc_new(NULL);
    assert_non_null(tevent_context_init_byname(mem, test_backend()));
    talloc_free(mem);
}

/* A context made earlier, then the process runs out of descriptors. */
static void test_calls_without_fds(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    int sv[2];
    int fired = 0;
    /* poll_mt made its wakeup fd at init; the others make it on demand. */
    bool has_wakeup = backend_is("poll_mt");

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    exhaust_fds(0);

    errno = 0;
    struct tevent_signal *se =
        tevent_add_signal(ev, mem, SIGUSR1, 0, on_signal, NULL);
    if (has_wakeup) {
        assert_non_null(se);
    } else {
        assert_null(se);
        assert_int_equal(errno, EMFILE);
    }
    talloc_free(se);

    errno = 0;
    struct tevent_threaded_context *tctx =
        tevent_threaded_context_create(mem, ev);
    if (has_wakeup) {
        assert_non_null(tctx);
    } else {
        assert_null(tctx);
        assert_int_equal(errno, EMFILE);
    }
    talloc_free(tctx);

    errno = 0;
    assert_null(tevent_thread_proxy_create(ev));
    assert_int_equal(errno, EMFILE);

    /* Events that need no descriptor of their own keep working. */
    assert_non_null(
        tevent_add_timer(ev, mem, tevent_timeval_zero(), count_timer, &fired));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(fired, 1);
    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_WRITE, count_fd, &fired);
    assert_non_null(fde);
    for (int i = 0; i < 10 && fired == 1; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(fired, 2);
    talloc_free(fde);

    /* Descriptors free again: the same calls succeed. */
    release_fds();
    assert_non_null(tevent_add_signal(ev, mem, SIGUSR1, 0, on_signal, NULL));
    assert_non_null(tevent_threaded_context_create(mem, ev));
    assert_non_null(tevent_thread_proxy_create(ev));
    close(sv[0]);
    close(sv[1]);
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_without_fds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calls_without_fds, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
