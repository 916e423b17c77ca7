/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * fork() with threaded contexts and signal events present: the child drops
 * the threaded contexts and can re-initialise the context; the parent keeps
 * working, also when a producer thread was active during the fork.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

#define NUM_IMS 2000

struct counter {
    unsigned runs;
};

static void count_immediate(struct tevent_context *ev,
                            struct tevent_immediate *im, void *private_data)
{
    struct counter *c = private_data;
    (void)ev;
    (void)im;
    c->runs += 1;
}

static void count_signal(struct tevent_context *ev, struct tevent_signal *se,
                         int signum, int count, void *siginfo,
                         void *private_data)
{
    struct counter *c = private_data;
    (void)ev;
    (void)se;
    (void)signum;
    (void)siginfo;
    c->runs += count;
}

static void count_timer(struct tevent_context *ev, struct tevent_timer *te,
                        struct timeval now, void *private_data)
{
    struct counter *c = private_data;
    (void)ev;
    (void)te;
    (void)now;
    c->runs += 1;
}

struct producer {
    struct tevent_threaded_context *tctx;
    struct tevent_immediate *ims[NUM_IMS];
    struct counter *counter;
    pthread_t id;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    size_t i;

    for (i = 0; i < NUM_IMS; i++) {
        tevent_threaded_schedule_immediate(p->tctx, p->ims[i], count_immediate,
                                           p->counter);
    }
    return NULL;
}

/* Child side: returns the exit status (0 = all checks passed). */
static int child_checks(struct tevent_context *ev,
                        struct tevent_threaded_context *tctx)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct counter imc = {0}, sigc = {0}, timc = {0};
    struct tevent_immediate *im = tevent_create_immediate(mem);
    struct tevent_threaded_context *tctx2;
    int guard;

    /* The inherited tctx is detached: scheduling is ignored. */
    tevent_threaded_schedule_immediate(tctx, im, count_immediate, &imc);
    if (talloc_free(im) != 0) {
        return 10;
    }
    if (tevent_re_initialise(ev) != 0) {
        return 11;
    }
    if (tevent_add_timer(ev, mem, tevent_timeval_zero(), count_timer, &timc) ==
        NULL) {
        return 12;
    }
    if (tevent_loop_once(ev) != 0 || timc.runs != 1) {
        return 13;
    }
    if (tevent_add_signal(ev, mem, SIGUSR2, 0, count_signal, &sigc) == NULL) {
        return 14;
    }
    kill(getpid(), SIGUSR2);
    for (guard = 0; sigc.runs == 0 && guard < 10; guard++) {
        tevent_loop_once(ev);
    }
    if (sigc.runs != 1) {
        return 15;
    }
    /* A fresh threaded context works in the child. */
    tctx2 = tevent_threaded_context_create(mem, ev);
    if (tctx2 == NULL) {
        return 16;
    }
    im = tevent_create_immediate(mem);
    tevent_threaded_schedule_immediate(tctx2, im, count_immediate, &imc);
    for (guard = 0; imc.runs == 0 && guard < 10; guard++) {
        tevent_loop_once(ev);
    }
    if (imc.runs != 1) {
        return 17;
    }
    talloc_free(mem);
    return 0;
}

static void ignore_signal(struct tevent_context *ev, struct tevent_signal *se,
                          int signum, int count, void *siginfo,
                          void *private_data)
{
    (void)ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    (void)private_data;
}

static void test_fork_with_active_producer(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct counter counter = {0};
    struct producer p = {.counter = &counter};
    struct tevent_signal *se;
    pid_t pid;
    int status;
    size_t i;
    (void)state;

    se = tevent_add_signal(ev, mem, SIGUSR1, 0, ignore_signal, NULL);
    assert_non_null(se);
    p.tctx = tevent_threaded_context_create(mem, ev);
    assert_non_null(p.tctx);
    for (i = 0; i < NUM_IMS; i++) {
        p.ims[i] = tevent_create_immediate(mem);
    }
    assert_int_equal(pthread_create(&p.id, NULL, produce, &p), 0);

    /* Very likely while the producer holds or contends for the mutexes. */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        _exit(child_checks(ev, p.tctx));
    }

    assert_int_equal(pthread_join(p.id, NULL), 0);
    while (counter.runs < NUM_IMS) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(counter.runs, NUM_IMS);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fork_with_active_producer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
