/* SPDX-License-Identifier: LGPL-3.0-or-later */
/* Workloads of immediates and signals. */
#include <signal.h>
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
