/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Micro-benchmarks of the hot paths of libtevent.  The same binary runs
 * against any libtevent.so.0 (bench/run.sh switches LD_LIBRARY_PATH), so it
 * only calls entry points that already existed in tevent 0.14.
 *
 * Usage: bench [workload ...]   (default: all)
 * Prints one line per workload: "<name> <ns per operation>", or for the
 * *_bytes workloads "<name> <talloc bytes per object>".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "bench: %s failed: %s\n", what, strerror(errno));
    exit(1);
}

/* --- immediates: one immediate rescheduling itself N times --- */

struct imm_state {
    unsigned left;
};

static void imm_handler(struct tevent_context *ev, struct tevent_immediate *im,
                        void *private_data)
{
    struct imm_state *s = private_data;
    if (--s->left > 0) {
        tevent_schedule_immediate(im, ev, imm_handler, s);
    }
}

static double bench_immediate(unsigned n)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem);
    struct tevent_immediate *im = tevent_create_immediate(mem);
    struct imm_state s = {n};
    double t0 = now_ns();

    tevent_schedule_immediate(im, ev, imm_handler, &s);
    while (s.left > 0) {
        tevent_loop_once(ev);
    }
    t0 = now_ns() - t0;
    talloc_free(mem);
    return t0 / n;
}

/* --- timers: n timers with pseudo-random deadlines, all already due --- */

static void timer_handler(struct tevent_context *ev, struct tevent_timer *te,
                          struct timeval now, void *private_data)
{
    unsigned *fired = private_data;
    (void)ev;
    (void)te;
    (void)now;
    *fired += 1;
}

static double bench_timers(unsigned n)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem);
    unsigned fired = 0;
    unsigned seed = 12345;
    double t0 = now_ns();

    for (unsigned i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        struct timeval tv =
            tevent_timeval_set(1000 + (seed >> 16) % 100000, seed % 1000000);
        if (tevent_add_timer(ev, ev, tv, timer_handler, &fired) == NULL) {
            die("tevent_add_timer");
        }
    }
    while (fired < n) {
        tevent_loop_once(ev);
    }
    t0 = now_ns() - t0;
    talloc_free(mem);
    return t0 / n;
}

/* --- timer churn: arm a far timeout and cancel it, as endtimes do --- */

static double bench_timer_churn(unsigned n)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem);
    unsigned fired = 0;
    /* a standing population of timers, like a busy server has */
    for (unsigned i = 0; i < 1000; i++) {
        tevent_add_timer(ev, ev, tevent_timeval_current_ofs(3600 + i, 0),
                         timer_handler, &fired);
    }
    double t0 = now_ns();
    for (unsigned i = 0; i < n; i++) {
        struct tevent_timer *te =
            tevent_add_timer(ev, ev, tevent_timeval_current_ofs(60, i % 1000),
                             timer_handler, &fired);
        talloc_free(te);
    }
    t0 = now_ns() - t0;
    talloc_free(mem);
    return t0 / n;
}

/* --- fd ping-pong over a socketpair --- */

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

static double bench_fd_pingpong(unsigned n, const char *backend)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    struct pingpong p = {{-1, -1}, n};
    char c = 'x';

    if (ev == NULL) {
        die("tevent_context_init_byname");
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, p.fds) != 0) {
        die("socketpair");
    }
    tevent_add_fd(ev, mem, p.fds[0], TEVENT_FD_READ, pp_handler, &p);
    tevent_add_fd(ev, mem, p.fds[1], TEVENT_FD_READ, pp_handler, &p);
    double t0 = now_ns();
    /* side (left & 1) reads next: start by writing to the other end */
    if (write(p.fds[(p.left & 1) ^ 1], &c, 1) != 1) {
        die("write");
    }
    while (p.left > 0) {
        tevent_loop_once(ev);
    }
    t0 = now_ns() - t0;
    talloc_free(mem);
    close(p.fds[0]);
    close(p.fds[1]);
    return t0 / n;
}

/* --- fd registration: add and free fdes on many distinct fds --- */

static void never(struct tevent_context *ev, struct tevent_fd *fde,
                  uint16_t flags, void *private_data)
{
    (void)ev;
    (void)fde;
    (void)flags;
    (void)private_data;
}

static double bench_fd_add(unsigned n, const char *backend)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    int *fds = talloc_array(mem, int, n);
    struct tevent_fd **fdes = talloc_array(mem, struct tevent_fd *, n);

    if (ev == NULL) {
        die("tevent_context_init_byname");
    }
    for (unsigned i = 0; i < n; i += 2) {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, &fds[i]) != 0) {
            die("socketpair");
        }
    }
    double t0 = now_ns();
    for (unsigned i = 0; i < n; i++) {
        fdes[i] = tevent_add_fd(ev, mem, fds[i], TEVENT_FD_READ, never, NULL);
    }
    /* one wait of the loop so poll-style backends sync their arrays */
    unsigned fired = 0;
    tevent_add_timer(ev, mem, tevent_timeval_current_ofs(0, 1), timer_handler,
                     &fired);
    while (fired == 0) {
        tevent_loop_once(ev);
    }
    for (unsigned i = 0; i < n; i++) {
        talloc_free(fdes[i]);
    }
    t0 = now_ns() - t0;
    for (unsigned i = 0; i < n; i++) {
        close(fds[i]);
    }
    talloc_free(mem);
    return t0 / n;
}

/* --- requests: create, finish, post and receive --- */

struct req_state {
    unsigned value;
};

static void req_done(struct tevent_req *req)
{
    unsigned *left = tevent_req_callback_data_void(req);
    *left -= 1;
    talloc_free(req);
}

static double bench_req(unsigned n)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem);
    unsigned left = n;
    double t0 = now_ns();

    for (unsigned i = 0; i < n; i++) {
        struct req_state *state;
        /* the 0.9.9 entry point, so the binary also runs on tevent 0.14 */
        struct tevent_req *req =
            _tevent_req_create(mem, &state, sizeof(struct req_state),
                               "struct req_state", __location__);
        if (req == NULL) {
            die("tevent_req_create");
        }
        state->value = i;
        tevent_req_done(req);
        tevent_req_post(req, ev);
        (tevent_req_set_callback)(req, req_done, &left);
        tevent_loop_once(ev);
    }
    t0 = now_ns() - t0;
    if (left != 0) {
        fprintf(stderr, "bench: %u requests left\n", left);
        exit(1);
    }
    talloc_free(mem);
    return t0 / n;
}

/* --- memory: talloc bytes held per pending event (value is bytes) --- */

static double bench_timer_bytes(unsigned n)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem);
    unsigned fired = 0;
    size_t before = talloc_total_size(ev);

    for (unsigned i = 0; i < n; i++) {
        tevent_add_timer(ev, ev, tevent_timeval_current_ofs(3600, i),
                         timer_handler, &fired);
    }
    double bytes = (double)(talloc_total_size(ev) - before) / n;
    talloc_free(mem);
    return bytes;
}

static double bench_req_bytes(unsigned n)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    size_t before = talloc_total_size(mem);

    for (unsigned i = 0; i < n; i++) {
        struct req_state *state;
        if (_tevent_req_create(mem, &state, sizeof(struct req_state),
                               "struct req_state", __location__) == NULL) {
            die("tevent_req_create");
        }
    }
    double bytes = (double)(talloc_total_size(mem) - before) / n;
    talloc_free(mem);
    return bytes;
}

struct workload {
    const char *name;
    double (*run)(unsigned n, const char *backend);
    const char *backend;
    unsigned n;
};

static double w_immediate(unsigned n, const char *b)
{
    (void)b;
    return bench_immediate(n);
}
static double w_timers(unsigned n, const char *b)
{
    (void)b;
    return bench_timers(n);
}
static double w_timer_churn(unsigned n, const char *b)
{
    (void)b;
    return bench_timer_churn(n);
}
static double w_req(unsigned n, const char *b)
{
    (void)b;
    return bench_req(n);
}

static double w_timer_bytes(unsigned n, const char *b)
{
    (void)b;
    return bench_timer_bytes(n);
}
static double w_req_bytes(unsigned n, const char *b)
{
    (void)b;
    return bench_req_bytes(n);
}

static const struct workload workloads[] = {
    {"immediate", w_immediate, NULL, 1000000},
    {"timers_random_20k", w_timers, NULL, 20000},
    {"timer_add_free", w_timer_churn, NULL, 500000},
    {"fd_pingpong_epoll", bench_fd_pingpong, "epoll", 200000},
    {"fd_pingpong_poll", bench_fd_pingpong, "poll", 200000},
    {"fd_add_free_4k_epoll", bench_fd_add, "epoll", 4000},
    {"fd_add_free_4k_poll", bench_fd_add, "poll", 4000},
    {"req_create_done_post", w_req, NULL, 300000},
    {"timer_bytes", w_timer_bytes, NULL, 10000},
    {"req_bytes", w_req_bytes, NULL, 10000},
};

int main(int argc, char **argv)
{
    struct rlimit rl = {8192, 8192};
    double scale = 1.0;
    const char *s = getenv("BENCH_SCALE");

    setrlimit(RLIMIT_NOFILE, &rl);
    if (s != NULL) {
        scale = atof(s);
    }
    for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
        const struct workload *w = &workloads[i];
        bool wanted = argc < 2;
        for (int a = 1; a < argc; a++) {
            wanted = wanted || strcmp(argv[a], w->name) == 0;
        }
        if (!wanted) {
            continue;
        }
        unsigned n = (unsigned)(w->n * scale);
        if (n < 2) {
            n = 2;
        }
        printf("%s %.1f\n", w->name, w->run(n, w->backend));
        fflush(stdout);
    }
    return 0;
}
