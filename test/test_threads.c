/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Threaded contexts: immediates handed over from other threads with
 * tevent_threaded_schedule_immediate().
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"
#include "tevent_internal.h"

#define NUM_PRODUCERS 8
#define PER_PRODUCER 2000

/* ------------------------------------------------------------------ */
/* Many producers, each with many immediates.                          */

struct storm {
    struct tevent_context *ev;
    unsigned total;    /* main thread only */
    unsigned wrong_ev; /* handler got another ev or immediate */
};

struct slot {
    struct storm *storm;
    struct tevent_immediate *im;
    unsigned hits; /* main thread only */
};

struct producer {
    struct tevent_threaded_context *tctx;
    struct slot slots[PER_PRODUCER];
    pthread_t thread;
};

static void storm_handler(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    struct slot *slot = private_data;

    if (ev != slot->storm->ev || im != slot->im) {
        slot->storm->wrong_ev += 1;
    }
    slot->hits += 1;
    slot->storm->total += 1;
}

static void *produce(void *arg)
{
    struct producer *p = arg;
    size_t i;

    for (i = 0; i < PER_PRODUCER; i++) {
        tevent_threaded_schedule_immediate(p->tctx, p->slots[i].im,
                                           storm_handler, &p->slots[i]);
    }
    return NULL;
}

/* One tctx per producer, or one shared by all of them. */
static void run_storm(bool shared_tctx)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct storm s = {0};
    struct producer *producers;
    struct slot warm_up = {0};
    size_t ev_blocks, ims_blocks, i, j;
    TALLOC_CTX *ims_ctx;

    s.ev = test_context(mem);
    ims_ctx = talloc_new(mem);
    producers = talloc_zero_array(mem, struct producer, NUM_PRODUCERS);
    assert_non_null(producers);
    for (i = 0; i < NUM_PRODUCERS; i++) {
        if (shared_tctx && i > 0) {
            producers[i].tctx = producers[0].tctx;
        } else {
            producers[i].tctx = tevent_threaded_context_create(mem, s.ev);
            assert_non_null(producers[i].tctx);
        }
        for (j = 0; j < PER_PRODUCER; j++) {
            producers[i].slots[j].storm = &s;
            producers[i].slots[j].im = tevent_create_immediate(ims_ctx);
            assert_non_null(producers[i].slots[j].im);
        }
    }
    /* Warm up: the backend allocates its state on the first wait. */
    warm_up.storm = &s;
    warm_up.im = tevent_create_immediate(mem);
    tevent_threaded_schedule_immediate(producers[0].tctx, warm_up.im,
                                       storm_handler, &warm_up);
    tevent_context_set_wait_timeout(s.ev, 0);
    while (tevent_loop_once(s.ev) == 0) {
    }
    /* No wait timeout: a lost wakeup hangs the test (until its timeout)
     * instead of being covered up by the next timeout. */
    tevent_context_set_wait_timeout(s.ev, UINT32_MAX);
    assert_int_equal(s.total, 1);
    s.total = 0;
    ev_blocks = talloc_total_blocks(s.ev);
    ims_blocks = talloc_total_blocks(ims_ctx);

    for (i = 0; i < NUM_PRODUCERS; i++) {
        assert_int_equal(
            pthread_create(&producers[i].thread, NULL, produce, &producers[i]),
            0);
    }
    while (s.total < NUM_PRODUCERS * PER_PRODUCER) {
        assert_int_equal(tevent_loop_once(s.ev), 0);
    }
    for (i = 0; i < NUM_PRODUCERS; i++) {
        assert_int_equal(pthread_join(producers[i].thread, NULL), 0);
    }

    /* Nothing is left to run: a non-blocking iteration finds nothing. */
    tevent_context_set_wait_timeout(s.ev, 0);
    while (tevent_loop_once(s.ev) == 0) {
    }
    assert_int_equal(errno, EAGAIN);

    assert_int_equal(s.total, NUM_PRODUCERS * PER_PRODUCER);
    assert_int_equal(s.wrong_ev, 0);
    for (i = 0; i < NUM_PRODUCERS; i++) {
        for (j = 0; j < PER_PRODUCER; j++) {
            assert_int_equal(producers[i].slots[j].hits, 1);
        }
    }
    /* No allocation was left behind on the context or the immediates. */
    assert_int_equal(talloc_total_blocks(s.ev), ev_blocks);
    assert_int_equal(talloc_total_blocks(ims_ctx), ims_blocks);

    /* Run immediates can be freed and the tctx outlived nothing. */
    talloc_free(ims_ctx);
    talloc_free(mem);
}

static void test_storm_shared_tctx(void **state)
{
    (void)state;
    run_storm(true);
}

static void test_storm_tctx_per_thread(void **state)
{
    (void)state;
    run_storm(false);
}

/* ------------------------------------------------------------------ */
/* A sleeping loop is woken up by a producer.                          */

struct wake {
    struct tevent_threaded_context *tctx;
    struct tevent_immediate *im;
    bool ran;
};

static void wake_handler(struct tevent_context *ev, struct tevent_immediate *im,
                         void *private_data)
{
    struct wake *w = private_data;
    (void)ev;
    (void)im;
    w->ran = true;
}

static void *delayed_schedule(void *arg)
{
    struct wake *w = arg;
    usleep(100 * 1000);
    tevent_threaded_schedule_immediate(w->tctx, w->im, wake_handler, w);
    return NULL;
}

static void test_wakes_sleeping_loop(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct wake w = {0};
    pthread_t thread;
    int iterations = 0;
    (void)state;

    w.tctx = tevent_threaded_context_create(mem, ev);
    assert_non_null(w.tctx);
    w.im = tevent_create_immediate(mem);
    /* No wait timeout: without a wake-up the test hangs (until its
     * timeout). */
    tevent_context_set_wait_timeout(ev, UINT32_MAX);
    assert_int_equal(pthread_create(&thread, NULL, delayed_schedule, &w), 0);
    while (!w.ran && iterations < 3) {
        assert_int_equal(tevent_loop_once(ev), 0);
        iterations += 1;
    }
    assert_int_equal(pthread_join(thread, NULL), 0);
    assert_true(w.ran);
    talloc_free(mem);
}

/* ------------------------------------------------------------------ */
/* Trace points: a spurious DETACH precedes the ATTACH (upstream).     */

struct trace_log {
    enum tevent_event_trace_point points[8];
    int count;
};

static void log_immediate(struct tevent_immediate *im,
                          enum tevent_event_trace_point tp, void *private_data)
{
    struct trace_log *log = private_data;
    (void)im;
    if (log->count < 8) {
        log->points[log->count] = tp;
    }
    log->count += 1;
}

static void *schedule_once(void *arg)
{
    struct wake *w = arg;
    tevent_threaded_schedule_immediate(w->tctx, w->im, wake_handler, w);
    return NULL;
}

static void test_trace_points(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct trace_log log = {0};
    struct wake w = {0};
    pthread_t thread;
    (void)state;

    tevent_set_trace_immediate_callback(ev, log_immediate, &log);
    w.tctx = tevent_threaded_context_create(mem, ev);
    w.im = tevent_create_immediate(mem);
    assert_int_equal(pthread_create(&thread, NULL, schedule_once, &w), 0);
    assert_int_equal(pthread_join(thread, NULL), 0);
    /* Scheduling from the thread is not traced. */
    assert_int_equal(log.count, 0);
    while (!w.ran) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(log.count, 4);
    assert_int_equal(log.points[0], TEVENT_EVENT_TRACE_DETACH);
    assert_int_equal(log.points[1], TEVENT_EVENT_TRACE_ATTACH);
    assert_int_equal(log.points[2], TEVENT_EVENT_TRACE_BEFORE_HANDLER);
    assert_int_equal(log.points[3], TEVENT_EVENT_TRACE_DETACH);
    talloc_free(mem);
}

/* ------------------------------------------------------------------ */
/* Lifetimes of the threaded context and the main context.             */

static void must_not_run(struct tevent_context *ev, struct tevent_immediate *im,
                         void *private_data)
{
    (void)ev;
    (void)im;
    (void)private_data;
    fail_msg("handler of a dropped immediate ran");
}

static void test_tctx_freed_before_ev(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_threaded_context *t1, *t2;
    struct wake w = {0};
    pthread_t thread;
    (void)state;

    t1 = tevent_threaded_context_create(ev, ev);
    t2 = tevent_threaded_context_create(mem, ev);
    assert_non_null(t1);
    assert_non_null(t2);
    assert_ptr_equal(talloc_parent(t1), ev);
    assert_string_equal(talloc_get_name(t1), "struct tevent_threaded_context");

    /* Freeing one leaves the other usable. */
    assert_int_equal(talloc_free(t1), 0);
    w.tctx = t2;
    w.im = tevent_create_immediate(mem);
    assert_int_equal(pthread_create(&thread, NULL, schedule_once, &w), 0);
    assert_int_equal(pthread_join(thread, NULL), 0);
    while (!w.ran) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_int_equal(talloc_free(t2), 0);
    talloc_free(mem);
}

static void test_tctx_outlives_ev(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_threaded_context *tctx;
    struct tevent_immediate *im;
    struct wake w = {0};
    pthread_t thread;
    (void)state;

    tctx = tevent_threaded_context_create(mem, ev);
    assert_non_null(tctx);
    assert_int_equal(talloc_free(ev), 0);

    /* Scheduling through an orphaned tctx is silently ignored... */
    w.tctx = tctx;
    w.im = tevent_create_immediate(mem);
    assert_int_equal(pthread_create(&thread, NULL, schedule_once, &w), 0);
    assert_int_equal(pthread_join(thread, NULL), 0);
    /* ...so the immediate is not pending and may be freed. */
    assert_int_equal(talloc_free(w.im), 0);

    /* Also from the context's own thread. */
    im = tevent_create_immediate(mem);
    tevent_threaded_schedule_immediate(tctx, im, must_not_run, NULL);
    assert_int_equal(talloc_free(im), 0);

    assert_int_equal(talloc_free(tctx), 0);
    assert_false(w.ran);
    talloc_free(mem);
}

static void test_pending_at_ev_free(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_context *ev2 = test_context(mem);
    struct tevent_threaded_context *tctx;
    struct tevent_immediate *im;
    struct wake w = {0};
    (void)state;

    tctx = tevent_threaded_context_create(mem, ev);
    im = tevent_create_immediate(mem);
    tevent_threaded_schedule_immediate(tctx, im, must_not_run, NULL);
    /* Never activated: the context goes away first. */
    assert_int_equal(talloc_free(ev), 0);

    /* The immediate is inert: it can be used elsewhere, then freed. */
    tevent_schedule_immediate(im, ev2, wake_handler, &w);
    assert_int_equal(tevent_loop_once(ev2), 0);
    assert_true(w.ran);
    assert_int_equal(talloc_free(im), 0);
    talloc_free(mem);
}

/* ------------------------------------------------------------------ */
/* Misuse aborts hard (the abort hook is not consulted).               */

static bool abort_hook_called;

static void abort_hook(const char *reason)
{
    (void)reason;
    abort_hook_called = true;
}

static void noop_handler(struct tevent_context *ev, struct tevent_immediate *im,
                         void *private_data)
{
    (void)ev;
    (void)im;
    (void)private_data;
}

enum misuse {
    MISUSE_ALREADY_SCHEDULED,
    MISUSE_NULL_HANDLER,
    MISUSE_FREE_PENDING,
    MISUSE_SCHEDULED_TWICE,
};

static void do_misuse(enum misuse what)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_threaded_context *tctx =
        tevent_threaded_context_create(mem, ev);
    struct tevent_immediate *im = tevent_create_immediate(mem);

    tevent_set_abort_fn(abort_hook);
    switch (what) {
    case MISUSE_ALREADY_SCHEDULED:
        tevent_schedule_immediate(im, ev, noop_handler, NULL);
        tevent_threaded_schedule_immediate(tctx, im, noop_handler, NULL);
        break;
    case MISUSE_NULL_HANDLER:
        _tevent_threaded_schedule_immediate(tctx, im, NULL, NULL, "none",
                                            __location__);
        break;
    case MISUSE_FREE_PENDING:
        tevent_threaded_schedule_immediate(tctx, im, noop_handler, NULL);
        talloc_free(im);
        break;
    case MISUSE_SCHEDULED_TWICE:
        tevent_threaded_schedule_immediate(tctx, im, noop_handler, NULL);
        tevent_threaded_schedule_immediate(tctx, im, noop_handler, NULL);
        break;
    }
}

static void expect_hard_abort(enum misuse what)
{
    int status;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        do_misuse(what);
        _exit(abort_hook_called ? 2 : 0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void test_misuse_aborts(void **state)
{
    (void)state;
    expect_hard_abort(MISUSE_ALREADY_SCHEDULED);
    expect_hard_abort(MISUSE_NULL_HANDLER);
    expect_hard_abort(MISUSE_FREE_PENDING);
    expect_hard_abort(MISUSE_SCHEDULED_TWICE);
}

/* ------------------------------------------------------------------ */
/* A threaded context on a wrapper runs the wrapper's hooks.           */

struct wrap_state {
    struct tevent_context *main_ev;
    int before, after;
};

static bool w_before_use(struct tevent_context *w, void *s,
                         struct tevent_context *m, const char *l)
{
    (void)w, (void)s, (void)m, (void)l;
    return true;
}
static void w_after_use(struct tevent_context *w, void *s,
                        struct tevent_context *m, const char *l)
{
    (void)w, (void)s, (void)m, (void)l;
}
static void w_fd(struct tevent_context *w, void *s, struct tevent_context *m,
                 struct tevent_fd *f, uint16_t fl, const char *h, const char *l)
{
    (void)w, (void)s, (void)m, (void)f, (void)fl, (void)h, (void)l;
}
static void w_timer(struct tevent_context *w, void *s, struct tevent_context *m,
                    struct tevent_timer *t, struct timeval a, struct timeval b,
                    const char *h, const char *l)
{
    (void)w, (void)s, (void)m, (void)t, (void)a, (void)b, (void)h, (void)l;
}
static void w_before_im(struct tevent_context *w, void *s,
                        struct tevent_context *m, struct tevent_immediate *im,
                        const char *h, const char *l)
{
    struct wrap_state *ws = s;
    (void)w, (void)im, (void)h, (void)l;
    assert_ptr_equal(m, ws->main_ev);
    ws->before += 1;
}
static void w_after_im(struct tevent_context *w, void *s,
                       struct tevent_context *m, struct tevent_immediate *im,
                       const char *h, const char *l)
{
    struct wrap_state *ws = s;
    (void)w, (void)m, (void)im, (void)h, (void)l;
    ws->after += 1;
}
static void w_signal(struct tevent_context *w, void *s,
                     struct tevent_context *m, struct tevent_signal *se,
                     int signum, int count, void *info, const char *h,
                     const char *l)
{
    (void)w, (void)s, (void)m, (void)se, (void)signum, (void)count, (void)info,
        (void)h, (void)l;
}

static const struct tevent_wrapper_ops wrap_ops = {
    .name = "test_threads",
    .before_use = w_before_use,
    .after_use = w_after_use,
    .before_fd_handler = w_fd,
    .after_fd_handler = w_fd,
    .before_timer_handler = w_timer,
    .after_timer_handler = w_timer,
    .before_immediate_handler = w_before_im,
    .after_immediate_handler = w_after_im,
    .before_signal_handler = w_signal,
    .after_signal_handler = w_signal,
};

struct wrapped_run {
    struct tevent_context *got_ev;
    int runs;
};

static void wrapped_handler(struct tevent_context *ev,
                            struct tevent_immediate *im, void *private_data)
{
    struct wrapped_run *r = private_data;
    (void)im;
    r->got_ev = ev;
    r->runs += 1;
}

struct wrapped_producer {
    struct tevent_threaded_context *tctx;
    struct tevent_immediate *im;
    struct wrapped_run *run;
};

static void *schedule_wrapped(void *arg)
{
    struct wrapped_producer *p = arg;
    tevent_threaded_schedule_immediate(p->tctx, p->im, wrapped_handler, p->run);
    return NULL;
}

/* The wrapper API is deprecated upstream, and still supported. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static void test_tctx_on_wrapper(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_context *wrap;
    struct wrap_state *ws;
    struct wrapped_run run = {0};
    struct wrapped_producer p = {0};
    struct tevent_immediate *pending;
    pthread_t thread;
    (void)state;

    wrap = tevent_context_wrapper_create(ev, mem, &wrap_ops, &ws,
                                         struct wrap_state);
    assert_non_null(wrap);
    ws->main_ev = ev;
    p.tctx = tevent_threaded_context_create(mem, wrap);
    assert_non_null(p.tctx);
    p.im = tevent_create_immediate(mem);
    p.run = &run;
    assert_int_equal(pthread_create(&thread, NULL, schedule_wrapped, &p), 0);
    assert_int_equal(pthread_join(thread, NULL), 0);
    while (run.runs == 0) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_ptr_equal(run.got_ev, wrap);
    assert_int_equal(ws->before, 1);
    assert_int_equal(ws->after, 1);

    /* Freeing the wrapper drops what it still had pending and detaches
     * the tctx: later schedules are ignored. */
    pending = tevent_create_immediate(mem);
    tevent_threaded_schedule_immediate(p.tctx, pending, must_not_run, NULL);
    assert_int_equal(talloc_free(wrap), 0);
    assert_int_equal(talloc_free(pending), 0);
    p.im = tevent_create_immediate(mem);
    assert_int_equal(pthread_create(&thread, NULL, schedule_wrapped, &p), 0);
    assert_int_equal(pthread_join(thread, NULL), 0);
    tevent_context_set_wait_timeout(ev, 0);
    while (tevent_loop_once(ev) == 0) {
    }
    assert_int_equal(run.runs, 1);
    assert_int_equal(talloc_free(p.im), 0);
    assert_int_equal(talloc_free(p.tctx), 0);
    talloc_free(mem);
}
#pragma GCC diagnostic pop

/* ------------------------------------------------------------------ */
/* The exported activation entry point, as a custom backend uses it.   */

static void test_activate_entry_point(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_threaded_context *tctx;
    struct wake w1 = {0}, w2 = {0};
    struct trace_log log = {0};
    (void)state;

    tctx = tevent_threaded_context_create(mem, ev);
    w1.im = tevent_create_immediate(mem);
    w2.im = tevent_create_immediate(mem);
    tevent_threaded_schedule_immediate(tctx, w1.im, wake_handler, &w1);
    tevent_threaded_schedule_immediate(tctx, w2.im, wake_handler, &w2);
    tevent_set_trace_immediate_callback(ev, log_immediate, &log);
    tevent_common_threaded_activate_immediate(ev);
    /* Both moved into the immediate list, in order, none ran. */
    assert_int_equal(log.count, 4);
    assert_false(w1.ran);
    assert_false(w2.ran);
    assert_true(tevent_common_loop_immediate(ev));
    assert_true(w1.ran);
    assert_false(w2.ran);
    assert_true(tevent_common_loop_immediate(ev));
    assert_true(w2.ran);
    assert_false(tevent_common_loop_immediate(ev));
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_storm_shared_tctx),
        cmocka_unit_test(test_storm_tctx_per_thread),
        cmocka_unit_test(test_wakes_sleeping_loop),
        cmocka_unit_test(test_trace_points),
        cmocka_unit_test(test_tctx_freed_before_ev),
        cmocka_unit_test(test_tctx_outlives_ev),
        cmocka_unit_test(test_pending_at_ev_free),
        cmocka_unit_test(test_misuse_aborts),
        cmocka_unit_test(test_tctx_on_wrapper),
        cmocka_unit_test(test_activate_entry_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
