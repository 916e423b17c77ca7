/* SPDX-License-Identifier: LGPL-3.0-or-later */
/* Workloads of immediates and signals. */
/* tevent_loop_allow_nesting() is declared only for callers that ask. */
#define TEVENT_DEPRECATED
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

#include "bench.h"

/* --- immediate: one op = re-arm the immediate, then its dispatch --- */

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

MEASURED void measured_immediate(struct tevent_context *ev,
                                 struct tevent_immediate *im,
                                 struct imm_state *s)
{
    tevent_schedule_immediate(im, ev, imm_handler, s);
    while (s->left > 0) {
        tevent_loop_once(ev);
    }
}

double bench_immediate(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    struct tevent_immediate *im = tevent_create_immediate(mem);
    struct imm_state s = {a->ops};

    double t = now_ns();
    measured_immediate(ev, im, &s);
    t = now_ns() - t;
    talloc_free(mem);
    return t / a->ops;
}

/* --- signal: one op = kill(getpid(), SIGUSR1), loop until handled --- */

static void sig_handler(struct tevent_context *ev, struct tevent_signal *se,
                        int signum, int count, void *siginfo,
                        void *private_data)
{
    unsigned *handled = private_data;
    (void)ev;
    (void)se;
    (void)signum;
    (void)siginfo;
    *handled += (unsigned)count;
}

MEASURED void measured_signal(struct tevent_context *ev, unsigned ops,
                              unsigned *handled)
{
    pid_t self = getpid();
    for (unsigned i = 0; i < ops; i++) {
        unsigned before = *handled;
        kill(self, SIGUSR1);
        while (*handled == before) {
            tevent_loop_once(ev);
        }
    }
}

double bench_signal(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    unsigned handled = 0;

    if (tevent_add_signal(ev, mem, SIGUSR1, 0, sig_handler, &handled) == NULL) {
        die("tevent_add_signal");
    }
    double t = now_ns();
    measured_signal(ev, a->ops, &handled);
    t = now_ns() - t;
    talloc_free(mem);
    return t / a->ops;
}

/* --- nest_stack_*: stack bytes per nested tevent_loop_once() level --- */

struct nest_state {
    struct tevent_immediate *im;
    unsigned depth;
    unsigned levels;
    uintptr_t top;    /* a local's address in the first handler */
    uintptr_t bottom; /* the same in the deepest handler */
};

static void nest_step(struct tevent_context *ev, struct nest_state *s);

static void nest_immediate(struct tevent_context *ev,
                           struct tevent_immediate *im, void *private_data)
{
    (void)im;
    nest_step(ev, private_data);
}

static void nest_timer(struct tevent_context *ev, struct tevent_timer *te,
                       struct timeval current_time, void *private_data)
{
    (void)te;
    (void)current_time;
    nest_step(ev, private_data);
}

/* One level: note where this handler's frame is, then arm the next level's
 * event and run it from a nested tevent_loop_once(). */
static __attribute__((noinline)) void nest_step(struct tevent_context *ev,
                                                struct nest_state *s)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (s->depth == 0) {
        s->top = here;
    }
    s->bottom = here;
    if (++s->depth == s->levels) {
        return;
    }
    if (s->im != NULL) {
        tevent_schedule_immediate(s->im, ev, nest_immediate, s);
    } else if (tevent_add_timer(ev, ev, tevent_timeval_zero(), nest_timer, s) ==
               NULL) {
        die("tevent_add_timer");
    }
    tevent_loop_once(ev);
}

static double nest_stack(const struct bench_args *a, bool immediate)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    struct nest_state s = {NULL, 0, a->param, 0, 0};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    tevent_loop_allow_nesting(ev);
#pragma GCC diagnostic pop
    if (immediate) {
        s.im = tevent_create_immediate(mem);
        tevent_schedule_immediate(s.im, ev, nest_immediate, &s);
    } else if (tevent_add_timer(ev, ev, tevent_timeval_zero(), nest_timer,
                                &s) == NULL) {
        die("tevent_add_timer");
    }
    while (s.depth < s.levels) {
        tevent_loop_once(ev);
    }
    talloc_free(mem);
    return (double)(s.top - s.bottom) / (s.levels - 1);
}

double bench_nest_stack_immediate(const struct bench_args *a)
{
    return nest_stack(a, true);
}

double bench_nest_stack_timer(const struct bench_args *a)
{
    return nest_stack(a, false);
}
