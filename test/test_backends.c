/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Behaviour of the four built-in backends that is specific to them: the
 * order of work in one iteration, wait trace points, wait timeout 0,
 * freeing additional_data at init, epoll across fork, standard's fallback
 * to poll (and plain epoll's abort), poll_mt waking a sleeping loop.
 *
 * Each test runs every backend itself (this is a plain test).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

static const char *const backends[] = {"epoll", "poll", "poll_mt", "standard"};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

static struct tevent_context *backend_context(TALLOC_CTX *mem, const char *name)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, name);
    assert_non_null(ev);
    return ev;
}

static void write_byte(int fd)
{
    char c = 'x';
    assert_int_equal(write(fd, &c, 1), 1);
}

/* ------------------------------------------------------------------ */
/* A log of what ran, shared by the handlers below. */

enum what {
    RAN_SIGNAL = 1,
    RAN_IMMEDIATE,
    RAN_TIMER,
    RAN_FD,
    TP_BEFORE_WAIT,
    TP_AFTER_WAIT,
    TP_BEFORE_LOOP_ONCE,
    TP_AFTER_LOOP_ONCE,
};

struct run_log {
    int n;
    int what[64];
    uint16_t fd_flags;
};

static void log_add(struct run_log *log, int what)
{
    assert_true(log->n < 64);
    log->what[log->n++] = what;
}

static int log_count(const struct run_log *log, int what)
{
    int count = 0;
    for (int i = 0; i < log->n; i++) {
        count += log->what[i] == what;
    }
    return count;
}

static void log_signal(struct tevent_context *ev, struct tevent_signal *se,
                       int signum, int count, void *siginfo, void *pd)
{
    (void)ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    log_add(pd, RAN_SIGNAL);
}

static void log_immediate(struct tevent_context *ev,
                          struct tevent_immediate *im, void *pd)
{
    (void)ev;
    (void)im;
    log_add(pd, RAN_IMMEDIATE);
}

static void log_timer(struct tevent_context *ev, struct tevent_timer *te,
                      struct timeval now, void *pd)
{
    (void)ev;
    (void)te;
    (void)now;
    log_add(pd, RAN_TIMER);
}

static void log_fd(struct tevent_context *ev, struct tevent_fd *fde,
                   uint16_t flags, void *pd)
{
    struct run_log *log = pd;
    (void)ev;
    (void)fde;
    log->fd_flags = flags;
    log_add(log, RAN_FD);
}

static void log_trace(enum tevent_trace_point tp, void *pd)
{
    static const int map[] = {
        [TEVENT_TRACE_BEFORE_WAIT] = TP_BEFORE_WAIT,
        [TEVENT_TRACE_AFTER_WAIT] = TP_AFTER_WAIT,
        [TEVENT_TRACE_BEFORE_LOOP_ONCE] = TP_BEFORE_LOOP_ONCE,
        [TEVENT_TRACE_AFTER_LOOP_ONCE] = TP_AFTER_LOOP_ONCE,
    };
    log_add(pd, map[tp]);
}

/* ------------------------------------------------------------------ */
/* S-1: signals, then one immediate, then one due timer, then one fd;
 * the wait trace points only around a real wait. */

static void check_order(const char *name)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = backend_context(mem, name);
    struct run_log log = {0};
    int p[2];
    assert_int_equal(pipe(p), 0);
    write_byte(p[1]);

    assert_non_null(tevent_add_fd(ev, mem, p[0], TEVENT_FD_READ, log_fd, &log));
    assert_non_null(
        tevent_add_timer(ev, mem, tevent_timeval_current(), log_timer, &log));
    struct tevent_immediate *im = tevent_create_immediate(mem);
    assert_non_null(im);
    tevent_schedule_immediate(im, ev, log_immediate, &log);
    assert_non_null(tevent_add_signal(ev, mem, SIGUSR1, 0, log_signal, &log));
    assert_int_equal(raise(SIGUSR1), 0);
    tevent_set_trace_callback(ev, log_trace, &log);

    const int expect[] = {RAN_SIGNAL, RAN_IMMEDIATE, RAN_TIMER};
    for (size_t i = 0; i < 3; i++) {
        log.n = 0;
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_int_equal(log.n, 3);
        assert_int_equal(log.what[0], TP_BEFORE_LOOP_ONCE);
        assert_int_equal(log.what[1], expect[i]);
        assert_int_equal(log.what[2], TP_AFTER_LOOP_ONCE);
    }

    /* Now the fd; the signal may have left the wakeup fd readable, which
     * takes an iteration of its own. */
    for (int i = 0; i < 3 && log_count(&log, RAN_FD) == 0; i++) {
        log.n = 0;
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_int_equal(log.what[0], TP_BEFORE_LOOP_ONCE);
        assert_int_equal(log.what[1], TP_BEFORE_WAIT);
        assert_int_equal(log.what[2], TP_AFTER_WAIT);
    }
    assert_int_equal(log.n, 5);
    assert_int_equal(log.what[3], RAN_FD);
    assert_int_equal(log.fd_flags, TEVENT_FD_READ);
    assert_int_equal(log.what[4], TP_AFTER_LOOP_ONCE);

    tevent_set_trace_callback(ev, NULL, NULL);
    talloc_free(mem);
    close(p[0]);
    close(p[1]);
}

static void test_loop_once_order(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < NBACKENDS; i++) {
        check_order(backends[i]);
    }
}

/* ------------------------------------------------------------------ */
/* S-9: wait timeout 0 never blocks, an empty wait is -1/EAGAIN. */

static void check_wait_timeout_zero(const char *name)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = backend_context(mem, name);
    struct run_log log = {0};
    int p[2];
    assert_int_equal(pipe(p), 0);

    assert_int_equal(tevent_context_set_wait_timeout(ev, 0), 30);
    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, p[0], TEVENT_FD_READ, log_fd, &log);
    assert_non_null(fde);

    /* poll_mt's own wakeup (from adding the fde) may be pending. */
    int ret = 0;
    for (int i = 0; i < 3 && ret == 0; i++) {
        errno = 0;
        ret = tevent_loop_once(ev);
    }
    assert_int_equal(ret, -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(log.n, 0);

    /* Even with a timer in the future. */
    assert_non_null(tevent_add_timer(
        ev, mem, tevent_timeval_current_ofs(100, 0), log_timer, &log));
    errno = 0;
    assert_int_equal(tevent_loop_once(ev), -1);
    assert_int_equal(errno, EAGAIN);
    errno = 0;
    assert_int_equal(tevent_loop_wait(ev), -1);
    assert_int_equal(errno, EAGAIN);

    /* Something ready: it runs, 0. */
    write_byte(p[1]);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(log_count(&log, RAN_FD), 1);

    talloc_free(mem);
    close(p[0]);
    close(p[1]);
}

static void test_wait_timeout_zero(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < NBACKENDS; i++) {
        check_wait_timeout_zero(backends[i]);
    }
}

/* ------------------------------------------------------------------ */
/* §2.2: the built-in backends free additional_data in their init. */

struct probe {
    bool *freed;
};

static int probe_destructor(struct probe *p)
{
    *p->freed = true;
    return 0;
}

static void test_init_frees_additional_data(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < NBACKENDS; i++) {
        TALLOC_CTX *mem = talloc_new(NULL);
        bool freed = false;
        struct probe *p = talloc(mem, struct probe);
        assert_non_null(p);
        p->freed = &freed;
        talloc_set_destructor(p, probe_destructor);
        const struct tevent_ops *ops = tevent_find_ops_byname(backends[i]);
        assert_non_null(ops);
        struct tevent_context *ev = tevent_context_init_ops(mem, ops, p);
        assert_non_null(ev);
        assert_true(freed);
        talloc_free(mem);
    }
}

/* ------------------------------------------------------------------ */
/* S-33: a context keeps working in a fork child, and what the child does
 * does not disturb the parent (epoll re-creates its epoll fd). */

static void check_fork(const char *name)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = backend_context(mem, name);
    struct run_log log = {0};
    int p[2];
    int q[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(pipe(q), 0);

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, p[0], TEVENT_FD_READ, log_fd, &log);
    assert_non_null(fde);
    struct tevent_fd *qfde =
        tevent_add_fd(ev, mem, q[0], TEVENT_FD_READ, log_fd, &log);
    assert_non_null(qfde);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Against a shared epoll fd these would deregister the parent's
         * fds. */
        tevent_fd_set_flags(fde, 0);
        talloc_free(qfde);
        int r[2];
        if (pipe(r) != 0) {
            _exit(10);
        }
        if (tevent_add_fd(ev, mem, r[0], TEVENT_FD_READ, log_fd, &log) ==
            NULL) {
            _exit(11);
        }
        write_byte(r[1]);
        /* The fd is ready: a wait finds it at once, unless the child
         * lost it (then each iteration ends after the wait timeout). */
        tevent_context_set_wait_timeout(ev, 5);
        for (int i = 0; i < 8 && log.n == 0; i++) {
            if (tevent_loop_once(ev) != 0) {
                _exit(12);
            }
        }
        _exit(log.n == 1 && log.what[0] == RAN_FD ? 0 : 13);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    /* The parent still gets both of its fds (as in the child, a lost one
     * would make each iteration end after the wait timeout). */
    tevent_context_set_wait_timeout(ev, 5);
    write_byte(p[1]);
    write_byte(q[1]);
    for (int i = 0; i < 8 && log.n < 2; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(log_count(&log, RAN_FD), 2);

    talloc_free(mem);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
}

static void test_fork_child(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < NBACKENDS; i++) {
        check_fork(backends[i]);
    }
}

/* ------------------------------------------------------------------ */
/* epoll cannot watch a regular file (EPERM): standard falls back to
 * poll, plain epoll aborts. */

struct debug_log {
    int n;
    enum tevent_debug_level levels[32];
    char msgs[32][256];
};

static void capture_debug(void *context, enum tevent_debug_level level,
                          const char *fmt, va_list ap)
{
    struct debug_log *log = context;
    if (log->n < 32) {
        log->levels[log->n] = level;
        vsnprintf(log->msgs[log->n], sizeof(log->msgs[0]), fmt, ap);
        log->n++;
    }
}

static int find_msg(const struct debug_log *log, const char *needle)
{
    for (int i = 0; i < log->n; i++) {
        if (strstr(log->msgs[i], needle) != NULL) {
            return i;
        }
    }
    return -1;
}

static int regular_file(void)
{
    char path[] = "/tmp/test_backends.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    return fd;
}

static const char kFallbackMsg[] =
    "EPOLL_CTL_ADD failed (Operation not permitted) replay[0] - "
    "calling panic_fallback\n";

static void test_standard_falls_back_to_poll(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = backend_context(mem, "standard");
    struct debug_log dlog = {0};
    struct run_log before = {0};
    struct run_log idle = {0};
    struct run_log file = {0};
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(tevent_set_debug(ev, capture_debug, &dlog), 0);

    /* Registered with epoll before the fallback: one active, one not. */
    assert_non_null(
        tevent_add_fd(ev, mem, p[0], TEVENT_FD_READ, log_fd, &before));
    struct tevent_fd *idle_fde = tevent_add_fd(ev, mem, p[0], 0, log_fd, &idle);
    assert_non_null(idle_fde);

    int fd = regular_file();
    struct tevent_fd *file_fde =
        tevent_add_fd(ev, mem, fd, TEVENT_FD_READ, log_fd, &file);
    assert_non_null(file_fde);
    int i = find_msg(&dlog, kFallbackMsg);
    assert_true(i >= 0);
    assert_int_equal(dlog.levels[i], TEVENT_DEBUG_ERROR);
    assert_int_equal(tevent_fd_get_flags(file_fde), TEVENT_FD_READ);

    /* A regular file is always readable under poll. */
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(log_count(&file, RAN_FD), 1);
    assert_int_equal(file.fd_flags, TEVENT_FD_READ);
    talloc_free(file_fde);

    /* The earlier fdes were carried over. */
    write_byte(p[1]);
    for (int n = 0; n < 4; n++) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_true(log_count(&before, RAN_FD) >= 1);
    assert_int_equal(log_count(&idle, RAN_FD), 0);
    tevent_fd_set_flags(idle_fde, TEVENT_FD_READ);
    for (int n = 0; n < 6; n++) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_true(log_count(&idle, RAN_FD) >= 1);

    /* For good: re-initialising keeps poll, no second fallback. */
    assert_int_equal(tevent_re_initialise(ev), 0);
    dlog.n = 0;
    file_fde = tevent_add_fd(ev, mem, fd, TEVENT_FD_READ, log_fd, &file);
    assert_non_null(file_fde);
    assert_int_equal(find_msg(&dlog, "panic_fallback"), -1);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(log_count(&file, RAN_FD), 2);

    talloc_free(mem);
    close(fd);
    close(p[0]);
    close(p[1]);
}

/* An fd closed behind tevent's back while a dup() keeps its file open:
 * freeing its fde cannot remove the kernel registration (EPOLL_CTL_DEL
 * EBADF), which would go on reporting the old file.  The poller re-creates
 * its epoll set before the next wait: the loop neither spins on that
 * report nor hands it to a new fde that got the fd's number. */
static void test_epoll_sheds_stale_registration(void **unused)
{
    (void)unused;
    for (size_t b = 0; b < NBACKENDS; b++) {
        if (strcmp(backends[b], "epoll") != 0 &&
            strcmp(backends[b], "standard") != 0) {
            continue;
        }
        TALLOC_CTX *mem = talloc_new(NULL);
        struct tevent_context *ev = backend_context(mem, backends[b]);
        struct debug_log dlog = {0};
        struct run_log old_log = {0};
        struct run_log new_log = {0};
        int p[2], q[2];
        assert_int_equal(pipe(p), 0);
        assert_int_equal(tevent_set_debug(ev, capture_debug, &dlog), 0);
        struct tevent_fd *fde =
            tevent_add_fd(ev, mem, p[0], TEVENT_FD_READ, log_fd, &old_log);
        assert_non_null(fde);
        write_byte(p[1]);
        int kept = dup(p[0]);
        assert_true(kept >= 0);
        int number = p[0];
        close(p[0]);
        talloc_free(fde);
        assert_true(find_msg(&dlog, "EPOLL_CTL_DEL EBADF") >= 0);

        /* Nothing is armed: the zero wait timeout runs out. */
        tevent_context_set_wait_timeout(ev, 0);
        errno = 0;
        assert_int_equal(tevent_loop_once(ev), -1);
        assert_int_equal(errno, EAGAIN);

        /* The number again, for an empty pipe, while the old file is still
         * open and readable: not called. */
        assert_int_equal(pipe(q), 0);
        assert_int_equal(q[0], number);
        fde = tevent_add_fd(ev, mem, q[0], TEVENT_FD_READ, log_fd, &new_log);
        assert_non_null(fde);
        errno = 0;
        assert_int_equal(tevent_loop_once(ev), -1);
        assert_int_equal(errno, EAGAIN);
        assert_int_equal(new_log.n, 0);
        assert_int_equal(old_log.n, 0);

        talloc_free(mem);
        close(kept);
        close(p[1]);
        close(q[0]);
        close(q[1]);
    }
}

static void test_poll_takes_regular_file(void **unused)
{
    (void)unused;
    for (size_t b = 1; b <= 2; b++) {
        TALLOC_CTX *mem = talloc_new(NULL);
        struct tevent_context *ev = backend_context(mem, backends[b]);
        struct run_log file = {0};
        int fd = regular_file();
        assert_non_null(
            tevent_add_fd(ev, mem, fd, TEVENT_FD_READ, log_fd, &file));
        for (int n = 0; n < 3 && file.n == 0; n++) {
            assert_int_equal(tevent_loop_once(ev), 0);
        }
        assert_int_equal(log_count(&file, RAN_FD), 1);
        talloc_free(mem);
        close(fd);
    }
}

/* The child reports its debug output through a pipe. */
static int g_debug_pipe = -1;

static void debug_to_pipe(void *context, enum tevent_debug_level level,
                          const char *fmt, va_list ap)
{
    char buf[256];
    (void)context;
    int n = vsnprintf(buf + 2, sizeof(buf) - 2, fmt, ap);
    buf[0] = (char)('0' + level);
    buf[1] = ' ';
    if (n > (int)sizeof(buf) - 3) {
        n = (int)sizeof(buf) - 3;
    }
    if (write(g_debug_pipe, buf, (size_t)n + 2) < 0) {
        _exit(20);
    }
}

static void test_epoll_aborts_on_regular_file(void **unused)
{
    (void)unused;
    int dp[2];
    assert_int_equal(pipe(dp), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(dp[0]);
        g_debug_pipe = dp[1];
        struct tevent_context *ev = tevent_context_init_byname(NULL, "epoll");
        if (ev == NULL) {
            _exit(10);
        }
        tevent_set_debug(ev, debug_to_pipe, NULL);
        struct run_log file = {0};
        tevent_add_fd(ev, ev, regular_file(), TEVENT_FD_READ, log_fd, &file);
        _exit(0);
    }
    close(dp[1]);
    char out[1024] = {0};
    size_t len = 0;
    ssize_t n;
    while ((n = read(dp[0], out + len, sizeof(out) - 1 - len)) > 0) {
        len += (size_t)n;
    }
    close(dp[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_non_null(strstr(out, "0 EPOLL_CTL_ADD failed (Operation not "
                                "permitted) replay[0] - calling abort()\n"));
}

/* ------------------------------------------------------------------ */
/* poll_mt: a change made by another thread wakes a loop that sleeps in
 * poll(), under the lock protocol of the trace points. */

struct mt_state {
    pthread_mutex_t lock;
    struct tevent_context *ev;
    struct tevent_fd *fde;
    struct run_log log;
    bool sleeping;
};

static void mt_trace(enum tevent_trace_point tp, void *pd)
{
    struct mt_state *st = pd;
    if (tp == TEVENT_TRACE_BEFORE_WAIT) {
        st->sleeping = true;
        pthread_mutex_unlock(&st->lock);
    } else if (tp == TEVENT_TRACE_AFTER_WAIT) {
        pthread_mutex_lock(&st->lock);
        st->sleeping = false;
    }
}

static void *mt_loop(void *arg)
{
    struct mt_state *st = arg;
    pthread_mutex_lock(&st->lock);
    while (st->log.n == 0) {
        if (tevent_loop_once(st->ev) != 0) {
            break;
        }
    }
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

static void test_poll_mt_wakes_loop(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct mt_state st = {.lock = PTHREAD_MUTEX_INITIALIZER};
    int p[2];
    assert_int_equal(pipe(p), 0);
    write_byte(p[1]);
    st.ev = backend_context(mem, "poll_mt");
    tevent_context_set_wait_timeout(st.ev, UINT32_MAX);
    /* The fd is readable, but nobody asks yet. */
    st.fde = tevent_add_fd(st.ev, mem, p[0], 0, log_fd, &st.log);
    assert_non_null(st.fde);
    tevent_set_trace_callback(st.ev, mt_trace, &st);

    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, mt_loop, &st), 0);
    for (;;) {
        pthread_mutex_lock(&st.lock);
        if (st.sleeping) {
            break;
        }
        pthread_mutex_unlock(&st.lock);
        usleep(1000);
    }
    /* The loop sleeps in poll() (with no wait timeout: without the
     * wakeup the test would hang until its timeout); wake it. */
    usleep(20000);
    tevent_fd_set_flags(st.fde, TEVENT_FD_READ);
    pthread_mutex_unlock(&st.lock);
    assert_int_equal(pthread_join(thread, NULL), 0);

    assert_int_equal(log_count(&st.log, RAN_FD), 1);

    tevent_set_trace_callback(st.ev, NULL, NULL);
    talloc_free(mem);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_once_order),
        cmocka_unit_test(test_wait_timeout_zero),
        cmocka_unit_test(test_init_frees_additional_data),
        cmocka_unit_test(test_fork_child),
        cmocka_unit_test(test_standard_falls_back_to_poll),
        cmocka_unit_test(test_poll_takes_regular_file),
        cmocka_unit_test(test_epoll_aborts_on_regular_file),
        cmocka_unit_test(test_epoll_sheds_stale_registration),
        cmocka_unit_test(test_poll_mt_wakes_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
