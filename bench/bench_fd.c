/* SPDX-License-Identifier: LGPL-3.0-or-later */
/* Workloads of fd events. */
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

/* The handler of fd events that never become readable. */
static void never(struct tevent_context *ev, struct tevent_fd *fde,
                  uint16_t flags, void *private_data)
{
    (void)ev;
    (void)fde;
    (void)flags;
    (void)private_data;
}

/* --- fd_pingpong: one op = a round trip of 1 byte over a socketpair:
 * each end's handler reads it and writes it back --- */

struct pingpong {
    int fds[2];
    unsigned left;
};

static void pp_handler(struct tevent_context *ev, struct tevent_fd *fde,
                       uint16_t flags, void *private_data)
{
    struct pingpong *p = private_data;
    /* the two ends take turns: the parity of `left` says whose turn it is */
    int side = (p->left & 1);
    char c;
    (void)ev;
    (void)fde;
    (void)flags;
    if (read(p->fds[side], &c, 1) != 1) {
        die("read");
    }
    if (--p->left > 0) {
        if (write(p->fds[side], &c, 1) != 1) {
            die("write");
        }
    }
}

MEASURED void measured_pingpong(struct tevent_context *ev, struct pingpong *p)
{
    char c = 'x';
    /* side (left & 1) reads next: start by writing to the other end */
    if (write(p->fds[(p->left & 1) ^ 1], &c, 1) != 1) {
        die("write");
    }
    while (p->left > 0) {
        tevent_loop_once(ev);
    }
}

/* Runs a->ops round trips with `idle` idle READ fd events registered first. */
static double pingpong(const struct bench_args *a, unsigned idle)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    int *idle_fds = talloc_array(mem, int, idle);
    struct pingpong p = {{-1, -1}, 2 * a->ops};

    /* eventfds with a zero counter never become readable */
    for (unsigned i = 0; i < idle; i++) {
        idle_fds[i] = eventfd(0, EFD_NONBLOCK);
        if (idle_fds[i] < 0) {
            die("eventfd");
        }
        if (tevent_add_fd(ev, mem, idle_fds[i], TEVENT_FD_READ, never, NULL) ==
            NULL) {
            die("tevent_add_fd");
        }
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, p.fds) != 0) {
        die("socketpair");
    }
    tevent_add_fd(ev, mem, p.fds[0], TEVENT_FD_READ, pp_handler, &p);
    tevent_add_fd(ev, mem, p.fds[1], TEVENT_FD_READ, pp_handler, &p);

    double t = now_ns();
    measured_pingpong(ev, &p);
    t = now_ns() - t;

    talloc_free(ev);
    for (unsigned i = 0; i < idle; i++) {
        close(idle_fds[i]);
    }
    close(p.fds[0]);
    close(p.fds[1]);
    talloc_free(mem);
    return t / a->ops;
}

double bench_fd_pingpong(const struct bench_args *a)
{
    return pingpong(a, 0);
}

/* --- fd_many: the ping-pong with param idle READ fds registered --- */

double bench_fd_many(const struct bench_args *a)
{
    return pingpong(a, a->param);
}

/* --- fd_add_free: one op = add an fd event on a distinct fd, then free
 * it, with one loop iteration in between so that poll-style backends
 * build their arrays --- */

static void timer_done(struct tevent_context *ev, struct tevent_timer *te,
                       struct timeval now, void *private_data)
{
    (void)ev;
    (void)te;
    (void)now;
    *(int *)private_data = 1;
}

MEASURED void measured_fd_add_free(struct tevent_context *ev, TALLOC_CTX *mem,
                                   const int *fds, struct tevent_fd **fdes,
                                   unsigned n)
{
    int fired = 0;
    for (unsigned i = 0; i < n; i++) {
        fdes[i] = tevent_add_fd(ev, mem, fds[i], TEVENT_FD_READ, never, NULL);
    }
    tevent_add_timer(ev, mem, tevent_timeval_zero(), timer_done, &fired);
    while (!fired) {
        tevent_loop_once(ev);
    }
    for (unsigned i = 0; i < n; i++) {
        talloc_free(fdes[i]);
    }
}

double bench_fd_add_free(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    unsigned n = a->ops;
    int *fds = talloc_array(mem, int, n);
    struct tevent_fd **fdes = talloc_array(mem, struct tevent_fd *, n);

    for (unsigned i = 0; i < n; i++) {
        fds[i] = eventfd(0, EFD_NONBLOCK);
        if (fds[i] < 0) {
            die("eventfd");
        }
    }
    double t = now_ns();
    measured_fd_add_free(ev, mem, fds, fdes, n);
    t = now_ns() - t;
    for (unsigned i = 0; i < n; i++) {
        close(fds[i]);
    }
    talloc_free(mem);
    return t / n;
}
