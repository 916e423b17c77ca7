/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Timers: dispatch order (deadline, FIFO among equal deadlines, the zero
 * deadline shortcut and its corner case), one-shot auto-free, freeing from
 * handlers, tevent_update_timer and tags.
 */
#include "test_util.h"

#include <string.h>

/* Exported backend-writer function (upstream declares it in the uninstalled
 * tevent_internal.h). */
struct tevent_timer *
tevent_common_add_timer(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                        struct timeval next_event,
                        tevent_timer_handler_t handler, void *private_data,
                        const char *handler_name, const char *location);

#define MAX_RUNS 64

/* What the handlers saw, in dispatch order. */
struct run_log {
    size_t n;
    int ids[MAX_RUNS];
    struct tevent_context *evs[MAX_RUNS];
    struct tevent_timer *tes[MAX_RUNS];
    struct timeval times[MAX_RUNS];
};

static struct run_log g_log;

static void log_reset(void)
{
    memset(&g_log, 0, sizeof(g_log));
}

static void log_timer(struct tevent_context *ev, struct tevent_timer *te,
                      struct timeval current_time, void *private_data)
{
    assert_true(g_log.n < MAX_RUNS);
    g_log.ids[g_log.n] = (int)(intptr_t)private_data;
    g_log.evs[g_log.n] = ev;
    g_log.tes[g_log.n] = te;
    g_log.times[g_log.n] = current_time;
    g_log.n += 1;
}

static void log_immediate(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    (void)ev;
    (void)im;
    assert_true(g_log.n < MAX_RUNS);
    g_log.ids[g_log.n] = (int)(intptr_t)private_data;
    g_log.n += 1;
}

/* Runs one iteration and checks that it ran exactly one handler. */
static void loop_once_one(struct tevent_context *ev)
{
    size_t before = g_log.n;
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_log.n, before + 1);
}

static void assert_order(const int *expected, size_t n)
{
    assert_int_equal(g_log.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(g_log.ids[i], expected[i]);
    }
}

#define ID(i) ((void *)(intptr_t)(i))

static int setup(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    assert_non_null(mem);
    log_reset();
    g_abort_reason = NULL;
    tevent_set_abort_fn(record_abort);
    *state = mem;
    return 0;
}

static int teardown(void **state)
{
    tevent_set_abort_fn(NULL);
    assert_int_equal(talloc_free(*state), 0);
    return 0;
}

static void test_equal_deadlines_fifo(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct timeval t = tevent_timeval_set(100, 5);

    for (int i = 0; i < 5; i++) {
        assert_non_null(tevent_add_timer(ev, ev, t, log_timer, ID(i)));
    }
    /* An earlier deadline added last still runs first. */
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_set(100, 4), log_timer, ID(5)));
    /* A later deadline added early runs last. */
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_set(101, 0), log_timer, ID(6)));
    for (int i = 0; i < 7; i++) {
        loop_once_one(ev);
    }
    const int expected[] = {5, 0, 1, 2, 3, 4, 6};
    assert_order(expected, 7);
}

static void test_handler_arguments(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct timeval before = tevent_timeval_current();
    struct timeval deadline = tevent_timeval_current_ofs(0, 20000);
    struct tevent_timer *te =
        tevent_add_timer(ev, *state, deadline, log_timer, ID(7));
    assert_non_null(te);

    loop_once_one(ev);
    struct timeval after = tevent_timeval_current();
    assert_ptr_equal(g_log.evs[0], ev);
    assert_ptr_equal(g_log.tes[0], te);
    assert_int_equal(g_log.ids[0], 7);
    /* A non-zero timer gets the time read just before dispatch, which is
     * not before its deadline. */
    assert_true(tevent_timeval_compare(&g_log.times[0], &deadline) >= 0);
    assert_true(tevent_timeval_compare(&g_log.times[0], &before) >= 0);
    assert_true(tevent_timeval_compare(&g_log.times[0], &after) <= 0);
}

static void test_zero_timers_before_due_timers(void **state)
{
    struct tevent_context *ev = test_context(*state);

    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_set(1, 0), log_timer, ID(1)));
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(2)));
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(3)));
    for (int i = 0; i < 3; i++) {
        loop_once_one(ev);
    }
    const int expected[] = {2, 3, 1};
    assert_order(expected, 3);
    /* Zero-deadline handlers get {0,0}: no clock read. */
    assert_true(tevent_timeval_is_zero(&g_log.times[0]));
    assert_true(tevent_timeval_is_zero(&g_log.times[1]));
    assert_false(tevent_timeval_is_zero(&g_log.times[2]));
}

struct resched {
    struct tevent_immediate *im;
    int remaining;
};

static void reschedule_handler(struct tevent_context *ev,
                               struct tevent_immediate *im, void *private_data)
{
    struct resched *r = private_data;
    log_immediate(ev, im, ID(100));
    if (r->remaining > 0) {
        r->remaining -= 1;
        tevent_schedule_immediate(im, ev, reschedule_handler, r);
    }
}

static void test_zero_timer_waits_for_immediates(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct resched r = {.im = tevent_create_immediate(*state), .remaining = 3};
    assert_non_null(r.im);

    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(1)));
    tevent_schedule_immediate(r.im, ev, reschedule_handler, &r);
    for (int i = 0; i < 5; i++) {
        loop_once_one(ev);
    }
    /* The zero timer only runs once no immediate is pending. */
    const int expected[] = {100, 100, 100, 100, 1};
    assert_order(expected, 5);
}

static void test_auto_free_after_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    bool freed;
    struct tevent_timer *te =
        tevent_add_timer(ev, *state, tevent_timeval_zero(), log_timer, ID(1));
    assert_non_null(te);
    watch_free(te, &freed);

    loop_once_one(ev);
    assert_ptr_equal(g_log.tes[0], te);
    assert_true(freed);
    assert_null(g_abort_reason);
}

struct free_self {
    bool freed;
    bool freed_during_handler;
    int free_ret;
};

static void free_self_handler(struct tevent_context *ev,
                              struct tevent_timer *te,
                              struct timeval current_time, void *private_data)
{
    struct free_self *fs = private_data;
    (void)ev;
    (void)current_time;
    fs->free_ret = talloc_free(te);
    fs->freed_during_handler = fs->freed;
}

static void test_free_in_own_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct free_self fs = {.free_ret = 99};
    struct tevent_timer *te = tevent_add_timer(
        ev, *state, tevent_timeval_zero(), free_self_handler, &fs);
    assert_non_null(te);
    watch_free(te, &fs.freed);

    assert_int_equal(tevent_loop_once(ev), 0);
    /* The free is deferred until the handler returns. */
    assert_int_equal(fs.free_ret, -1);
    assert_false(fs.freed_during_handler);
    assert_true(fs.freed);
    assert_null(g_abort_reason);
}

static void test_free_pending_timer(void **state)
{
    struct tevent_context *ev = test_context(*state);
    bool freed;
    struct tevent_timer *te =
        tevent_add_timer(ev, *state, tevent_timeval_zero(), log_timer, ID(1));
    assert_non_null(te);
    watch_free(te, &freed);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(2)));

    assert_int_equal(talloc_free(te), 0);
    assert_true(freed);
    loop_once_one(ev);
    const int expected[] = {2};
    assert_order(expected, 1);
}

static struct tevent_timer *g_victim;

static void free_victim_handler(struct tevent_context *ev,
                                struct tevent_timer *te,
                                struct timeval current_time, void *private_data)
{
    log_timer(ev, te, current_time, private_data);
    assert_int_equal(talloc_free(g_victim), 0);
    g_victim = NULL;
}

static void test_free_other_timer_in_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);

    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_zero(),
                                     free_victim_handler, ID(1)));
    g_victim =
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(2));
    assert_non_null(g_victim);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_set(1, 0), log_timer, ID(3)));
    loop_once_one(ev);
    loop_once_one(ev);
    const int expected[] = {1, 3};
    assert_order(expected, 2);
}

static void add_zero_timer_handler(struct tevent_context *ev,
                                   struct tevent_timer *te,
                                   struct timeval current_time,
                                   void *private_data)
{
    log_timer(ev, te, current_time, private_data);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(9)));
}

static void test_timer_added_in_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);

    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_zero(),
                                     add_zero_timer_handler, ID(1)));
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(2)));
    for (int i = 0; i < 3; i++) {
        loop_once_one(ev);
    }
    /* The new zero timer queues behind the pending zero timer. */
    const int expected[] = {1, 2, 9};
    assert_order(expected, 3);
}

struct trace_rec {
    size_t n;
    struct tevent_timer *te[16];
    enum tevent_event_trace_point tp[16];
};

static void record_timer_trace(struct tevent_timer *te,
                               enum tevent_event_trace_point tp,
                               void *private_data)
{
    struct trace_rec *r = private_data;
    assert_true(r->n < 16);
    r->te[r->n] = te;
    r->tp[r->n] = tp;
    r->n += 1;
}

static void test_update_timer(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct timeval t = tevent_timeval_set(50, 0);
    struct tevent_timer *te[3];
    struct trace_rec rec = {0};

    for (int i = 0; i < 3; i++) {
        te[i] = tevent_add_timer(ev, ev, t, log_timer, ID(i));
        assert_non_null(te[i]);
    }
    tevent_timer_set_tag(te[0], 77);
    tevent_set_trace_timer_callback(ev, record_timer_trace, &rec);

    /* Same deadline again: goes behind the other timers of that deadline. */
    tevent_update_timer(te[0], t);
    assert_int_equal(rec.n, 2);
    assert_ptr_equal(rec.te[0], te[0]);
    assert_int_equal(rec.tp[0], TEVENT_EVENT_TRACE_DETACH);
    assert_ptr_equal(rec.te[1], te[0]);
    assert_int_equal(rec.tp[1], TEVENT_EVENT_TRACE_ATTACH);
    assert_int_equal(tevent_timer_get_tag(te[0]), 77);

    /* An earlier deadline moves it to the front. */
    tevent_update_timer(te[2], tevent_timeval_set(49, 999999));

    tevent_set_trace_timer_callback(ev, NULL, NULL);
    for (int i = 0; i < 3; i++) {
        loop_once_one(ev);
    }
    const int expected[] = {2, 1, 0};
    assert_order(expected, 3);
}

static void test_update_timer_to_future(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_timer *a =
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(1));
    assert_non_null(a);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_set(1, 0), log_timer, ID(2)));
    tevent_update_timer(a, tevent_timeval_current_ofs(0, 30000));

    loop_once_one(ev);
    loop_once_one(ev);
    const int expected[] = {2, 1};
    assert_order(expected, 2);
    assert_false(tevent_timeval_is_zero(&g_log.times[1]));
}

/*
 * S-14: tevent_update_timer(te, zero) places te by a sorted insert and does
 * not make it the "last zero timer", so zero timers added afterwards through
 * tevent_add_timer() run before it - unless another shortcut zero timer
 * was already pending, behind which new ones queue.
 */
static void test_update_timer_zero_corner(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_timer *te = tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(100, 0), log_timer, ID(1));
    assert_non_null(te);
    tevent_update_timer(te, tevent_timeval_zero());
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(2)));
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(3)));
    for (int i = 0; i < 3; i++) {
        loop_once_one(ev);
    }
    const int expected[] = {2, 3, 1};
    assert_order(expected, 3);
    assert_true(tevent_timeval_is_zero(&g_log.times[2]));
}

static void test_update_timer_zero_behind_shortcut(void **state)
{
    struct tevent_context *ev = test_context(*state);

    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(1)));
    struct tevent_timer *te = tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(100, 0), log_timer, ID(2));
    assert_non_null(te);
    tevent_update_timer(te, tevent_timeval_zero());
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(3)));
    for (int i = 0; i < 3; i++) {
        loop_once_one(ev);
    }
    const int expected[] = {1, 3, 2};
    assert_order(expected, 3);
}

/* tevent_common_add_timer() has no zero shortcut: a zero timer added by it
 * is overtaken by a later tevent_add_timer() zero timer. */
static void test_common_add_timer_without_shortcut(void **state)
{
    struct tevent_context *ev = test_context(*state);

    assert_non_null(tevent_common_add_timer(ev, ev, tevent_timeval_zero(),
                                            log_timer, ID(1), "log_timer",
                                            __location__));
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(2)));
    loop_once_one(ev);
    loop_once_one(ev);
    const int expected[] = {2, 1};
    assert_order(expected, 2);
}

#define NUM_RANDOM 10000

struct random_run {
    struct timeval deadline[NUM_RANDOM];
    struct tevent_timer *te[NUM_RANDOM];
    bool cancelled[NUM_RANDOM];
    int order[NUM_RANDOM];
    size_t n;
};

static struct random_run *g_random;

static void random_handler(struct tevent_context *ev, struct tevent_timer *te,
                           struct timeval current_time, void *private_data)
{
    int id = (int)(intptr_t)private_data;
    (void)ev;
    (void)current_time;
    assert_true(g_random->n < NUM_RANDOM);
    assert_ptr_equal(g_random->te[id], te);
    g_random->order[g_random->n++] = id;
}

static void test_many_random_timers(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct random_run *rr = talloc_zero(*state, struct random_run);
    size_t expected = 0;
    assert_non_null(rr);
    g_random = rr;

    srandom(4711);
    for (int i = 0; i < NUM_RANDOM; i++) {
        /* Few distinct deadlines, so many ties test the FIFO rule;
         * all in the past, so every one is due. */
        rr->deadline[i] =
            tevent_timeval_set(1 + random() % 50, (random() % 10) * 100000);
        rr->te[i] =
            tevent_add_timer(ev, ev, rr->deadline[i], random_handler, ID(i));
        assert_non_null(rr->te[i]);
    }
    /* Cancel some of them again, from anywhere in the queue. */
    for (int i = 0; i < NUM_RANDOM; i++) {
        if (random() % 10 == 0) {
            assert_int_equal(talloc_free(rr->te[i]), 0);
            rr->cancelled[i] = true;
        } else {
            expected += 1;
        }
    }
    for (size_t i = 0; i < expected; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_int_equal(rr->n, i + 1);
    }
    for (size_t i = 0; i < expected; i++) {
        assert_false(rr->cancelled[rr->order[i]]);
    }
    for (size_t i = 1; i < expected; i++) {
        int a = rr->order[i - 1];
        int b = rr->order[i];
        int cmp = tevent_timeval_compare(&rr->deadline[a], &rr->deadline[b]);
        assert_true(cmp < 0 || (cmp == 0 && a < b));
    }
}

static void test_tags(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_timer *te = tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(100, 0), log_timer, ID(1));
    assert_non_null(te);

    tevent_timer_set_tag(NULL, 5);
    assert_int_equal(tevent_timer_get_tag(NULL), 0);
    assert_int_equal(tevent_timer_get_tag(te), 0);
    tevent_timer_set_tag(te, UINT64_MAX);
    assert_true(tevent_timer_get_tag(te) == UINT64_MAX);
    tevent_timer_set_tag(te, 0x1234567890ULL);
    assert_true(tevent_timer_get_tag(te) == 0x1234567890ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_equal_deadlines_fifo, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_handler_arguments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_zero_timers_before_due_timers,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_timer_waits_for_immediates,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_free_after_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_free_in_own_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_free_pending_timer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_free_other_timer_in_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timer_added_in_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_update_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_timer_to_future, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_update_timer_zero_corner, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_update_timer_zero_behind_shortcut,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_common_add_timer_without_shortcut,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_random_timers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tags, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
