/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Thread proxies: tevent_thread_proxy_schedule() from any thread hands an
 * immediate and its private data over to the proxy's context.
 *
 * As documented upstream, the producers allocate on the NULL context with
 * talloc's null tracking disabled.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#define NUM_THREADS 16
#define PER_THREAD 64

/* Main thread only: handler runs and destructor-observed frees. */
static unsigned seen[NUM_THREADS][PER_THREAD];
static unsigned handled;
static unsigned freed_payloads;
static unsigned freed_markers;

struct payload {
    unsigned thread;
    unsigned seq;
    void *ctx; /* what the handler works on */
};

static int payload_destructor(struct payload *p)
{
    (void)p;
    freed_payloads += 1;
    return 0;
}

struct marker {
    int unused;
};

static int marker_destructor(struct marker *m)
{
    (void)m;
    freed_markers += 1;
    return 0;
}

/* An immediate on the NULL context whose free is observable. */
static struct tevent_immediate *observed_immediate(void)
{
    struct tevent_immediate *im = tevent_create_immediate(NULL);
    struct marker *m;

    assert_non_null(im);
    m = talloc(im, struct marker);
    assert_non_null(m);
    talloc_set_destructor(m, marker_destructor);
    return im;
}

static struct payload *new_payload(unsigned thread, unsigned seq)
{
    struct payload *p = talloc_zero(NULL, struct payload);

    assert_non_null(p);
    p->thread = thread;
    p->seq = seq;
    talloc_set_destructor(p, payload_destructor);
    return p;
}

static void reset_counters(void)
{
    freed_payloads = 0;
    freed_markers = 0;
}

/* ------------------------------------------------------------------ */

static void test_create(void **state)
{
    struct tevent_context *ev = test_context(NULL);
    struct tevent_thread_proxy *tp;
    (void)state;

    tp = tevent_thread_proxy_create(ev);
    assert_non_null(tp);
    assert_ptr_equal(talloc_parent(tp), ev);
    assert_string_equal(talloc_get_name(tp), "struct tevent_thread_proxy");
    talloc_free(ev);
}

struct order_log {
    unsigned seq[8];
    unsigned count;
    struct payload *stolen;
};

static void order_handler(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    struct payload *p = talloc_get_type_abort(private_data, struct payload);
    struct order_log *log = p->ctx;
    (void)ev;
    (void)im;

    log->seq[log->count] = p->seq;
    log->count += 1;
    if (p->seq == 1) {
        /* Keeping the data requires taking it over. */
        log->stolen = talloc_steal(NULL, p);
    }
}

static void test_lifo_order_and_cleanup(void **state)
{
    struct tevent_context *ev = test_context(NULL);
    struct tevent_thread_proxy *tp = tevent_thread_proxy_create(ev);
    struct order_log log = {0};
    unsigned i;
    (void)state;

    reset_counters();
    for (i = 0; i < 3; i++) {
        struct tevent_immediate *im = observed_immediate();
        struct payload *p = new_payload(0, i);

        p->ctx = &log;
        tevent_thread_proxy_schedule(tp, &im, order_handler, &p);
        /* Ownership moved: the caller's pointers are cleared. */
        assert_null(im);
        assert_null(p);
    }

    /* The pipe handler moves all items, then one runs per iteration. */
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(log.count, 0);
    for (i = 0; i < 3; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_int_equal(log.count, i + 1);
    }
    /* Newest first. */
    assert_int_equal(log.seq[0], 2);
    assert_int_equal(log.seq[1], 1);
    assert_int_equal(log.seq[2], 0);
    /* The immediates are freed by one more immediate, after the last. */
    assert_int_equal(freed_markers, 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(freed_markers, 3);
    /* Only the payload taken over by its handler survived. */
    assert_int_equal(freed_payloads, 2);
    assert_non_null(log.stolen);
    assert_int_equal(log.stolen->seq, 1);
    talloc_free(log.stolen);
    talloc_free(ev);
}

static void null_private_handler(struct tevent_context *ev,
                                 struct tevent_immediate *im,
                                 void *private_data)
{
    (void)ev;
    (void)im;
    assert_null(private_data);
    handled += 1;
}

static void test_null_private_data(void **state)
{
    struct tevent_context *ev = test_context(NULL);
    struct tevent_thread_proxy *tp = tevent_thread_proxy_create(ev);
    struct tevent_immediate *im = observed_immediate();
    (void)state;

    reset_counters();
    handled = 0;
    tevent_thread_proxy_schedule(tp, &im, null_private_handler, NULL);
    assert_null(im);
    while (freed_markers == 0) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(handled, 1);
    talloc_free(ev);
}

/* ------------------------------------------------------------------ */
/* Many threads.                                                       */

struct flood {
    struct tevent_thread_proxy *tp;
    unsigned thread;
    pthread_t id;
};

static void flood_handler(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    struct payload *p = talloc_get_type_abort(private_data, struct payload);
    (void)ev;
    (void)im;
    seen[p->thread][p->seq] += 1;
    handled += 1;
}

static void *flood_thread(void *arg)
{
    struct flood *f = arg;
    unsigned i;

    for (i = 0; i < PER_THREAD; i++) {
        struct tevent_immediate *im = observed_immediate();
        struct payload *p = new_payload(f->thread, i);
        tevent_thread_proxy_schedule(f->tp, &im, flood_handler, &p);
    }
    return NULL;
}

static void start_flood(struct tevent_thread_proxy *tp, struct flood *floods)
{
    unsigned i;

    memset(seen, 0, sizeof(seen));
    handled = 0;
    reset_counters();
    for (i = 0; i < NUM_THREADS; i++) {
        floods[i].tp = tp;
        floods[i].thread = i;
        assert_int_equal(
            pthread_create(&floods[i].id, NULL, flood_thread, &floods[i]), 0);
    }
}

static void join_flood(struct flood *floods)
{
    unsigned i;

    for (i = 0; i < NUM_THREADS; i++) {
        assert_int_equal(pthread_join(floods[i].id, NULL), 0);
    }
}

static void test_many_threads(void **state)
{
    struct tevent_context *ev = test_context(NULL);
    struct tevent_thread_proxy *tp = tevent_thread_proxy_create(ev);
    struct flood floods[NUM_THREADS];
    unsigned i, j;
    (void)state;

    start_flood(tp, floods);
    while (handled < NUM_THREADS * PER_THREAD) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    join_flood(floods);
    /* Let the cleanup immediates run. */
    tevent_context_set_wait_timeout(ev, 0);
    while (tevent_loop_once(ev) == 0) {
    }
    assert_int_equal(errno, EAGAIN);

    for (i = 0; i < NUM_THREADS; i++) {
        for (j = 0; j < PER_THREAD; j++) {
            assert_int_equal(seen[i][j], 1);
        }
    }
    assert_int_equal(handled, NUM_THREADS * PER_THREAD);
    assert_int_equal(freed_payloads, NUM_THREADS * PER_THREAD);
    assert_int_equal(freed_markers, NUM_THREADS * PER_THREAD);
    talloc_free(ev);
}

/* ------------------------------------------------------------------ */
/* The destination goes away with items in flight.                     */

static void test_dest_freed_before_delivery(void **state)
{
    struct tevent_context *ev = test_context(NULL);
    struct tevent_thread_proxy *tp = tevent_thread_proxy_create(ev);
    struct flood floods[NUM_THREADS];
    (void)state;

    start_flood(tp, floods);
    join_flood(floods);
    /* Nothing was read from the pipe yet. */
    assert_int_equal(talloc_free(ev), 0);
    assert_int_equal(handled, 0);
    assert_int_equal(freed_payloads, NUM_THREADS * PER_THREAD);
    assert_int_equal(freed_markers, NUM_THREADS * PER_THREAD);
}

static void test_dest_freed_after_transfer(void **state)
{
    struct tevent_context *ev = test_context(NULL);
    struct tevent_thread_proxy *tp = tevent_thread_proxy_create(ev);
    struct flood floods[NUM_THREADS];
    (void)state;

    start_flood(tp, floods);
    join_flood(floods);
    /* The pipe handler schedules everything as immediates... */
    assert_int_equal(tevent_loop_once(ev), 0);
    /* ...one of which runs... */
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(handled, 1);
    /* ...and the rest die with the context. */
    assert_int_equal(talloc_free(ev), 0);
    assert_int_equal(handled, 1);
    assert_int_equal(freed_payloads, NUM_THREADS * PER_THREAD);
    assert_int_equal(freed_markers, NUM_THREADS * PER_THREAD);
}

static void test_proxy_freed_with_pending(void **state)
{
    struct tevent_context *ev = test_context(NULL);
    struct tevent_thread_proxy *tp = tevent_thread_proxy_create(ev);
    struct flood floods[NUM_THREADS];
    (void)state;

    start_flood(tp, floods);
    join_flood(floods);
    assert_int_equal(talloc_free(tp), 0);
    assert_int_equal(freed_payloads, NUM_THREADS * PER_THREAD);
    assert_int_equal(freed_markers, NUM_THREADS * PER_THREAD);
    /* Its pipe fde is gone: the loop has nothing left to wait for. */
    assert_int_equal(tevent_loop_wait(ev), 0);
    assert_int_equal(handled, 0);
    talloc_free(ev);
}

/* ------------------------------------------------------------------ */
/* The proxy keeps tevent_loop_wait() running.                         */

static void free_proxy_handler(struct tevent_context *ev,
                               struct tevent_immediate *im, void *private_data)
{
    struct payload *p = talloc_get_type_abort(private_data, struct payload);
    struct tevent_thread_proxy **tpp = p->ctx;
    (void)ev;
    (void)im;
    handled += 1;
    TALLOC_FREE(*tpp);
}

struct stopper {
    struct tevent_thread_proxy **tpp;
    pthread_t id;
};

static void *stop_thread(void *arg)
{
    struct stopper *s = arg;
    struct tevent_immediate *im = observed_immediate();
    struct payload *p = new_payload(0, 0);

    p->ctx = s->tpp;
    tevent_thread_proxy_schedule(*s->tpp, &im, free_proxy_handler, &p);
    return NULL;
}

static void test_keeps_loop_wait_running(void **state)
{
    struct tevent_context *ev = test_context(NULL);
    struct tevent_thread_proxy *tp = tevent_thread_proxy_create(ev);
    struct stopper s = {.tpp = &tp};
    (void)state;

    handled = 0;
    reset_counters();
    assert_int_equal(pthread_create(&s.id, NULL, stop_thread, &s), 0);
    /* Returns only once the handler freed the proxy. */
    assert_int_equal(tevent_loop_wait(ev), 0);
    assert_int_equal(pthread_join(s.id, NULL), 0);
    assert_int_equal(handled, 1);
    assert_null(tp);
    /* Freeing the proxy from its item's handler freed the item too. */
    assert_int_equal(freed_markers, 1);
    talloc_free(ev);
}

/* ------------------------------------------------------------------ */

static char last_log[256];

static void capture_debug(void *context, enum tevent_debug_level level,
                          const char *fmt, va_list ap) PRINTF_ATTRIBUTE(3, 0);
static void capture_debug(void *context, enum tevent_debug_level level,
                          const char *fmt, va_list ap)
{
    (void)context;
    if (level == TEVENT_DEBUG_FATAL) {
        vsnprintf(last_log, sizeof(last_log), fmt, ap);
    }
}

static bool w_before_use(struct tevent_context *w, void *s,
                         struct tevent_context *m, const char *l)
{
    (void)w, (void)s, (void)m, (void)l;
    return true;
}

static const struct tevent_wrapper_ops wrap_ops = {
    .name = "test_threads_proxy",
    .before_use = w_before_use,
};

struct dummy_state {
    int unused;
};

/* The wrapper API is deprecated upstream, and still supported. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static void test_refused_on_wrapper(void **state)
{
    struct tevent_context *ev = test_context(NULL);
    struct tevent_context *wrap;
    struct dummy_state *ds;
    (void)state;

    tevent_set_debug(ev, capture_debug, NULL);
    wrap = tevent_context_wrapper_create(ev, ev, &wrap_ops, &ds,
                                         struct dummy_state);
    assert_non_null(wrap);
    errno = 0;
    assert_null(tevent_thread_proxy_create(wrap));
    assert_int_equal(errno, EINVAL);
    assert_string_equal(
        last_log,
        "tevent_thread_proxy_create() not allowed on a wrapper context\n");
    talloc_free(ev);
}
#pragma GCC diagnostic pop

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_lifo_order_and_cleanup),
        cmocka_unit_test(test_null_private_data),
        cmocka_unit_test(test_many_threads),
        cmocka_unit_test(test_dest_freed_before_delivery),
        cmocka_unit_test(test_dest_freed_after_transfer),
        cmocka_unit_test(test_proxy_freed_with_pending),
        cmocka_unit_test(test_keeps_loop_wait_running),
        cmocka_unit_test(test_refused_on_wrapper),
    };

    talloc_disable_null_tracking();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
