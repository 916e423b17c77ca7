/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Context teardown against the asynchronous signal handler: once the
 * context closes its wakeup fd, no delivery may write to that fd number,
 * which the process may already have reused for something else.
 *
 * The test catches the moment the library closes the wakeup eventfd by
 * defining close() itself (the library's calls bind to the program's
 * definition first) and, right after the real close, puts a pipe on the
 * freed number and raises a signal the context still has an event for.
 */
#include "test_signal_util.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static struct {
    bool armed;
    int reuse_with; /* the write end of a pipe */
    int reused;     /* the fd number it took over, or -1 */
} g_close;

static bool is_eventfd(int fd)
{
    char path[64], target[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    ssize_t len = readlink(path, target, sizeof(target) - 1);
    if (len < 0) {
        return false;
    }
    target[len] = '\0';
    return strcmp(target, "anon_inode:[eventfd]") == 0;
}

int close(int fd)
{
    static int (*real_close)(int);
    if (real_close == NULL) {
        real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
    }
    bool reuse = g_close.armed && is_eventfd(fd);
    int ret = real_close(fd);
    if (reuse && ret == 0) {
        g_close.armed = false;
        if (dup2(g_close.reuse_with, fd) == fd) {
            g_close.reused = fd;
        }
        raise(SIGUSR1);
    }
    return ret;
}

static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
                      int signum, int count, void *siginfo, void *private_data)
{
    (void)ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    (void)private_data;
}

/* Issue 10, item 4: the wakeup fd used to close while the context was
 * still in the signal's wake list. */
static void test_no_write_to_reused_wakeup_fd(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct pipe_pair *p = test_pipe(mem, 0);
    char buf[16];
    (void)state;

    set_ignored(SIGUSR1);
    /* The teardown detaches signal events only after closing the fd. */
    struct tevent_signal *se =
        tevent_add_signal(ev, ev, SIGUSR1, 0, on_signal, NULL);
    assert_non_null(se);
    assert_int_equal(fcntl(p->rd, F_SETFL, O_NONBLOCK), 0);

    g_close.reuse_with = p->wr;
    g_close.reused = -1;
    g_close.armed = true;
    talloc_free(ev);
    g_close.armed = false;

    assert_int_not_equal(g_close.reused, -1);
    assert_int_equal(read(p->rd, buf, sizeof(buf)), -1);
    assert_int_equal(errno, EAGAIN);
    close(g_close.reused);
    assert_true(is_ignored(SIGUSR1));
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_write_to_reused_wakeup_fd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
