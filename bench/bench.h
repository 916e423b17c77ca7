/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Shared pieces of the benchmark workloads.  Each workload sets up its
 * objects, runs its operations inside one function whose name starts with
 * "measured_" and tears down; only that function is timed, and
 * `bench/run.sh --callgrind` counts only the instructions executed inside
 * it (valgrind --toggle-collect=measured_*), so set-up, tear-down and
 * process start never reach the per-operation figures.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

#include <talloc.h>
#include <tevent.h>

/* Keeps the measured loop a function of its own that callgrind can see. */
#define MEASURED __attribute__((noinline, noclone, used))

struct bench_args {
    unsigned ops;        /* operations to measure */
    unsigned param;      /* size of the standing population, if any */
    const char *backend; /* tevent backend, NULL for the default */
};

/* A workload returns ns per operation, or bytes per object. */
typedef double (*bench_fn)(const struct bench_args *a);

double now_ns(void);
void die(const char *what);
struct tevent_context *bench_context(TALLOC_CTX *mem, const char *backend);
/* Deterministic pseudo-random numbers, the same in every run. */
uint32_t bench_random(uint32_t *seed);
/* malloc'ed bytes in use (mallinfo2), for the *_bytes workloads. */
size_t malloc_in_use(void);

double bench_immediate(const struct bench_args *a);
double bench_signal(const struct bench_args *a);
/* Stack bytes per nested tevent_loop_once() level. */
double bench_nest_stack_immediate(const struct bench_args *a);
double bench_nest_stack_timer(const struct bench_args *a);

double bench_timer_fifo(const struct bench_args *a);
double bench_timer_churn_mono(const struct bench_args *a);
double bench_timer_random(const struct bench_args *a);
double bench_timer_bytes(const struct bench_args *a);

double bench_fd_pingpong(const struct bench_args *a);
double bench_fd_many(const struct bench_args *a);
double bench_fd_add_free(const struct bench_args *a);

double bench_req_chain(const struct bench_args *a);
double bench_queue(const struct bench_args *a);
double bench_req_bytes(const struct bench_args *a);

#endif
