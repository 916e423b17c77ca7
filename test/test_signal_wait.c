/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * A registered signal event is an event: tevent_loop_wait() keeps running
 * for it alone (a daemon whose only event is its SIGTERM handler must not
 * return from its main loop).
 */
#include <pthread.h>
#include <signal.h>

#include "test_util.h"

static int deliveries;

/* Freeing the only event lets tevent_loop_wait() return. */
static void free_on_signal(struct tevent_context *ev, struct tevent_signal *se,
                           int signum, int count, void *siginfo, void *p)
{
    (void)ev;
    (void)siginfo;
    (void)p;
    assert_int_equal(signum, SIGUSR1);
    deliveries += count;
    talloc_free(se);
}

/* The signal is already pending when the loop starts. */
static void test_pending_signal_alone(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);

    deliveries = 0;
    assert_non_null(
        tevent_add_signal(ev, mem, SIGUSR1, 0, free_on_signal, NULL));
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(tevent_loop_wait(ev), 0);
    assert_int_equal(deliveries, 1);
    talloc_free(mem);
}

static void *send_usr1(void *main_thread)
{
    pthread_kill(*(pthread_t *)main_thread, SIGUSR1);
    return NULL;
}

/* The signal comes from another thread, whenever: the loop must wait. */
static void test_signal_from_thread_alone(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    pthread_t self = pthread_self();
    pthread_t sender;

    deliveries = 0;
    assert_non_null(
        tevent_add_signal(ev, mem, SIGUSR1, 0, free_on_signal, NULL));
    assert_int_equal(pthread_create(&sender, NULL, send_usr1, &self), 0);
    int ret = tevent_loop_wait(ev);
    /* Joined before any assertion: the handler must outlive the signal. */
    assert_int_equal(pthread_join(sender, NULL), 0);
    assert_int_equal(ret, 0);
    assert_int_equal(deliveries, 1);
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pending_signal_alone),
        cmocka_unit_test(test_signal_from_thread_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
