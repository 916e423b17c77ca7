/* SPDX-License-Identifier: LGPL-3.0-or-later */
/* Workloads of timers. */
#include <stdlib.h>

#include "bench.h"

static void count_fired(struct tevent_context *ev, struct tevent_timer *te,
                        struct timeval now, void *private_data)
{
    unsigned *fired = private_data;
    (void)ev;
    (void)te;
    (void)now;
    *fired += 1;
}

static struct tevent_timer *add(struct tevent_context *ev, struct timeval tv,
                                unsigned *fired)
{
    struct tevent_timer *te = tevent_add_timer(ev, ev, tv, count_fired, fired);
    if (te == NULL) {
        die("tevent_add_timer");
    }
    return te;
}

/* base + usec microseconds */
static struct timeval at(struct timeval base, uint64_t usec)
{
    usec += base.tv_usec;
    return tevent_timeval_set(base.tv_sec + usec / 1000000, usec % 1000000);
}

/* --- timer_fifo: batches of param timers at increasing deadlines in the
 * past; one op = one add, and the loop iteration that runs that timer
 * once the batch is in --- */

MEASURED void measured_timer_fifo(struct tevent_context *ev, unsigned batch,
                                  unsigned ops, unsigned *fired)
{
    struct timeval past = tevent_timeval_set(1000000, 0);
    for (unsigned done = 0; done < ops; done += batch) {
        for (unsigned i = 0; i < batch; i++) {
            add(ev, at(past, done + i), fired);
        }
        for (unsigned i = 0; i < batch; i++) {
            tevent_loop_once(ev);
        }
    }
}

double bench_timer_fifo(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    unsigned batch = a->param < a->ops ? a->param : a->ops;
    unsigned ops = a->ops - a->ops % batch;
    unsigned fired = 0;

    double t = now_ns();
    measured_timer_fifo(ev, batch, ops, &fired);
    t = now_ns() - t;
    if (fired != ops) {
        die("timer_fifo: not every timer ran");
    }
    talloc_free(mem);
    return t / ops;
}

/* --- timer_churn_mono: param timers pending; one op = free the oldest,
 * add one at base + 60 s + seq us (the usual single request timeout) --- */

MEASURED void measured_timer_churn_mono(struct tevent_context *ev,
                                        struct tevent_timer **ring, unsigned n,
                                        struct timeval base, unsigned ops,
                                        unsigned *fired)
{
    for (unsigned i = 0; i < ops; i++) {
        unsigned slot = i % n;
        talloc_free(ring[slot]);
        ring[slot] = add(ev, at(base, 60000000ULL + n + i), fired);
    }
}

double bench_timer_churn_mono(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    struct tevent_timer **ring =
        talloc_array(mem, struct tevent_timer *, a->param);
    struct timeval base = tevent_timeval_current();
    unsigned fired = 0;

    for (unsigned i = 0; i < a->param; i++) {
        ring[i] = add(ev, at(base, 60000000ULL + i), &fired);
    }
    double t = now_ns();
    measured_timer_churn_mono(ev, ring, a->param, base, a->ops, &fired);
    t = now_ns() - t;
    talloc_free(mem);
    return t / a->ops;
}

/* --- timer_random: one op = add a timer at a random now+1..3600 s and,
 * once all ops timers are pending, free it --- */

MEASURED void measured_timer_random(struct tevent_context *ev,
                                    const struct timeval *when,
                                    struct tevent_timer **te, unsigned ops,
                                    unsigned *fired)
{
    for (unsigned i = 0; i < ops; i++) {
        te[i] = add(ev, when[i], fired);
    }
    for (unsigned i = 0; i < ops; i++) {
        talloc_free(te[i]);
    }
}

double bench_timer_random(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    struct timeval *when = talloc_array(mem, struct timeval, a->ops);
    struct tevent_timer **te = talloc_array(mem, struct tevent_timer *, a->ops);
    struct timeval base = tevent_timeval_current();
    uint32_t seed = 12345;
    unsigned fired = 0;

    for (unsigned i = 0; i < a->ops; i++) {
        uint64_t usec = 1000000ULL + bench_random(&seed) % 3599000000ULL;
        when[i] = at(base, usec);
    }
    double t = now_ns();
    measured_timer_random(ev, when, te, a->ops, &fired);
    t = now_ns() - t;
    talloc_free(mem);
    return t / a->ops;
}

/* --- timer_bytes: malloc'ed bytes per pending timer --- */

double bench_timer_bytes(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    struct timeval base = tevent_timeval_current();
    unsigned fired = 0;

    size_t before = malloc_in_use();
    for (unsigned i = 0; i < a->ops; i++) {
        add(ev, at(base, 3600000000ULL + i), &fired);
    }
    double bytes = (double)(malloc_in_use() - before) / a->ops;
    talloc_free(mem);
    return bytes;
}
