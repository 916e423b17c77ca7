/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * tevent_queue and the 0.15+ interfaces: trigger names recorded by the
 * macros, and the QUEUE_ENTER / QUEUE_TRIGGER / QUEUE_LEAVE call-depth
 * notifications, interleaved with the queue trace points.
 */
#include <string.h>

#include "test_util.h"

enum ev_kind {
    EV_CREATE,
    EV_ENTER,
    EV_TRIGGER,
    EV_LEAVE,
    EV_ATTACH,
    EV_BEFORE,
    EV_DETACH,
};

struct event {
    enum ev_kind kind;
    const void *obj; /* req for call depth, entry for traces */
    size_t depth;
    const char *name;
};

struct event_log {
    int n;
    struct event events[64];
};

static void add_event(struct event_log *log, enum ev_kind kind, const void *obj,
                      size_t depth, const char *name)
{
    assert_true(log->n < 64);
    log->events[log->n++] = (struct event){kind, obj, depth, name};
}

static void depth_cb(void *private_data, enum tevent_thread_call_depth_cmd cmd,
                     struct tevent_req *req, size_t depth, const char *fname)
{
    struct event_log *log = private_data;
    switch (cmd) {
    case TEVENT_CALL_FLOW_REQ_CREATE:
        add_event(log, EV_CREATE, req, depth, fname);
        break;
    case TEVENT_CALL_FLOW_REQ_QUEUE_ENTER:
        add_event(log, EV_ENTER, req, depth, fname);
        break;
    case TEVENT_CALL_FLOW_REQ_QUEUE_TRIGGER:
        add_event(log, EV_TRIGGER, req, depth, fname);
        break;
    case TEVENT_CALL_FLOW_REQ_QUEUE_LEAVE:
        add_event(log, EV_LEAVE, req, depth, fname);
        break;
    default:
        /* request and loop events are covered by the tevent_req tests */
        break;
    }
}

static void trace_cb(struct tevent_queue_entry *qe,
                     enum tevent_event_trace_point tp, void *private_data)
{
    static const enum ev_kind kinds[] = {
        [TEVENT_EVENT_TRACE_ATTACH] = EV_ATTACH,
        [TEVENT_EVENT_TRACE_DETACH] = EV_DETACH,
        [TEVENT_EVENT_TRACE_BEFORE_HANDLER] = EV_BEFORE,
    };
    add_event(private_data, kinds[tp], qe, 0, NULL);
}

static void assert_event(const struct event_log *log, int i, enum ev_kind kind,
                         const void *obj, size_t depth, const char *name)
{
    const struct event *e;
    assert_true(i < log->n);
    e = &log->events[i];
    assert_int_equal(e->kind, kind);
    assert_ptr_equal(e->obj, obj);
    assert_int_equal(e->depth, depth);
    if (name == NULL) {
        assert_null(e->name);
    } else {
        assert_non_null(e->name);
        assert_string_equal(e->name, name);
    }
}

struct job_state {
    int dummy;
};

static struct tevent_req *parent_send(TALLOC_CTX *mem_ctx, void **pstate)
{
    struct job_state *state;
    struct tevent_req *req =
        tevent_req_create(mem_ctx, &state, struct job_state);
    assert_non_null(req);
    *pstate = state;
    return req;
}

static struct tevent_req *child_send(TALLOC_CTX *mem_ctx)
{
    struct job_state *state;
    struct tevent_req *req =
        tevent_req_create(mem_ctx, &state, struct job_state);
    assert_non_null(req);
    return req;
}

static void child_trigger(struct tevent_req *req, void *private_data)
{
    (void)req;
    (*(int *)private_data)++;
}

static void direct_trigger(struct tevent_req *req, void *private_data)
{
    (void)req;
    (*(int *)private_data)++;
}

/* Runs every immediate that is pending now, without ever blocking. */
static void sentinel_handler(struct tevent_context *ev,
                             struct tevent_immediate *im, void *private_data)
{
    (void)ev;
    (void)im;
    *(bool *)private_data = true;
}

static void flush(struct tevent_context *ev)
{
    bool done = false;
    struct tevent_immediate *im = tevent_create_immediate(ev);
    assert_non_null(im);
    tevent_schedule_immediate(im, ev, sentinel_handler, &done);
    while (!done) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    talloc_free(im);
}

static void test_sequence(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct event_log log = {0};
    struct tevent_req *parent, *child;
    struct tevent_queue_entry *ec, *ep;
    void *parent_state;
    int triggers = 0;
    (void)state;

    tevent_set_trace_queue_callback(ev, trace_cb, &log);
    tevent_thread_call_depth_set_callback(depth_cb, &log);

    parent = parent_send(mem, &parent_state);
    child = child_send(parent_state);
    assert_event(&log, 0, EV_CREATE, parent, 0, "parent_send");
    assert_event(&log, 1, EV_CREATE, child, 1, "child_send");

    ec = tevent_queue_add_entry(q, ev, child, child_trigger, &triggers);
    ep = tevent_queue_add_entry(q, ev, parent, NULL, NULL);
    assert_int_equal(log.n, 6);
    assert_event(&log, 2, EV_ATTACH, ec, 0, NULL);
    assert_event(&log, 3, EV_ENTER, child, 1, "child_trigger");
    assert_event(&log, 4, EV_ATTACH, ep, 0, NULL);
    assert_event(&log, 5, EV_ENTER, parent, 0, "NULL");

    flush(ev);
    assert_int_equal(triggers, 1);
    assert_int_equal(log.n, 8);
    assert_event(&log, 6, EV_BEFORE, ec, 0, NULL);
    assert_event(&log, 7, EV_TRIGGER, child, 1, "child_trigger");

    /* A waiting entry leaves: QUEUE_LEAVE names the head's request and
     * depth, with the leaving entry's trigger name. */
    talloc_free(ep);
    assert_int_equal(log.n, 10);
    assert_event(&log, 8, EV_DETACH, ep, 0, NULL);
    assert_event(&log, 9, EV_LEAVE, child, 1, "NULL");

    talloc_free(child);
    assert_int_equal(log.n, 12);
    assert_event(&log, 10, EV_DETACH, ec, 0, NULL);
    assert_event(&log, 11, EV_LEAVE, child, 1, "child_trigger");

    tevent_thread_call_depth_set_callback(NULL, NULL);
    talloc_free(mem);
}

/* optimize_empty's direct trigger has no QUEUE_TRIGGER notification. */
static void test_direct_trigger(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct event_log log = {0};
    struct tevent_req *req = child_send(mem);
    struct tevent_queue_entry *e;
    int triggers = 0;
    (void)state;

    tevent_set_trace_queue_callback(ev, trace_cb, &log);
    tevent_thread_call_depth_set_callback(depth_cb, &log);
    e = tevent_queue_add_optimize_empty(q, ev, req, direct_trigger, &triggers);
    assert_int_equal(triggers, 1);
    assert_int_equal(log.n, 3);
    assert_event(&log, 0, EV_ATTACH, e, 0, NULL);
    assert_event(&log, 1, EV_ENTER, req, 0, "direct_trigger");
    assert_event(&log, 2, EV_BEFORE, e, 0, NULL);

    tevent_thread_call_depth_set_callback(NULL, NULL);
    talloc_free(mem);
}

/* The macros record the trigger's spelling; the plain functions kept for
 * old binaries record no name. */
static void test_trigger_names(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct event_log log = {0};
    struct tevent_req *r[6];
    struct tevent_queue_entry *e;
    int triggers = 0;
    int i;
    (void)state;

    for (i = 0; i < 6; i++) {
        r[i] = child_send(mem);
    }
    tevent_queue_stop(q);
    tevent_thread_call_depth_set_callback(depth_cb, &log);
    assert_true(tevent_queue_add(q, ev, r[0], child_trigger, &triggers));
    /* this macro expands to a statement with its own ';' */
    e = tevent_queue_add_entry(q, ev, r[1], child_trigger, &triggers);
    assert_non_null(e);
    assert_non_null(
        tevent_queue_add_optimize_empty(q, ev, r[2], child_trigger, &triggers));
    assert_true((tevent_queue_add)(q, ev, r[3], child_trigger, &triggers));
    assert_non_null(
        (tevent_queue_add_entry)(q, ev, r[4], child_trigger, &triggers));
    assert_non_null((tevent_queue_add_optimize_empty)(q, ev, r[5],
                                                      child_trigger,
                                                      &triggers));
    assert_int_equal(log.n, 6);
    for (i = 0; i < 6; i++) {
        assert_event(&log, i, EV_ENTER, r[i], 0,
                     i < 3 ? "child_trigger" : NULL);
    }

    /* The trigger reports the name of the entry it triggers. */
    tevent_queue_start(q);
    flush(ev);
    assert_event(&log, 6, EV_TRIGGER, r[0], 0, "child_trigger");
    talloc_free(r[0]);
    talloc_free(r[1]);
    talloc_free(r[2]);
    flush(ev);
    assert_int_equal(log.n, 11);
    assert_event(&log, 10, EV_TRIGGER, r[3], 0, NULL);

    tevent_thread_call_depth_set_callback(NULL, NULL);
    talloc_free(mem);
}

static void test_wait_send_names(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct event_log log = {0};
    struct tevent_req *w;
    (void)state;

    tevent_thread_call_depth_set_callback(depth_cb, &log);
    w = tevent_queue_wait_send(mem, ev, q);
    assert_non_null(w);
    flush(ev);
    assert_false(tevent_req_is_in_progress(w));
    assert_int_equal(log.n, 3);
    assert_event(&log, 0, EV_CREATE, w, 0, "tevent_queue_wait_send");
    assert_event(&log, 1, EV_ENTER, w, 0, "tevent_queue_wait_trigger");
    assert_event(&log, 2, EV_TRIGGER, w, 0, "tevent_queue_wait_trigger");

    tevent_thread_call_depth_set_callback(NULL, NULL);
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequence),
        cmocka_unit_test(test_direct_trigger),
        cmocka_unit_test(test_trigger_names),
        cmocka_unit_test(test_wait_send_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
