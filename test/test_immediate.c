/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Immediate events: FIFO dispatch, one per iteration, rescheduling from the
 * own handler, cancelling (NULL handler, tevent_reset_immediate, free),
 * freeing inside the own handler, tags and moving between contexts.
 */
#include "test_util.h"

#include <string.h>

#define MAX_RUNS 32

struct run_log {
    size_t n;
    int ids[MAX_RUNS];
    struct tevent_context *evs[MAX_RUNS];
    struct tevent_immediate *ims[MAX_RUNS];
};

static struct run_log g_log;

#define ID(i) ((void *)(intptr_t)(i))

static void log_handler(struct tevent_context *ev, struct tevent_immediate *im,
                        void *private_data)
{
    assert_true(g_log.n < MAX_RUNS);
    g_log.ids[g_log.n] = (int)(intptr_t)private_data;
    g_log.evs[g_log.n] = ev;
    g_log.ims[g_log.n] = im;
    g_log.n += 1;
}

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

static int setup(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    assert_non_null(mem);
    memset(&g_log, 0, sizeof(g_log));
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

static struct tevent_immediate *new_immediate(TALLOC_CTX *mem_ctx)
{
    struct tevent_immediate *im = tevent_create_immediate(mem_ctx);
    assert_non_null(im);
    return im;
}

static void test_fifo(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im[4];

    for (int i = 0; i < 4; i++) {
        im[i] = new_immediate(*state);
        tevent_schedule_immediate(im[i], ev, log_handler, ID(i));
    }
    for (int i = 0; i < 4; i++) {
        loop_once_one(ev);
        assert_ptr_equal(g_log.evs[i], ev);
        assert_ptr_equal(g_log.ims[i], im[i]);
    }
    const int expected[] = {0, 1, 2, 3};
    assert_order(expected, 4);
}

/* Scheduling an already scheduled immediate moves it to the tail. */
static void test_schedule_again_moves_to_tail(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *a = new_immediate(*state);
    struct tevent_immediate *b = new_immediate(*state);

    tevent_schedule_immediate(a, ev, log_handler, ID(1));
    tevent_schedule_immediate(b, ev, log_handler, ID(2));
    tevent_schedule_immediate(a, ev, log_handler, ID(3));
    loop_once_one(ev);
    loop_once_one(ev);
    const int expected[] = {2, 3};
    assert_order(expected, 2);
}

static void reschedule_once(struct tevent_context *ev,
                            struct tevent_immediate *im, void *private_data)
{
    log_handler(ev, im, private_data);
    if ((intptr_t)private_data == 1) {
        tevent_schedule_immediate(im, ev, reschedule_once, ID(11));
    }
}

static void test_reschedule_from_own_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *a = new_immediate(*state);
    struct tevent_immediate *b = new_immediate(*state);
    struct tevent_immediate *c = new_immediate(*state);

    tevent_schedule_immediate(a, ev, reschedule_once, ID(1));
    tevent_schedule_immediate(b, ev, log_handler, ID(2));
    tevent_schedule_immediate(c, ev, log_handler, ID(3));
    for (int i = 0; i < 4; i++) {
        loop_once_one(ev);
    }
    /* The rescheduled one goes behind the already pending ones. */
    const int expected[] = {1, 2, 3, 11};
    assert_order(expected, 4);
    assert_ptr_equal(g_log.ims[3], a);
}

/* Marker immediate: tells "nothing else was pending" without blocking. */
static void run_marker(struct tevent_context *ev, TALLOC_CTX *mem_ctx)
{
    struct tevent_immediate *marker = new_immediate(mem_ctx);
    size_t before = g_log.n;
    tevent_schedule_immediate(marker, ev, log_handler, ID(-1));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_log.n, before + 1);
    assert_int_equal(g_log.ids[before], -1);
}

static void test_schedule_null_handler_cancels(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = new_immediate(*state);

    tevent_schedule_immediate(im, ev, log_handler, ID(1));
    tevent_schedule_immediate(im, ev, NULL, NULL);
    run_marker(ev, *state);
    const int expected[] = {-1};
    assert_order(expected, 1);

    /* It can be scheduled again afterwards. */
    tevent_schedule_immediate(im, ev, log_handler, ID(2));
    loop_once_one(ev);
    assert_int_equal(g_log.ids[1], 2);
}

static void test_reset_immediate(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = new_immediate(*state);

    /* Not scheduled: a no-op. */
    tevent_reset_immediate(im);
    tevent_schedule_immediate(im, ev, log_handler, ID(1));
    tevent_reset_immediate(im);
    tevent_reset_immediate(im);
    run_marker(ev, *state);
    tevent_schedule_immediate(im, ev, log_handler, ID(2));
    loop_once_one(ev);
    const int expected[] = {-1, 2};
    assert_order(expected, 2);
    assert_null(g_abort_reason);
}

static void test_free_while_scheduled(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = new_immediate(*state);
    bool freed;
    watch_free(im, &freed);

    tevent_schedule_immediate(im, ev, log_handler, ID(1));
    assert_int_equal(talloc_free(im), 0);
    assert_true(freed);
    run_marker(ev, *state);
    const int expected[] = {-1};
    assert_order(expected, 1);
}

struct free_self {
    bool freed;
    bool freed_during_handler;
    int free_ret;
};

static void free_self_handler(struct tevent_context *ev,
                              struct tevent_immediate *im, void *private_data)
{
    struct free_self *fs = private_data;
    (void)ev;
    fs->free_ret = talloc_free(im);
    fs->freed_during_handler = fs->freed;
}

static void test_free_in_own_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = new_immediate(*state);
    struct free_self fs = {.free_ret = 99};
    watch_free(im, &fs.freed);

    tevent_schedule_immediate(im, ev, free_self_handler, &fs);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(fs.free_ret, -1);
    assert_false(fs.freed_during_handler);
    assert_true(fs.freed);
    assert_null(g_abort_reason);
}

/* Not scheduled again after its handler: stays allocated and reusable. */
static void test_not_freed_after_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = new_immediate(*state);
    bool freed;
    watch_free(im, &freed);

    tevent_schedule_immediate(im, ev, log_handler, ID(1));
    loop_once_one(ev);
    assert_false(freed);
    tevent_schedule_immediate(im, ev, log_handler, ID(2));
    loop_once_one(ev);
    assert_false(freed);
    assert_int_equal(talloc_free(im), 0);
    assert_true(freed);
}

static void tag_handler(struct tevent_context *ev, struct tevent_immediate *im,
                        void *private_data)
{
    log_handler(ev, im, private_data);
    assert_true(tevent_immediate_get_tag(im) == 0xfeedULL);
    if ((intptr_t)private_data == 1) {
        tevent_schedule_immediate(im, ev, tag_handler, ID(2));
        assert_true(tevent_immediate_get_tag(im) == 0xfeedULL);
    }
}

static void test_tags(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = new_immediate(*state);

    tevent_immediate_set_tag(NULL, 1);
    assert_int_equal(tevent_immediate_get_tag(NULL), 0);
    assert_int_equal(tevent_immediate_get_tag(im), 0);
    tevent_immediate_set_tag(im, 0xfeedULL);
    tevent_schedule_immediate(im, ev, tag_handler, ID(1));
    assert_true(tevent_immediate_get_tag(im) == 0xfeedULL);
    loop_once_one(ev);
    loop_once_one(ev);
    const int expected[] = {1, 2};
    assert_order(expected, 2);
    tevent_schedule_immediate(im, ev, tag_handler, ID(3));
    tevent_reset_immediate(im);
    assert_true(tevent_immediate_get_tag(im) == 0xfeedULL);
}

static void test_move_between_contexts(void **state)
{
    struct tevent_context *ev1 = test_context(*state);
    struct tevent_context *ev2 = test_context(*state);
    struct tevent_immediate *im = new_immediate(*state);

    tevent_schedule_immediate(im, ev1, log_handler, ID(1));
    tevent_schedule_immediate(im, ev2, log_handler, ID(2));

    /* ev1 lost it: only its own marker runs there. */
    run_marker(ev1, *state);
    loop_once_one(ev2);
    const int expected[] = {-1, 2};
    assert_order(expected, 2);
    assert_ptr_equal(g_log.evs[1], ev2);
    assert_ptr_equal(g_log.ims[1], im);
}

static struct tevent_context *g_other_ev;

static void move_to_other(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    log_handler(ev, im, private_data);
    tevent_schedule_immediate(im, g_other_ev, log_handler, ID(2));
}

static void test_reschedule_on_other_context(void **state)
{
    struct tevent_context *ev1 = test_context(*state);
    struct tevent_immediate *im = new_immediate(*state);
    g_other_ev = test_context(*state);

    tevent_schedule_immediate(im, ev1, move_to_other, ID(1));
    loop_once_one(ev1);
    run_marker(ev1, *state);
    loop_once_one(g_other_ev);
    const int expected[] = {1, -1, 2};
    assert_order(expected, 3);
    assert_ptr_equal(g_log.evs[0], ev1);
    assert_ptr_equal(g_log.evs[2], g_other_ev);
}

static struct tevent_immediate *g_victim;

static void cancel_victim(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    log_handler(ev, im, private_data);
    tevent_reset_immediate(g_victim);
}

static void test_cancel_other_in_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *a = new_immediate(*state);
    struct tevent_immediate *c = new_immediate(*state);
    g_victim = new_immediate(*state);

    tevent_schedule_immediate(a, ev, cancel_victim, ID(1));
    tevent_schedule_immediate(g_victim, ev, log_handler, ID(2));
    tevent_schedule_immediate(c, ev, log_handler, ID(3));
    loop_once_one(ev);
    loop_once_one(ev);
    const int expected[] = {1, 3};
    assert_order(expected, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schedule_again_moves_to_tail,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reschedule_from_own_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_schedule_null_handler_cancels,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_immediate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_while_scheduled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_free_in_own_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_not_freed_after_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_between_contexts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reschedule_on_other_context, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cancel_other_in_handler, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
