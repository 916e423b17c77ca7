/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * tevent_queue_add_optimize_empty() triggers directly only when the queue
 * is running and empty; otherwise it queues like tevent_queue_add() and
 * nothing is triggered inside the call.
 */
#include <string.h>

#include "test_util.h"

#define MAX_TRIGGERS 8
static const char *triggered[MAX_TRIGGERS];
static int n_triggered;

static void record_trigger(struct tevent_req *req, void *name)
{
    (void)req;
    assert_true(n_triggered < MAX_TRIGGERS);
    triggered[n_triggered++] = name;
}

struct fixture {
    TALLOC_CTX *mem;
    struct tevent_context *ev;
    struct tevent_queue *q;
};

static int setup(void **state)
{
    struct fixture *f = talloc_zero(NULL, struct fixture);
    assert_non_null(f);
    f->mem = talloc_new(f);
    f->ev = test_context(f->mem);
    f->q = tevent_queue_create(f->mem, "q");
    assert_non_null(f->q);
    n_triggered = 0;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    talloc_free(*state);
    return 0;
}

static struct tevent_req *new_req(struct fixture *f)
{
    int *st;
    struct tevent_req *req = tevent_req_create(f->mem, &st, int);
    assert_non_null(req);
    return req;
}

/* The head was added normally and waits for the queue's immediate. */
static void test_head_waits_for_trigger(void **state)
{
    struct fixture *f = *state;
    struct tevent_req *r0 = new_req(f);
    struct tevent_req *r1 = new_req(f);

    struct tevent_queue_entry *e;

    e = tevent_queue_add_entry(f->q, f->ev, r0, record_trigger, (void *)"r0");
    assert_non_null(e);
    assert_int_equal(n_triggered, 0);
    e = tevent_queue_add_optimize_empty(f->q, f->ev, r1, record_trigger,
                                        (void *)"r1");
    assert_non_null(e);
    assert_int_equal(n_triggered, 0);
    assert_int_equal(tevent_queue_length(f->q), 2);

    assert_int_equal(tevent_loop_once(f->ev), 0);
    assert_int_equal(n_triggered, 1);
    assert_string_equal(triggered[0], "r0");

    tevent_req_done(r0);
    talloc_free(r0);
    assert_int_equal(tevent_loop_once(f->ev), 0);
    assert_int_equal(n_triggered, 2);
    assert_string_equal(triggered[1], "r1");
}

/* An empty but stopped queue: nothing runs until it is started. */
static void test_stopped_empty_queue(void **state)
{
    struct fixture *f = *state;
    struct tevent_req *r0 = new_req(f);
    struct tevent_queue_entry *e;

    tevent_queue_stop(f->q);
    e = tevent_queue_add_optimize_empty(f->q, f->ev, r0, record_trigger,
                                        (void *)"r0");
    assert_non_null(e);
    assert_int_equal(n_triggered, 0);
    tevent_queue_start(f->q);
    assert_int_equal(n_triggered, 0);
    assert_int_equal(tevent_loop_once(f->ev), 0);
    assert_int_equal(n_triggered, 1);
    assert_string_equal(triggered[0], "r0");
}

/* The direct case, for contrast: running and empty triggers in the call. */
static void test_running_empty_queue(void **state)
{
    struct fixture *f = *state;
    struct tevent_req *r0 = new_req(f);
    struct tevent_queue_entry *e;

    e = tevent_queue_add_optimize_empty(f->q, f->ev, r0, record_trigger,
                                        (void *)"r0");
    assert_non_null(e);
    assert_int_equal(n_triggered, 1);
    assert_string_equal(triggered[0], "r0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_head_waits_for_trigger, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stopped_empty_queue, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_running_empty_queue, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
