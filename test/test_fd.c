/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * fd events under the backend named by TEVENT_TEST_BACKEND: dispatch and
 * the flags argument, handler arguments, talloc placement, close
 * functions, freeing from handlers, several fdes on one fd, error and
 * hang-up semantics, fairness and closed fds.
 *
 * Builds against Debian's 0.14 header too (for a differential run against
 * the reference library); the TEVENT_FD_ERROR parts need 0.17.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <unistd.h>

#include "test_util.h"

/* ------------------------------------------------------------------ */
/* Helpers */

static bool backend_is_epoll(void)
{
    const char *b = test_backend();
    return b == NULL || strcmp(b, "epoll") == 0 || strcmp(b, "standard") == 0;
}

static void make_socketpair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

static void write_byte(int fd)
{
    char c = 'x';
    assert_int_equal(write(fd, &c, 1), 1);
}

static bool fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

/* Handler calls of all fdes of the running test. */
static int g_calls;

/* What one fde's handler saw. */
struct rec {
    int calls;
    uint16_t flags;
    struct tevent_context *ev;
    struct tevent_fd *fde;
    void *private_data;
};

static void rec_handler(struct tevent_context *ev, struct tevent_fd *fde,
                        uint16_t flags, void *private_data)
{
    struct rec *r = private_data;
    g_calls++;
    r->calls++;
    r->flags = flags;
    r->ev = ev;
    r->fde = fde;
    r->private_data = private_data;
}

static void count_marker(struct tevent_context *ev, struct tevent_fd *fde,
                         uint16_t flags, void *private_data)
{
    int *runs = private_data;
    (void)ev;
    (void)fde;
    (void)flags;
    *runs += 1;
}

/* Runs the loop until an fd of its own, kept readable, was served twice;
 * every iteration must succeed.  One handler runs per iteration and ready
 * fds take turns, so by then whatever else the kernel reports has been
 * handed to the loop: used to show that some fde is *not* called, without
 * a clock.  The marker's fds are numbered high, clear of the fd numbers a
 * test closed behind tevent's back. */
static void settle(struct tevent_context *ev)
{
    int p[2], marker[2];
    int runs = 0;
    /* 512, or the top two numbers under a lower descriptor limit. */
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    int high = rl.rlim_cur > 514 ? 512 : (int)rl.rlim_cur - 2;
    assert_int_equal(pipe(p), 0);
    for (int i = 0; i < 2; i++) {
        marker[i] = fcntl(p[i], F_DUPFD_CLOEXEC, high);
        assert_true(marker[i] >= high);
        close(p[i]);
    }
    write_byte(marker[1]);
    struct tevent_fd *fde =
        tevent_add_fd(ev, ev, marker[0], TEVENT_FD_READ, count_marker, &runs);
    assert_non_null(fde);
    for (int i = 0; i < 16 && runs < 2; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(runs, 2);
    talloc_free(fde);
    close(marker[0]);
    close(marker[1]);
}

/* Iterates until some handler ran (poll_mt may first spend iterations on
 * its own wakeups), and checks that one iteration ran exactly one. */
static void step(struct tevent_context *ev)
{
    int before = g_calls;
    for (int i = 0; i < 8 && g_calls == before; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(g_calls, before + 1);
}

/* ------------------------------------------------------------------ */
/* Creation */

static void test_negative_fd(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec r = {0};

    errno = 1234;
    assert_null(tevent_add_fd(ev, mem, -1, TEVENT_FD_READ, rec_handler, &r));
    assert_int_equal(errno, 1234);
    talloc_free(mem);
}

static void test_talloc_placement(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec r = {0};
    int sv[2];
    make_socketpair(sv);

    struct tevent_fd *on_mem =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, rec_handler, &r);
    assert_non_null(on_mem);
    assert_ptr_equal(talloc_parent(on_mem), mem);
    assert_string_equal(talloc_get_name(on_mem), "struct tevent_fd");

    struct tevent_fd *on_ev =
        tevent_add_fd(ev, NULL, sv[1], TEVENT_FD_READ, rec_handler, &r);
    assert_non_null(on_ev);
    assert_ptr_equal(talloc_parent(on_ev), ev);
    assert_string_equal(talloc_get_name(on_ev), "struct tevent_fd");

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

/* ------------------------------------------------------------------ */
/* Dispatch */

static void test_read_dispatch(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec r = {0};
    int sv[2];
    make_socketpair(sv);

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, rec_handler, &r);
    assert_non_null(fde);
    assert_int_equal(tevent_fd_get_flags(fde), TEVENT_FD_READ);

    settle(ev);
    assert_int_equal(r.calls, 0);

    write_byte(sv[1]);
    step(ev);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.flags, TEVENT_FD_READ);
    assert_ptr_equal(r.ev, ev);
    assert_ptr_equal(r.fde, fde);
    assert_ptr_equal(r.private_data, &r);

    /* Level triggered: still readable, called again. */
    step(ev);
    assert_int_equal(r.calls, 2);

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

static void test_write_dispatch(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec r = {0};
    int sv[2];
    make_socketpair(sv);

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_WRITE, rec_handler, &r);
    assert_non_null(fde);
    step(ev);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.flags, TEVENT_FD_WRITE);

    /* Only what the fde asked for and what is ready is reported. */
    tevent_fd_set_flags(fde, TEVENT_FD_READ | TEVENT_FD_WRITE);
    assert_int_equal(tevent_fd_get_flags(fde),
                     TEVENT_FD_READ | TEVENT_FD_WRITE);
    step(ev);
    assert_int_equal(r.calls, 2);
    assert_int_equal(r.flags, TEVENT_FD_WRITE);

    write_byte(sv[1]);
    step(ev);
    assert_int_equal(r.calls, 3);
    assert_int_equal(r.flags, TEVENT_FD_READ | TEVENT_FD_WRITE);

    tevent_fd_set_flags(fde, TEVENT_FD_READ);
    step(ev);
    assert_int_equal(r.calls, 4);
    assert_int_equal(r.flags, TEVENT_FD_READ);

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

static void test_flags_zero_inactive(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec r = {0};
    int sv[2];
    make_socketpair(sv);
    write_byte(sv[1]);

    struct tevent_fd *fde = tevent_add_fd(ev, mem, sv[0], 0, rec_handler, &r);
    assert_non_null(fde);
    assert_int_equal(tevent_fd_get_flags(fde), 0);
    settle(ev);
    assert_int_equal(r.calls, 0);

    tevent_fd_set_flags(fde, TEVENT_FD_READ);
    step(ev);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.flags, TEVENT_FD_READ);

    tevent_fd_set_flags(fde, 0);
    settle(ev);
    assert_int_equal(r.calls, 1);

#ifdef TEVENT_FD_ERROR
    /* An inactive fde does not keep tevent_loop_wait() running (0.15+). */
    assert_int_equal(tevent_loop_wait(ev), 0);
#endif

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

/* ------------------------------------------------------------------ */
/* close functions */

enum { EV_DETACH = 1, EV_CLOSE = 2 };

struct close_log {
    int events[8];
    int n;
    struct tevent_context *ev;
    struct tevent_fd *fde;
    int fd;
    void *private_data;
    bool fd_open_in_close_fn;
};

static struct close_log *g_close_log;

static void log_close_fn(struct tevent_context *ev, struct tevent_fd *fde,
                         int fd, void *private_data)
{
    struct close_log *log = g_close_log;
    log->events[log->n++] = EV_CLOSE;
    log->ev = ev;
    log->fde = fde;
    log->fd = fd;
    log->private_data = private_data;
    log->fd_open_in_close_fn = fd_is_open(fd);
}

static void log_fd_trace(struct tevent_fd *fde,
                         enum tevent_event_trace_point tp, void *private_data)
{
    struct close_log *log = private_data;
    (void)fde;
    if (tp == TEVENT_EVENT_TRACE_DETACH) {
        log->events[log->n++] = EV_DETACH;
    }
}

static void test_close_fn(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct close_log log = {0};
    struct rec r = {0};
    int sv[2];
    make_socketpair(sv);
    g_close_log = &log;
    tevent_set_trace_fd_callback(ev, log_fd_trace, &log);

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, rec_handler, &r);
    assert_non_null(fde);
    tevent_fd_set_close_fn(fde, log_close_fn);
    assert_int_equal(talloc_free(fde), 0);

    /* Deregistered (DETACH) first, then the close function, once. */
    assert_int_equal(log.n, 2);
    assert_int_equal(log.events[0], EV_DETACH);
    assert_int_equal(log.events[1], EV_CLOSE);
    assert_ptr_equal(log.ev, ev);
    assert_ptr_equal(log.fde, fde);
    assert_int_equal(log.fd, sv[0]);
    assert_ptr_equal(log.private_data, &r);
    assert_true(log.fd_open_in_close_fn);
    /* A close function does not close the fd by itself. */
    assert_true(fd_is_open(sv[0]));

    tevent_set_trace_fd_callback(ev, NULL, NULL);
    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

static void test_auto_close(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct close_log log = {0};
    struct rec r = {0};
    int sv[2];
    make_socketpair(sv);
    g_close_log = &log;

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, rec_handler, &r);
    assert_non_null(fde);
    /* auto_close replaces an earlier close function. */
    tevent_fd_set_close_fn(fde, log_close_fn);
    tevent_fd_set_auto_close(fde);
    talloc_free(fde);
    assert_int_equal(log.n, 0);
    assert_false(fd_is_open(sv[0]));

    /* And a close function set after auto_close wins. */
    fde = tevent_add_fd(ev, mem, sv[1], TEVENT_FD_READ, rec_handler, &r);
    assert_non_null(fde);
    tevent_fd_set_auto_close(fde);
    tevent_fd_set_close_fn(fde, log_close_fn);
    talloc_free(fde);
    assert_int_equal(log.n, 1);
    assert_true(fd_is_open(sv[1]));

    talloc_free(mem);
    close(sv[1]);
}

/* Freeing the context first: the fde survives detached, and its close
 * function later runs without a context. */
static void test_close_fn_after_context_free(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct close_log log = {0};
    struct rec r = {0};
    int sv[2];
    make_socketpair(sv);
    g_close_log = &log;

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, rec_handler, &r);
    assert_non_null(fde);
    tevent_fd_set_close_fn(fde, log_close_fn);
    talloc_free(ev);
    assert_int_equal(log.n, 0);
    assert_int_equal(tevent_fd_get_flags(fde), 0);
    talloc_free(fde);
    assert_int_equal(log.n, 1);
    assert_null(log.ev);
    assert_int_equal(log.fd, sv[0]);

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

/* ------------------------------------------------------------------ */
/* Freeing from handlers */

struct self_free {
    int calls;
    int free_ret;
    int close_calls_during_free;
    bool memory_freed;
    bool memory_freed_during_free;
};

static void count_close_fn(struct tevent_context *ev, struct tevent_fd *fde,
                           int fd, void *private_data)
{
    (void)ev;
    (void)fde;
    (void)fd;
    (void)private_data;
    g_close_log->n++;
}

/* A talloc child of the fde reports when the fde memory really goes. */
struct free_probe {
    bool *freed;
};

static int free_probe_destructor(struct free_probe *p)
{
    *p->freed = true;
    return 0;
}

static void self_free_handler(struct tevent_context *ev, struct tevent_fd *fde,
                              uint16_t flags, void *private_data)
{
    struct self_free *s = private_data;
    (void)ev;
    (void)flags;
    g_calls++;
    s->calls++;
    s->free_ret = talloc_free(fde);
    s->close_calls_during_free = g_close_log->n;
    s->memory_freed_during_free = s->memory_freed;
}

static void test_free_in_own_handler(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct close_log log = {0};
    struct self_free s = {0};
    int sv[2];
    make_socketpair(sv);
    g_close_log = &log;
    write_byte(sv[1]);

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, self_free_handler, &s);
    assert_non_null(fde);
    tevent_fd_set_close_fn(fde, count_close_fn);
    struct free_probe *probe = talloc(fde, struct free_probe);
    assert_non_null(probe);
    probe->freed = &s.memory_freed;
    talloc_set_destructor(probe, free_probe_destructor);

    step(ev);
    assert_int_equal(s.calls, 1);
    /* Deferred: talloc_free() fails, the close function runs at once,
     * the memory goes when the handler has returned. */
    assert_int_equal(s.free_ret, -1);
    assert_int_equal(s.close_calls_during_free, 1);
    assert_false(s.memory_freed_during_free);
    assert_true(s.memory_freed);
    assert_int_equal(log.n, 1);

    /* Gone for good: the fd is still readable, but nobody is called. */
    settle(ev);
    assert_int_equal(s.calls, 1);
    assert_int_equal(log.n, 1);

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

struct free_other {
    struct tevent_fd *victim;
    int calls;
};

static void free_other_handler(struct tevent_context *ev, struct tevent_fd *fde,
                               uint16_t flags, void *private_data)
{
    struct free_other *f = private_data;
    (void)ev;
    (void)fde;
    (void)flags;
    g_calls++;
    f->calls++;
    if (f->victim != NULL) {
        assert_int_equal(talloc_free(f->victim), 0);
        f->victim = NULL;
    }
}

static void test_free_other_in_handler(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct free_other a = {0};
    struct free_other b = {0};
    int sv[2];
    make_socketpair(sv);
    write_byte(sv[1]);

    /* Both on the same readable fd: whichever runs first frees the
     * other one, which then never runs. */
    struct tevent_fd *fa =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, free_other_handler, &a);
    struct tevent_fd *fb =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, free_other_handler, &b);
    assert_non_null(fa);
    assert_non_null(fb);
    a.victim = fb;
    b.victim = fa;
    for (int i = 0; i < 4; i++) {
        step(ev);
    }
    assert_int_equal(a.calls + b.calls, 4);
    assert_true(a.calls == 0 || b.calls == 0);

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

/* ------------------------------------------------------------------ */
/* Several fdes on one fd */

#define NFDE 5

struct multi {
    int order[64];
    uint16_t flags[64];
    int n;
};

struct multi_fde {
    struct multi *m;
    int id;
};

static void multi_handler(struct tevent_context *ev, struct tevent_fd *fde,
                          uint16_t flags, void *private_data)
{
    struct multi_fde *mf = private_data;
    (void)ev;
    (void)fde;
    g_calls++;
    assert_true(mf->m->n < 64);
    mf->m->order[mf->m->n] = mf->id;
    mf->m->flags[mf->m->n] = flags;
    mf->m->n++;
}

/* Every round of `count` consecutive calls runs each active fde once. */
static void assert_rounds(const struct multi *m, int count)
{
    for (int start = 0; start + count <= m->n; start += count) {
        for (int i = start; i < start + count; i++) {
            for (int j = i + 1; j < start + count; j++) {
                assert_int_not_equal(m->order[i], m->order[j]);
            }
        }
    }
}

static void test_same_fd_round_robin(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct multi m = {0};
    struct multi_fde mf[NFDE];
    struct tevent_fd *fde[NFDE];
    int sv[2];
    make_socketpair(sv);
    write_byte(sv[1]);

    for (int i = 0; i < NFDE; i++) {
        mf[i] = (struct multi_fde){.m = &m, .id = i};
        fde[i] = tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, multi_handler,
                               &mf[i]);
        assert_non_null(fde[i]);
    }
    for (int i = 0; i < 4 * NFDE; i++) {
        step(ev);
    }
    assert_int_equal(m.n, 4 * NFDE);
    assert_rounds(&m, NFDE);
    for (int i = 0; i < m.n; i++) {
        assert_int_equal(m.flags[i], TEVENT_FD_READ);
    }

    /* Remove the oldest and the newest; the rest keep their rounds. */
    talloc_free(fde[0]);
    talloc_free(fde[NFDE - 1]);
    m.n = 0;
    for (int i = 0; i < 3 * (NFDE - 2); i++) {
        step(ev);
    }
    assert_rounds(&m, NFDE - 2);
    for (int i = 0; i < m.n; i++) {
        assert_true(m.order[i] != 0 && m.order[i] != NFDE - 1);
    }

    /* Disabling all but one leaves that one alone. */
    tevent_fd_set_flags(fde[1], 0);
    tevent_fd_set_flags(fde[2], 0);
    m.n = 0;
    for (int i = 0; i < 3; i++) {
        step(ev);
    }
    for (int i = 0; i < m.n; i++) {
        assert_int_equal(m.order[i], 3);
    }
    assert_int_equal(m.n, 3);

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

static void test_same_fd_mixed_flags(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct multi m = {0};
    struct multi_fde mf[4];
    const uint16_t want[4] = {TEVENT_FD_WRITE, 0, TEVENT_FD_READ,
                              TEVENT_FD_READ | TEVENT_FD_WRITE};
    int sv[2];
    make_socketpair(sv);

    for (int i = 0; i < 4; i++) {
        mf[i] = (struct multi_fde){.m = &m, .id = i};
        assert_non_null(
            tevent_add_fd(ev, mem, sv[0], want[i], multi_handler, &mf[i]));
    }

    /* Only writable: the two fdes that want WRITE alternate. */
    for (int i = 0; i < 6; i++) {
        step(ev);
    }
    assert_rounds(&m, 2);
    for (int i = 0; i < m.n; i++) {
        assert_true(m.order[i] == 0 || m.order[i] == 3);
        assert_int_equal(m.flags[i], TEVENT_FD_WRITE);
    }

    /* Readable and writable: three fdes, each gets its share. */
    write_byte(sv[1]);
    m.n = 0;
    for (int i = 0; i < 9; i++) {
        step(ev);
    }
    assert_rounds(&m, 3);
    for (int i = 0; i < m.n; i++) {
        assert_int_not_equal(m.order[i], 1);
        assert_int_equal(m.flags[i], want[m.order[i]]);
    }

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

/* An fde with flags 0 is not part of the active registration of its fd:
 * freeing it leaves the other fdes on that fd working. */
static void test_free_inactive_on_watched_fd(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec idle = {0};
    struct rec active = {0};
    int sv[2];
    make_socketpair(sv);

    struct tevent_fd *fidle =
        tevent_add_fd(ev, mem, sv[0], 0, rec_handler, &idle);
    assert_non_null(fidle);
    assert_non_null(
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, rec_handler, &active));
    talloc_free(fidle);

    write_byte(sv[1]);
    step(ev);
    assert_int_equal(active.calls, 1);
    assert_int_equal(idle.calls, 0);

    talloc_free(mem);
    close(sv[0]);
    close(sv[1]);
}

#ifdef TEVENT_FD_ERROR
/* Upstream's testsuite fd3, shortened: nine fdes on one socket whose
 * flags change from phase to phase while the socket's state changes; in
 * each round every fde that wants some of what is ready runs once, with
 * exactly those flags. */

#define R TEVENT_FD_READ
#define W TEVENT_FD_WRITE
#define E TEVENT_FD_ERROR

static void fill_socket(int fd)
{
    char buf[4096] = {0};
    assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
    while (write(fd, buf, sizeof(buf)) > 0) {
    }
    assert_int_equal(errno, EAGAIN);
}

static void run_phase(struct tevent_context *ev, struct tevent_fd *fde[9],
                      struct multi *m, const uint16_t flags[9], uint16_t ready,
                      int expected_count)
{
    for (int i = 0; i < 9; i++) {
        tevent_fd_set_flags(fde[i], flags[i]);
    }
    m->n = 0;
    for (int i = 0; i < 3 * expected_count; i++) {
        step(ev);
    }
    assert_rounds(m, expected_count);
    for (int i = 0; i < m->n; i++) {
        uint16_t want = flags[m->order[i]];
        assert_true((want & ready) != 0);
        /* (After an error, WRITE alone is never reported.) */
        assert_true((want & (R | E)) != 0 || (ready & E) == 0);
        assert_int_equal(m->flags[i], want & ready);
    }
}

static void test_same_fd_phases(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct multi m = {0};
    struct multi_fde mf[9];
    struct tevent_fd *fde[9];
    int sv[2];
    make_socketpair(sv);

    for (int i = 0; i < 9; i++) {
        mf[i] = (struct multi_fde){.m = &m, .id = i};
        fde[i] = tevent_add_fd(ev, mem, sv[1], i == 0 ? R : 0, multi_handler,
                               &mf[i]);
        assert_non_null(fde[i]);
    }

    const uint16_t writeable[9] = {W, 0, R, W, R | W, R, W, R | W, 0};
    run_phase(ev, fde, &m, writeable, W, 5);

    write_byte(sv[0]);
    const uint16_t all[9] = {R | W | E, R | W | E, R | W | E,
                             R | W | E, R | W | E, R | W | E,
                             R | W | E, R | W | E, R | W | E};
    run_phase(ev, fde, &m, all, R | W, 9);
    const uint16_t readable[9] = {R, R | W, R | W | E, 0,    R,
                                  W, E,     W | E,     R | W};
    run_phase(ev, fde, &m, readable, R | W, 7);

    fill_socket(sv[1]);
    const uint16_t mixed[9] = {R | W, W,     R | W | E, 0, R | W | E,
                               W | E, R | E, E,         R};
    run_phase(ev, fde, &m, mixed, R, 5);

    close(sv[0]);
    run_phase(ev, fde, &m, mixed, R | W | E, 7);

    talloc_free(mem);
    close(sv[1]);
}

#undef R
#undef W
#undef E
#endif

/* ------------------------------------------------------------------ */
/* Errors and hang-up */

static void test_hangup_read(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec r = {0};
    int p[2];
    assert_int_equal(pipe(p), 0);

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, p[0], TEVENT_FD_READ, rec_handler, &r);
    assert_non_null(fde);
    /* A pipe whose writer is gone reports only a hang-up. */
    close(p[1]);
    step(ev);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.flags, TEVENT_FD_READ);

    talloc_free(mem);
    close(p[0]);
}

static void test_hangup_write_only(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec r = {0};
    int sv[2];
    make_socketpair(sv);

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_WRITE, rec_handler, &r);
    assert_non_null(fde);
    close(sv[1]);
    /* The error is not reported: WRITE is dropped instead. */
    settle(ev);
    assert_int_equal(r.calls, 0);
    assert_int_equal(tevent_fd_get_flags(fde), 0);

    talloc_free(mem);
    close(sv[0]);
}

/* A WRITE-only fde next to a READ fde on the same fd after hang-up: the
 * reader is told; poll drops the writer's WRITE, epoll (one registration
 * that still has a reader) leaves it alone and never calls it. */
static void test_hangup_write_only_with_reader(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec rd = {0};
    struct rec wr = {0};
    int sv[2];
    make_socketpair(sv);

    struct tevent_fd *frd =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, rec_handler, &rd);
    struct tevent_fd *fwr =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_WRITE, rec_handler, &wr);
    assert_non_null(frd);
    assert_non_null(fwr);
    close(sv[1]);
    for (int i = 0; i < 4; i++) {
        step(ev);
    }
    assert_int_equal(rd.calls, 4);
    assert_int_equal(rd.flags, TEVENT_FD_READ);
    assert_int_equal(wr.calls, 0);
    assert_int_equal(tevent_fd_get_flags(fwr),
                     backend_is_epoll() ? TEVENT_FD_WRITE : 0);

    talloc_free(mem);
    close(sv[0]);
}

#ifdef TEVENT_FD_ERROR
static void test_error_only(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec r = {0};
    int sv[2];
    make_socketpair(sv);
    write_byte(sv[1]);

    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_ERROR, rec_handler, &r);
    assert_non_null(fde);
    /* Readable and writable, but no error: not called. */
    settle(ev);
    assert_int_equal(r.calls, 0);

    close(sv[1]);
    step(ev);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.flags, TEVENT_FD_ERROR);

    talloc_free(mem);
    close(sv[0]);
}

static void test_error_with_read_write(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct rec r = {0};
    int p[2];
    assert_int_equal(pipe(p), 0);

    /* READ|ERROR on a hung-up pipe: both are reported. */
    struct tevent_fd *fde = tevent_add_fd(
        ev, mem, p[0], TEVENT_FD_READ | TEVENT_FD_ERROR, rec_handler, &r);
    assert_non_null(fde);
    close(p[1]);
    step(ev);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.flags, TEVENT_FD_READ | TEVENT_FD_ERROR);
    talloc_free(fde);

    /* WRITE|ERROR on a pipe whose reader is gone: ERROR (and WRITE, as
     * the pipe is also writable, i.e. write() fails at once). */
    assert_int_equal(pipe(p), 0);
    fde = tevent_add_fd(ev, mem, p[1], TEVENT_FD_WRITE | TEVENT_FD_ERROR,
                        rec_handler, &r);
    assert_non_null(fde);
    close(p[0]);
    r.calls = 0;
    step(ev);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.flags, TEVENT_FD_WRITE | TEVENT_FD_ERROR);

    talloc_free(mem);
    close(p[1]);
}
#endif

/* ------------------------------------------------------------------ */
/* Fairness */

static void test_fairness_two_fds(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct multi m = {0};
    struct multi_fde mf[3];
    int sv[3][2];

    for (int i = 0; i < 3; i++) {
        make_socketpair(sv[i]);
        write_byte(sv[i][1]);
        mf[i] = (struct multi_fde){.m = &m, .id = i};
        assert_non_null(tevent_add_fd(ev, mem, sv[i][0], TEVENT_FD_READ,
                                      multi_handler, &mf[i]));
    }
    /* Always-ready fds take turns. */
    for (int i = 0; i < 15; i++) {
        step(ev);
    }
    assert_int_equal(m.n, 15);
    assert_rounds(&m, 3);

    talloc_free(mem);
    for (int i = 0; i < 3; i++) {
        close(sv[i][0]);
        close(sv[i][1]);
    }
}

/* Among ready fds poll runs the newest fde first and puts the one that
 * ran behind all others; epoll gets one ready fd from the kernel at a
 * time, so only the turns are fixed there.  An fde that was idle and is
 * armed again keeps its place. */
static void test_dispatch_order_among_fds(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct multi m = {0};
    struct multi_fde mf[4];
    struct tevent_fd *fde[4];
    int sv[4][2];

    for (int i = 0; i < 4; i++) {
        make_socketpair(sv[i]);
        write_byte(sv[i][1]);
        mf[i] = (struct multi_fde){.m = &m, .id = i};
        fde[i] = tevent_add_fd(ev, mem, sv[i][0], i == 1 ? 0 : TEVENT_FD_READ,
                               multi_handler, &mf[i]);
        assert_non_null(fde[i]);
    }
    /* fde 1 joins in while fdes 3 and 2 have run already. */
    step(ev);
    step(ev);
    tevent_fd_set_flags(fde[1], TEVENT_FD_READ);
    for (int i = 0; i < 10; i++) {
        step(ev);
    }
    assert_int_equal(m.n, 12);
    if (backend_is_epoll()) {
        assert_int_not_equal(m.order[0], m.order[1]);
        assert_int_not_equal(m.order[0], 1);
        assert_int_not_equal(m.order[1], 1);
        for (int start = 2; start + 4 <= 12; start += 4) {
            for (int i = start; i < start + 4; i++) {
                for (int j = i + 1; j < start + 4; j++) {
                    assert_int_not_equal(m.order[i], m.order[j]);
                }
            }
        }
    } else {
        const int expect[12] = {3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0};
        for (int i = 0; i < 12; i++) {
            assert_int_equal(m.order[i], expect[i]);
        }
    }

    talloc_free(mem);
    for (int i = 0; i < 4; i++) {
        close(sv[i][0]);
        close(sv[i][1]);
    }
}

/* ------------------------------------------------------------------ */
/* An fd closed behind tevent's back */

struct debug_log {
    int n;
    enum tevent_debug_level levels[16];
    char msgs[16][256];
};

static void capture_debug(void *context, enum tevent_debug_level level,
                          const char *fmt, va_list ap)
{
    struct debug_log *log = context;
    if (log->n < 16) {
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

static void test_closed_fd_is_disarmed(void **unused)
{
    (void)unused;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct debug_log dlog = {0};
    struct close_log clog = {0};
    struct rec r = {0};
    int p[2];
    g_close_log = &clog;
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    close(p[1]);
    assert_int_equal(tevent_set_debug(ev, capture_debug, &dlog), 0);

    /* Not yet open: epoll refuses it at once, poll on its first wait. */
    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, p[0], TEVENT_FD_READ, rec_handler, &r);
    assert_non_null(fde);
    tevent_fd_set_close_fn(fde, log_close_fn);
    if (backend_is_epoll()) {
        assert_int_equal(tevent_fd_get_flags(fde), 0);
        int i = find_msg(&dlog, "EPOLL_CTL_ADD EBADF for primary[fde=");
        assert_true(i >= 0);
        assert_int_equal(dlog.levels[i], TEVENT_DEBUG_ERROR);
        assert_non_null(strstr(dlog.msgs[i], "- disabling"));
        settle(ev);
    } else {
        assert_int_equal(tevent_fd_get_flags(fde), TEVENT_FD_READ);
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_int_equal(tevent_fd_get_flags(fde), 0);
        char expect[64];
        snprintf(expect, sizeof(expect), "POLLNVAL on fde[%p] fd[%d]",
                 (void *)fde, p[0]);
        int i = find_msg(&dlog, expect);
        assert_true(i >= 0);
        assert_int_equal(dlog.levels[i], TEVENT_DEBUG_ERROR);
        /* When no handler ran in that iteration (poll_mt's wakeup fd is
         * pending here), the slot is then reported as dangling too. */
        i = find_msg(&dlog, "POLLNVAL on dangling fd[");
        if (strcmp(test_backend(), "poll") == 0) {
            assert_true(i >= 0);
            assert_int_equal(dlog.levels[i], TEVENT_DEBUG_WARNING);
        } else {
            assert_int_equal(i, -1);
        }
        settle(ev);
    }
    assert_int_equal(r.calls, 0);

    /* Disarmed: detached from the context. */
    tevent_fd_set_flags(fde, TEVENT_FD_READ);
    assert_int_equal(tevent_fd_get_flags(fde), 0);
    talloc_free(fde);
    if (backend_is_epoll()) {
        /* Detached before tevent_fd_set_close_fn() could store it. */
        assert_int_equal(clog.n, 0);
    } else {
        assert_int_equal(clog.n, 1);
        assert_null(clog.ev);
        assert_int_equal(clog.fd, p[0]);
    }

    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negative_fd),
        cmocka_unit_test(test_talloc_placement),
        cmocka_unit_test(test_read_dispatch),
        cmocka_unit_test(test_write_dispatch),
        cmocka_unit_test(test_flags_zero_inactive),
        cmocka_unit_test(test_close_fn),
        cmocka_unit_test(test_auto_close),
        cmocka_unit_test(test_close_fn_after_context_free),
        cmocka_unit_test(test_free_in_own_handler),
        cmocka_unit_test(test_free_other_in_handler),
        cmocka_unit_test(test_same_fd_round_robin),
        cmocka_unit_test(test_same_fd_mixed_flags),
        cmocka_unit_test(test_free_inactive_on_watched_fd),
#ifdef TEVENT_FD_ERROR
        cmocka_unit_test(test_same_fd_phases),
#endif
        cmocka_unit_test(test_hangup_read),
        cmocka_unit_test(test_hangup_write_only),
        cmocka_unit_test(test_hangup_write_only_with_reader),
#ifdef TEVENT_FD_ERROR
        cmocka_unit_test(test_error_only),
        cmocka_unit_test(test_error_with_read_write),
#endif
        cmocka_unit_test(test_fairness_two_fds),
        cmocka_unit_test(test_dispatch_order_among_fds),
        cmocka_unit_test(test_closed_fd_is_disarmed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
