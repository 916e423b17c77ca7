/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Micro-benchmarks of libtevent's hot paths.  The same binary runs against
 * any libtevent.so.0 (bench/run.sh switches LD_LIBRARY_PATH), so it calls
 * only entry points that tevent 0.14 already had.
 *
 *   bench --list                     name, unit, target, wall-clock target
 *   bench [-n OPS] [WORKLOAD ...]    default: every workload of the table
 *
 * WORKLOAD is a name of the table, or FAMILY@SIZE for another size of the
 * standing population (timer_random@100000, fd_many_epoll@10000).  Prints
 * "<name> <value> <ops>": value is ns per operation, or malloc'ed bytes
 * per object for the *_bytes workloads, stack bytes per nesting level for
 * the nest_stack_* ones.  BENCH_SCALE multiplies the
 * default operation counts that do not follow from the definition.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"

double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void die(const char *what)
{
    fprintf(stderr, "bench: %s failed: %s\n", what, strerror(errno));
    exit(1);
}

struct tevent_context *bench_context(TALLOC_CTX *mem, const char *backend)
{
    struct tevent_context *ev = backend != NULL
                                    ? tevent_context_init_byname(mem, backend)
                                    : tevent_context_init(mem);
    if (ev == NULL) {
        die("tevent_context_init");
    }
    return ev;
}

uint32_t bench_random(uint32_t *seed)
{
    /* xorshift32: cheap, and good enough to scatter deadlines */
    uint32_t x = *seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *seed = x;
    return x;
}

size_t malloc_in_use(void)
{
    return mallinfo2().uordblks;
}

/*
 * The speed goals: targets are instructions per operation (user space,
 * callgrind), malloc'ed bytes per object (B) or stack bytes per nesting
 * level (S); wall is the minimum ratio of
 * operations per second, ours / reference.  0: no goal.
 */
struct workload {
    const char *name;
    const char *family; /* for FAMILY@SIZE */
    bench_fn run;
    const char *backend;
    unsigned param;
    unsigned ops; /* 0: one operation per member of the population */
    const char *unit;
    double target;
    double wall;
};

static const struct workload workloads[] = {
    {"immediate", "immediate", bench_immediate, NULL, 0, 1000000, "Ir", 250,
     1.0},
    {"timer_fifo", "timer_fifo", bench_timer_fifo, NULL, 1000, 200000, "Ir",
     700, 1.0},
    {"timer_churn_mono", "timer_churn_mono", bench_timer_churn_mono, NULL,
     10000, 500000, "Ir", 500, 1.0},
    {"timer_random_20k", "timer_random", bench_timer_random, NULL, 20000, 0,
     "Ir", 1000, 1.0},
    {"fd_pingpong", "fd_pingpong", bench_fd_pingpong, "epoll", 0, 50000, "Ir",
     500, 1.1},
    {"fd_pingpong_poll", "fd_pingpong_poll", bench_fd_pingpong, "poll", 0,
     50000, "Ir", 450, 1.0},
    {"fd_many_poll_1000", "fd_many_poll", bench_fd_many, "poll", 1000, 3000,
     "Ir", 15000, 1.0},
    {"fd_many_epoll_1000", "fd_many_epoll", bench_fd_many, "epoll", 1000, 30000,
     "Ir", 0, 0},
    {"fd_add_free_4k", "fd_add_free", bench_fd_add_free, "epoll", 4000, 0, "Ir",
     0, 0},
    {"fd_add_free_4k_poll", "fd_add_free_poll", bench_fd_add_free, "poll", 4000,
     0, "Ir", 0, 0},
    {"req_chain", "req_chain", bench_req_chain, NULL, 0, 300000, "Ir", 1200,
     1.0},
    {"queue", "queue", bench_queue, NULL, 20000, 0, "Ir", 1500, 1.0},
    {"signal", "signal", bench_signal, NULL, 0, 50000, "Ir", 800, 1.0},
    {"timer_bytes", "timer_bytes", bench_timer_bytes, NULL, 10000, 0, "B", 160,
     0},
    {"req_bytes", "req_bytes", bench_req_bytes, NULL, 10000, 0, "B", 600, 0},
    {"nest_stack_immediate", "nest_stack_immediate", bench_nest_stack_immediate,
     NULL, 1000, 0, "S", 288, 0},
    {"nest_stack_timer", "nest_stack_timer", bench_nest_stack_timer, NULL, 1000,
     0, "S", 288, 0},
};
#define N_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static void list(void)
{
    for (size_t i = 0; i < N_WORKLOADS; i++) {
        const struct workload *w = &workloads[i];
        printf("%s %s %g %g\n", w->name, w->unit, w->target, w->wall);
    }
}

static unsigned scaled(unsigned n, double scale)
{
    double v = n * scale;
    return v < 2 ? 2 : (unsigned)v;
}

static void run(const struct workload *w, const char *shown, unsigned param,
                unsigned ops, double scale)
{
    struct bench_args a = {ops, param, w->backend};
    if (a.ops == 0) {
        a.ops = w->ops != 0 ? scaled(w->ops, scale) : param;
    }
    double v = w->run(&a);
    printf("%s %.1f %u\n", shown, v, a.ops);
    fflush(stdout);
}

static const struct workload *find(const char *arg, unsigned *param)
{
    const char *at = strchr(arg, '@');
    for (size_t i = 0; i < N_WORKLOADS; i++) {
        const struct workload *w = &workloads[i];
        if (at == NULL && strcmp(arg, w->name) == 0) {
            *param = w->param;
            return w;
        }
        if (at != NULL && strlen(w->family) == (size_t)(at - arg) &&
            strncmp(arg, w->family, at - arg) == 0) {
            *param = (unsigned)strtoul(at + 1, NULL, 10);
            return w;
        }
    }
    fprintf(stderr, "bench: unknown workload %s (see bench --list)\n", arg);
    exit(2);
}

int main(int argc, char **argv)
{
    struct rlimit rl;
    double scale = 1.0;
    unsigned ops = 0;
    const char *s = getenv("BENCH_SCALE");
    int a = 1;

    /* fd_many@10000 needs more than the usual 1024 descriptors */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (s != NULL) {
        scale = atof(s);
    }
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        list();
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        ops = (unsigned)strtoul(argv[2], NULL, 10);
        a = 3;
    }
    if (a == argc) {
        for (size_t i = 0; i < N_WORKLOADS; i++) {
            run(&workloads[i], workloads[i].name, workloads[i].param, ops,
                scale);
        }
        return 0;
    }
    for (; a < argc; a++) {
        unsigned param;
        const struct workload *w = find(argv[a], &param);
        run(w, argv[a], param, ops, scale);
    }
    return 0;
}
