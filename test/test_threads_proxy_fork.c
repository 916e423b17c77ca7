/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * fork() in a loop while other threads hand immediates over through a
 * thread proxy and a threaded context: every child finds a usable proxy
 * (no mutex left locked by a thread that does not exist there, a pipe of
 * its own), and the parent still gets every item.
 *
 * As documented upstream, the producers allocate on the NULL context with
 * talloc's null tracking disabled.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#define NUM_THREADS 4
/* Items a producer may have handed over that the parent has not run yet. */
#define MAX_OUTSTANDING 64

static unsigned num_forks(void)
{
    return RUNNING_ON_VALGRIND ? 20 : 300;
}

struct shared {
    struct tevent_thread_proxy *tp;
    struct tevent_threaded_context *tctx;
    atomic_bool stop;
    atomic_uint produced;
    atomic_uint handled;
};

/* The items a producer is about to hand over stay reachable here: in a
 * fork child, where the thread is gone, they are not leaks. */
struct producer {
    struct shared *sh;
    pthread_t id;
    struct tevent_immediate *im;
    struct proxy_payload *payload;
};

/* Proxy items own their private data; their handler gets the shared state
 * through it. */
struct proxy_payload {
    struct shared *sh;
};

static void count_handled(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    struct shared *sh = private_data;
    (void)ev;
    (void)im;
    atomic_fetch_add(&sh->handled, 1);
}

/* Threaded immediates belong to their scheduler: freed after running. */
static void count_and_free(struct tevent_context *ev,
                           struct tevent_immediate *im, void *private_data)
{
    count_handled(ev, im, private_data);
    talloc_free(im);
}

static void proxy_handled(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    struct proxy_payload *p = private_data;
    count_handled(ev, im, p->sh);
}

static void *produce(void *arg)
{
    struct producer *pr = arg;
    struct shared *sh = pr->sh;
    unsigned i = 0;

    while (!atomic_load(&sh->stop)) {
        if (atomic_load(&sh->produced) - atomic_load(&sh->handled) >=
            MAX_OUTSTANDING) {
            sched_yield();
            continue;
        }
        pr->im = tevent_create_immediate(NULL);
        if (pr->im == NULL) {
            abort();
        }
        atomic_fetch_add(&sh->produced, 1);
        if (i++ % 2 == 0) {
            pr->payload = talloc(NULL, struct proxy_payload);
            if (pr->payload == NULL) {
                abort();
            }
            pr->payload->sh = sh;
            tevent_thread_proxy_schedule(sh->tp, &pr->im, proxy_handled,
                                         &pr->payload);
        } else {
            tevent_threaded_schedule_immediate(sh->tctx, pr->im, count_and_free,
                                               sh);
        }
    }
    return NULL;
}

/* Child side: the proxy takes an item from this thread and runs it.  A
 * mutex left locked hangs here (caught by the test timeout). */
static int child_checks(struct tevent_context *ev, struct shared *sh)
{
    struct shared mine = {.tp = sh->tp};
    struct tevent_immediate *im = tevent_create_immediate(NULL);
    struct proxy_payload *p = talloc(NULL, struct proxy_payload);
    if (im == NULL || p == NULL) {
        return 10;
    }
    p->sh = &mine;
    tevent_thread_proxy_schedule(sh->tp, &im, proxy_handled, &p);
    if (im != NULL || p != NULL) {
        return 11;
    }
    /* Items the parent's producers handed over before the fork may run
     * here too; each iteration runs at least one handler. */
    for (unsigned guard = 0; atomic_load(&mine.handled) == 0; guard++) {
        if (guard == 4 * MAX_OUTSTANDING * NUM_THREADS ||
            tevent_loop_once(ev) != 0) {
            return 12;
        }
    }
    return 0;
}

/* Static: the producers must never outlive what they use. */
static struct shared g_shared;
static struct producer g_producers[NUM_THREADS];

/* Issue 10, item 3. */
static void test_fork_while_threads_use_proxy(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    unsigned forks = num_forks();
    (void)state;

    g_shared.tp = tevent_thread_proxy_create(ev);
    assert_non_null(g_shared.tp);
    g_shared.tctx = tevent_threaded_context_create(mem, ev);
    assert_non_null(g_shared.tctx);
    for (unsigned i = 0; i < NUM_THREADS; i++) {
        g_producers[i].sh = &g_shared;
        assert_int_equal(
            pthread_create(&g_producers[i].id, NULL, produce, &g_producers[i]),
            0);
    }

    for (unsigned n = 0; n < forks; n++) {
        /* Let the producers move: a few iterations between forks. */
        for (unsigned i = 0; i < 4; i++) {
            assert_int_equal(tevent_loop_once(ev), 0);
        }
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            _exit(child_checks(ev, &g_shared));
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }

    atomic_store(&g_shared.stop, true);
    for (unsigned i = 0; i < NUM_THREADS; i++) {
        assert_int_equal(pthread_join(g_producers[i].id, NULL), 0);
    }
    /* The children never took the parent's wakeups. */
    while (atomic_load(&g_shared.handled) < atomic_load(&g_shared.produced)) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(atomic_load(&g_shared.handled),
                     atomic_load(&g_shared.produced));
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fork_while_threads_use_proxy),
    };

    talloc_disable_null_tracking();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
