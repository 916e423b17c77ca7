/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * tevent_queue: triggering, advancing, stop/start, untrigger, wait_send,
 * trace points, tags, wrappers and scale.
 *
 * Only API that tevent 0.14 already had is used, so that this file also
 * builds against Debian's /usr/include/tevent.h for a differential run
 * against the reference library.  The 0.15+ parts (call depth, trigger
 * names) are in test_queue_calldepth.c.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

#if defined(TEST_WITH_TEVENT_014_HEADER) && defined(TEVENT_FD_ERROR)
#error "this build is meant to use Debian's 0.14.1 tevent.h"
#endif

/* ------------------------------------------------------------------ */
/* A trivial request type and a log of the triggers that ran. */

struct job_state {
    int id;
};

#define LOG_MAX 64

/* Where a trigger ran: inside which test step (see log.phase). */
struct log {
    int phase;
    int n;
    int ids[LOG_MAX];
    int phases[LOG_MAX];
};

static struct tevent_req *job_create(TALLOC_CTX *mem_ctx, int id)
{
    struct job_state *state;
    struct tevent_req *req =
        tevent_req_create(mem_ctx, &state, struct job_state);
    assert_non_null(req);
    state->id = id;
    return req;
}

static int job_id(struct tevent_req *req)
{
    struct job_state *state = tevent_req_data(req, struct job_state);
    return state->id;
}

static void log_trigger(struct tevent_req *req, void *private_data)
{
    struct log *log = private_data;
    assert_true(log->n < LOG_MAX);
    log->ids[log->n] = job_id(req);
    log->phases[log->n] = log->phase;
    log->n++;
}

static void assert_log(const struct log *log, int n, const int *ids,
                       const int *phases)
{
    int i;
    assert_int_equal(log->n, n);
    for (i = 0; i < n; i++) {
        assert_int_equal(log->ids[i], ids[i]);
        assert_int_equal(log->phases[i], phases[i]);
    }
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

/* ------------------------------------------------------------------ */

struct child_census {
    const void *parent;
    int strings, immediates, others;
};

static void census_cb(const void *ptr, int depth, int max_depth, int is_ref,
                      void *private_data)
{
    struct child_census *c = private_data;
    const char *name = talloc_get_name(ptr);
    (void)max_depth;
    if (depth != 1 || is_ref) {
        return;
    }
    if (strcmp(name, "struct tevent_immediate") == 0) {
        c->immediates++;
    } else if (strcmp(name, "my queue") == 0 &&
               strcmp((const char *)ptr, "my queue") == 0) {
        c->strings++;
    } else {
        c->others++;
    }
}

static void test_create(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    char name[] = "my queue";
    struct tevent_queue *q = tevent_queue_create(mem, name);
    struct child_census census = {0};
    (void)state;

    assert_non_null(q);
    assert_string_equal(talloc_get_name(q), "struct tevent_queue");
    assert_ptr_equal(talloc_parent(q), mem);
    assert_true(tevent_queue_running(q));
    assert_int_equal(tevent_queue_length(q), 0);

    /* The name is copied into a child; the queue owns one immediate. */
    strcpy(name, "changed!");
    talloc_report_depth_cb(q, 0, 1, census_cb, &census);
    assert_int_equal(census.strings, 1);
    assert_int_equal(census.immediates, 1);
    assert_int_equal(census.others, 0);
    talloc_free(mem);
}

static void test_entry_object(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *req = job_create(mem, 1);
    struct log log = {0};
    struct tevent_queue_entry *e;
    bool entry_freed;
    (void)state;

    e = tevent_queue_add_entry(q, ev, req, log_trigger, &log);
    assert_non_null(e);
    assert_string_equal(talloc_get_name(e), "struct tevent_queue_entry");
    assert_ptr_equal(talloc_parent(e), req);
    watch_free(e, &entry_freed);

    /* Freeing the request takes its entry along. */
    talloc_free(req);
    assert_true(entry_freed);
    assert_int_equal(tevent_queue_length(q), 0);
    flush(ev);
    assert_int_equal(log.n, 0);
    talloc_free(mem);
}

/*
 * The full life cycle of three entries: trigger through an immediate, one
 * at a time, next one only after the active request is freed, and never
 * from inside the talloc_free().
 */
static void test_order_and_advance(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r[3];
    struct log log = {0};
    int i;
    (void)state;

    for (i = 0; i < 3; i++) {
        r[i] = job_create(mem, i);
        log.phase = 10 + i;
        assert_true(tevent_queue_add(q, ev, r[i], log_trigger, &log));
        assert_int_equal(tevent_queue_length(q), i + 1);
        assert_true(tevent_queue_running(q));
    }
    assert_int_equal(log.n, 0); /* never from inside the add */

    log.phase = 1;
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 1, (int[]){0}, (int[]){1});
    assert_int_equal(tevent_queue_length(q), 3);

    /* Completion alone does not advance the queue. */
    tevent_req_done(r[0]);
    log.phase = 2;
    flush(ev);
    assert_int_equal(log.n, 1);
    assert_int_equal(tevent_queue_length(q), 3);
    tevent_req_received(r[0]);
    flush(ev);
    assert_int_equal(log.n, 1);
    assert_int_equal(tevent_queue_length(q), 3);

    /* Freeing it does, but only through the next loop iteration. */
    log.phase = 3;
    talloc_free(r[0]);
    assert_int_equal(log.n, 1);
    assert_int_equal(tevent_queue_length(q), 2);
    log.phase = 4;
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 2, (int[]){0, 1}, (int[]){1, 4});

    log.phase = 5;
    talloc_free(r[1]);
    assert_int_equal(tevent_queue_length(q), 1);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 3, (int[]){0, 1, 2}, (int[]){1, 4, 5});

    talloc_free(r[2]);
    assert_int_equal(tevent_queue_length(q), 0);
    flush(ev);
    assert_int_equal(log.n, 3);
    talloc_free(mem);
}

/* The trigger gets the request and the private data given to the add. */
struct args_seen {
    struct tevent_req *req;
    void *private_data;
    int calls;
};

static void args_trigger(struct tevent_req *req, void *private_data)
{
    struct args_seen *seen = tevent_req_callback_data_void(req);
    seen->req = req;
    seen->private_data = private_data;
    seen->calls++;
}

static void test_trigger_args(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *req = job_create(mem, 0);
    struct args_seen seen = {0};
    int cookie;
    (void)state;

    /* A callback is set: the callback data is how the trigger finds seen. */
    tevent_req_set_callback(req, NULL, &seen);
    assert_true(tevent_queue_add(q, ev, req, args_trigger, &cookie));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(seen.calls, 1);
    assert_ptr_equal(seen.req, req);
    assert_ptr_equal(seen.private_data, &cookie);
    talloc_free(mem);
}

static void test_free_waiting_entry(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r[4];
    struct log log = {0};
    int i;
    (void)state;

    for (i = 0; i < 4; i++) {
        r[i] = job_create(mem, i);
        assert_true(tevent_queue_add(q, ev, r[i], log_trigger, &log));
    }
    log.phase = 1;
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 1, (int[]){0}, (int[]){1});

    /* Waiting entries just leave; the active one stays active. */
    talloc_free(r[1]);
    assert_int_equal(tevent_queue_length(q), 3);
    talloc_free(r[3]);
    assert_int_equal(tevent_queue_length(q), 2);
    log.phase = 2;
    flush(ev);
    assert_int_equal(log.n, 1);

    talloc_free(r[0]);
    log.phase = 3;
    flush(ev);
    assert_log(&log, 2, (int[]){0, 2}, (int[]){1, 3});
    assert_int_equal(tevent_queue_length(q), 1);
    talloc_free(mem);
}

/* Freeing the entry itself (kept from add_entry) also advances the queue,
 * while the request lives on. */
static void test_free_active_entry(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r0 = job_create(mem, 0);
    struct tevent_req *r1 = job_create(mem, 1);
    struct log log = {0};
    struct tevent_queue_entry *e0, *e1;
    bool req_freed;
    (void)state;

    e0 = tevent_queue_add_entry(q, ev, r0, log_trigger, &log);
    e1 = tevent_queue_add_entry(q, ev, r1, log_trigger, &log);
    assert_non_null(e0);
    assert_non_null(e1);
    watch_free(r0, &req_freed);
    log.phase = 1;
    assert_int_equal(tevent_loop_once(ev), 0);

    log.phase = 2;
    talloc_free(e0);
    assert_false(req_freed);
    assert_int_equal(tevent_queue_length(q), 1);
    assert_int_equal(log.n, 1);
    log.phase = 3;
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 2, (int[]){0, 1}, (int[]){1, 3});
    assert_true(tevent_req_is_in_progress(r0));
    talloc_free(mem);
}

static void count_im_trace(struct tevent_immediate *im,
                           enum tevent_event_trace_point tp, void *private_data)
{
    (void)im;
    (void)tp;
    (*(int *)private_data)++;
}

static void test_free_queue(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r[3];
    struct tevent_queue_entry *e[3];
    bool entry_freed[3], req_freed[3];
    struct log log = {0};
    int im_traces = 0;
    int i;
    (void)state;

    for (i = 0; i < 3; i++) {
        r[i] = job_create(mem, i);
        e[i] = tevent_queue_add_entry(q, ev, r[i], log_trigger, &log);
        assert_non_null(e[i]);
        watch_free(e[i], &entry_freed[i]);
        watch_free(r[i], &req_freed[i]);
    }
    log.phase = 1;
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(log.n, 1);

    /* The queue is stopped first: removing the active entry does not even
     * schedule the next trigger. */
    tevent_set_trace_immediate_callback(ev, count_im_trace, &im_traces);
    talloc_free(q);
    assert_int_equal(im_traces, 0);
    tevent_set_trace_immediate_callback(ev, NULL, NULL);
    for (i = 0; i < 3; i++) {
        assert_true(entry_freed[i]);
        assert_false(req_freed[i]);
        assert_true(tevent_req_is_in_progress(r[i]));
    }
    flush(ev);
    assert_int_equal(log.n, 1);

    /* The requests can still be freed normally. */
    for (i = 0; i < 3; i++) {
        talloc_free(r[i]);
        assert_true(req_freed[i]);
    }
    talloc_free(mem);
}

/* A queue freed before it ever triggered: its pending immediate dies too. */
static void test_free_queue_pending(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r = job_create(mem, 0);
    struct log log = {0};
    (void)state;

    assert_true(tevent_queue_add(q, ev, r, log_trigger, &log));
    talloc_free(q);
    flush(ev);
    assert_int_equal(log.n, 0);
    talloc_free(mem);
}

static void test_stop_start(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r[3];
    struct log log = {0};
    int i;
    (void)state;

    tevent_queue_stop(q);
    assert_false(tevent_queue_running(q));
    tevent_queue_stop(q);
    assert_false(tevent_queue_running(q));

    /* A stopped queue accumulates without triggering. */
    for (i = 0; i < 3; i++) {
        r[i] = job_create(mem, i);
        assert_true(tevent_queue_add(q, ev, r[i], log_trigger, &log));
        assert_int_equal(tevent_queue_length(q), i + 1);
    }
    flush(ev);
    assert_int_equal(log.n, 0);

    /* start schedules, it does not trigger directly. */
    log.phase = 1;
    tevent_queue_start(q);
    assert_true(tevent_queue_running(q));
    assert_int_equal(log.n, 0);
    log.phase = 2;
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 1, (int[]){0}, (int[]){2});

    /* start on a running queue does nothing. */
    tevent_queue_start(q);
    flush(ev);
    assert_int_equal(log.n, 1);

    /* Stopped while the head is active: freeing it does not advance. */
    tevent_queue_stop(q);
    talloc_free(r[0]);
    assert_int_equal(tevent_queue_length(q), 2);
    flush(ev);
    assert_int_equal(log.n, 1);

    /* A trigger already scheduled when the queue stops does nothing. */
    tevent_queue_start(q);
    tevent_queue_stop(q);
    flush(ev);
    assert_int_equal(log.n, 1);
    log.phase = 3;
    tevent_queue_start(q);
    flush(ev);
    assert_log(&log, 2, (int[]){0, 1}, (int[]){2, 3});

    /* Restarting with a triggered head does not trigger it again. */
    tevent_queue_stop(q);
    tevent_queue_start(q);
    flush(ev);
    assert_int_equal(log.n, 2);
    assert_int_equal(tevent_queue_length(q), 2);
    talloc_free(mem);
}

static void log_immediate(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    struct log *log = private_data;
    (void)ev;
    (void)im;
    log->ids[log->n] = 99;
    log->phases[log->n] = log->phase;
    log->n++;
}

/* start on a running queue does not even reschedule the pending trigger:
 * it keeps its place before an immediate scheduled after it. */
static void test_start_running(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_immediate *im = tevent_create_immediate(mem);
    struct log log = {0};
    (void)state;

    assert_true(tevent_queue_add(q, ev, job_create(mem, 0), log_trigger, &log));
    tevent_schedule_immediate(im, ev, log_immediate, &log);
    tevent_queue_start(q);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 2, (int[]){0, 99}, (int[]){0, 0});
    talloc_free(mem);
}

/* Every add while the head waits schedules the queue's immediate again:
 * it moves behind an immediate scheduled in between, and keeps its place
 * when it was the last one already. */
static void test_add_reschedules_trigger(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_immediate *im = tevent_create_immediate(mem);
    struct log log = {0};
    (void)state;

    assert_true(tevent_queue_add(q, ev, job_create(mem, 0), log_trigger, &log));
    tevent_schedule_immediate(im, ev, log_immediate, &log);
    assert_true(tevent_queue_add(q, ev, job_create(mem, 1), log_trigger, &log));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 2, (int[]){99, 0}, (int[]){0, 0});

    struct tevent_queue *q2 = tevent_queue_create(mem, "q2");
    log.phase = 1;
    assert_true(
        tevent_queue_add(q2, ev, job_create(mem, 2), log_trigger, &log));
    assert_true(
        tevent_queue_add(q2, ev, job_create(mem, 3), log_trigger, &log));
    tevent_schedule_immediate(im, ev, log_immediate, &log);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 4, (int[]){99, 0, 2, 99}, (int[]){0, 0, 1, 1});
    talloc_free(mem);
}

/* A NULL trigger: the entry is triggered as a no-op and blocks the queue
 * until it is freed. */
static void test_null_trigger(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *blocker = job_create(mem, 0);
    struct tevent_req *r1 = job_create(mem, 1);
    struct log log = {0};
    (void)state;

    assert_true(tevent_queue_add(q, ev, blocker, NULL, NULL));
    assert_true(tevent_queue_add(q, ev, r1, log_trigger, &log));
    flush(ev);
    flush(ev);
    assert_int_equal(log.n, 0);
    assert_int_equal(tevent_queue_length(q), 2);

    log.phase = 1;
    talloc_free(blocker);
    flush(ev);
    assert_log(&log, 1, (int[]){1}, (int[]){1});

    /* A NULL trigger through optimize_empty is a no-op too. */
    talloc_free(r1);
    assert_non_null(
        tevent_queue_add_optimize_empty(q, ev, job_create(mem, 2), NULL, NULL));
    assert_int_equal(tevent_queue_length(q), 1);
    talloc_free(mem);
}

/* ------------------------------------------------------------------ */
/* add_optimize_empty */

static void never_called(struct tevent_req *req)
{
    (void)req;
    fail();
}

static void test_optimize_empty_direct(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r0 = job_create(mem, 0);
    struct tevent_req *r1 = job_create(mem, 1);
    struct log log = {0};
    struct tevent_queue_entry *e;
    (void)state;

    /* Empty, running, no callback: the trigger runs inside the call. */
    log.phase = 1;
    e = tevent_queue_add_optimize_empty(q, ev, r0, log_trigger, &log);
    assert_non_null(e);
    assert_log(&log, 1, (int[]){0}, (int[]){1});
    assert_int_equal(tevent_queue_length(q), 1);

    /* Not empty: through the immediate, after the head is gone. */
    log.phase = 2;
    e = tevent_queue_add_optimize_empty(q, ev, r1, log_trigger, &log);
    assert_non_null(e);
    assert_int_equal(log.n, 1);
    flush(ev);
    assert_int_equal(log.n, 1);
    talloc_free(r0);
    log.phase = 3;
    flush(ev);
    assert_log(&log, 2, (int[]){0, 1}, (int[]){1, 3});
    talloc_free(mem);
}

static void test_optimize_empty_with_callback(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r0 = job_create(mem, 0);
    struct log log = {0};
    (void)state;

    /* The caller may already wait for the callback: no direct trigger. */
    tevent_req_set_callback(r0, never_called, NULL);
    log.phase = 1;
    assert_non_null(
        tevent_queue_add_optimize_empty(q, ev, r0, log_trigger, &log));
    assert_int_equal(log.n, 0);
    log.phase = 2;
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_log(&log, 1, (int[]){0}, (int[]){2});
    talloc_free(mem);
}

static void test_optimize_empty_stopped(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r0 = job_create(mem, 0);
    struct log log = {0};
    (void)state;

    tevent_queue_stop(q);
    assert_non_null(
        tevent_queue_add_optimize_empty(q, ev, r0, log_trigger, &log));
    flush(ev);
    assert_int_equal(log.n, 0);
    log.phase = 1;
    tevent_queue_start(q);
    assert_int_equal(log.n, 0);
    flush(ev);
    assert_log(&log, 1, (int[]){0}, (int[]){1});
    talloc_free(mem);
}

/* The trigger may finish and free the request inside the add call; the
 * queue is then empty again when the add returns. */
static void free_trigger(struct tevent_req *req, void *private_data)
{
    int *calls = private_data;
    (*calls)++;
    talloc_free(req);
}

static void test_optimize_empty_trigger_frees(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    int calls = 0;
    (void)state;

    tevent_queue_add_optimize_empty(q, ev, job_create(mem, 0), free_trigger,
                                    &calls);
    assert_int_equal(calls, 1);
    assert_int_equal(tevent_queue_length(q), 0);
    tevent_queue_add_optimize_empty(q, ev, job_create(mem, 1), free_trigger,
                                    &calls);
    assert_int_equal(calls, 2);
    flush(ev);
    assert_int_equal(calls, 2);
    talloc_free(mem);
}

/*
 * Upstream quirk: the queue immediate does not check whether the head was
 * already triggered.  An immediate left scheduled by an entry that is gone
 * triggers a head that optimize_empty triggered directly a second time.
 */
static void test_optimize_empty_stale_immediate(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r0 = job_create(mem, 0);
    struct tevent_req *r1 = job_create(mem, 1);
    struct log log = {0};
    (void)state;

    assert_true(tevent_queue_add(q, ev, r0, log_trigger, &log));
    talloc_free(r0);
    log.phase = 1;
    tevent_queue_add_optimize_empty(q, ev, r1, log_trigger, &log);
    log.phase = 2;
    flush(ev);
    assert_log(&log, 2, (int[]){1, 1}, (int[]){1, 2});
    talloc_free(mem);
}

/* ------------------------------------------------------------------ */
/* untrigger */

static void test_untrigger(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r0 = job_create(mem, 0);
    struct tevent_req *r1 = job_create(mem, 1);
    struct tevent_queue_entry *e0, *e1;
    struct log log = {0};
    (void)state;

    e0 = tevent_queue_add_entry(q, ev, r0, log_trigger, &log);
    e1 = tevent_queue_add_entry(q, ev, r1, log_trigger, &log);
    assert_non_null(e1);
    log.phase = 1;
    flush(ev);
    assert_int_equal(log.n, 1);

    tevent_queue_stop(q);
    tevent_queue_entry_untrigger(e0);
    assert_int_equal(tevent_queue_length(q), 2);
    flush(ev);
    assert_int_equal(log.n, 1);

    /* Untriggered head: start triggers it once more, via the loop. */
    log.phase = 2;
    tevent_queue_start(q);
    assert_int_equal(log.n, 1);
    flush(ev);
    assert_log(&log, 2, (int[]){0, 0}, (int[]){1, 2});
    flush(ev);
    assert_int_equal(log.n, 2);

    /* Untrigger of a head that was never triggered changes nothing. */
    tevent_queue_stop(q);
    talloc_free(r0);
    tevent_queue_entry_untrigger(e1);
    log.phase = 3;
    tevent_queue_start(q);
    flush(ev);
    assert_log(&log, 3, (int[]){0, 0, 1}, (int[]){1, 2, 3});
    talloc_free(mem);
}

static bool abort_hook_called;

static void returning_abort_hook(const char *reason)
{
    (void)reason;
    abort_hook_called = true;
}

enum untrigger_misuse { UNTRIGGER_RUNNING, UNTRIGGER_NOT_HEAD };

/* Misuse is a hard abort(): the abort hook is not consulted. */
static void run_untrigger_misuse(enum untrigger_misuse how)
{
    pid_t pid = fork();
    int status;

    assert_true(pid >= 0);
    if (pid == 0) {
        TALLOC_CTX *mem = talloc_new(NULL);
        struct tevent_context *ev = test_context(mem);
        struct tevent_queue *q = tevent_queue_create(mem, "q");
        struct tevent_queue_entry *e0, *e1;

        tevent_set_abort_fn(returning_abort_hook);
        e0 = tevent_queue_add_entry(q, ev, job_create(mem, 0), NULL, NULL);
        e1 = tevent_queue_add_entry(q, ev, job_create(mem, 1), NULL, NULL);
        if (how == UNTRIGGER_RUNNING) {
            tevent_queue_entry_untrigger(e0);
        } else {
            tevent_queue_stop(q);
            tevent_queue_entry_untrigger(e1);
        }
        _exit(abort_hook_called ? 3 : 2);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void test_untrigger_misuse(void **state)
{
    (void)state;
    run_untrigger_misuse(UNTRIGGER_RUNNING);
    run_untrigger_misuse(UNTRIGGER_NOT_HEAD);
}

/* ------------------------------------------------------------------ */
/* tevent_queue_wait_send: a lock */

struct wait_result {
    int done;
    bool ok;
};

static void wait_done(struct tevent_req *req)
{
    struct wait_result *res = tevent_req_callback_data_void(req);
    res->done++;
    res->ok = tevent_queue_wait_recv(req);
}

static void test_wait_send(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r0 = job_create(mem, 0);
    struct tevent_req *w, *r2;
    struct wait_result res = {0};
    struct log log = {0};
    void *wstate;
    (void)state;

    assert_true(tevent_queue_add(q, ev, r0, log_trigger, &log));
    w = tevent_queue_wait_send(mem, ev, q);
    assert_non_null(w);
    assert_ptr_equal(talloc_parent(w), mem);
    wstate = _tevent_req_data(w);
    assert_ptr_equal(talloc_parent(wstate), w);
    assert_string_equal(talloc_get_name(wstate),
                        "struct tevent_queue_wait_state");
    tevent_req_set_callback(w, wait_done, &res);
    r2 = job_create(mem, 2);
    assert_true(tevent_queue_add(q, ev, r2, log_trigger, &log));
    assert_int_equal(tevent_queue_length(q), 3);

    flush(ev);
    assert_int_equal(log.n, 1);
    assert_int_equal(res.done, 0);
    assert_true(tevent_req_is_in_progress(w));

    /* Reaching the head completes it... */
    talloc_free(r0);
    flush(ev);
    assert_int_equal(res.done, 1);
    assert_true(res.ok);
    assert_null(_tevent_req_data(w));

    /* ...but the lock is held until the request is freed, received or not. */
    assert_int_equal(tevent_queue_length(q), 2);
    flush(ev);
    assert_int_equal(log.n, 1);
    talloc_free(w);
    assert_int_equal(tevent_queue_length(q), 1);
    log.phase = 1;
    flush(ev);
    assert_log(&log, 2, (int[]){0, 2}, (int[]){0, 1});
    talloc_free(mem);
}

/* wait_recv reports false for a request that did not finish normally. */
static void test_wait_recv_error(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *w;
    (void)state;

    tevent_queue_stop(q);
    w = tevent_queue_wait_send(mem, ev, q);
    assert_non_null(w);
    assert_true(tevent_req_error(w, EIO));
    assert_false(tevent_queue_wait_recv(w));
    assert_int_equal(tevent_queue_length(q), 1);

    w = tevent_queue_wait_send(mem, ev, q);
    assert_false(tevent_queue_wait_recv(w)); /* still in progress */
    talloc_free(mem);
}

/* ------------------------------------------------------------------ */
/* Trace callbacks */

struct trace_rec {
    int ev_id;
    struct tevent_queue_entry *qe;
    enum tevent_event_trace_point tp;
};

struct trace_log {
    int n;
    struct trace_rec recs[32];
};

struct trace_ctx {
    int ev_id;
    struct trace_log *log;
};

static void trace_cb(struct tevent_queue_entry *qe,
                     enum tevent_event_trace_point tp, void *private_data)
{
    struct trace_ctx *tc = private_data;
    struct trace_log *log = tc->log;
    assert_true(log->n < 32);
    log->recs[log->n++] = (struct trace_rec){tc->ev_id, qe, tp};
}

static void assert_trace(const struct trace_log *log, int i, int ev_id,
                         struct tevent_queue_entry *qe,
                         enum tevent_event_trace_point tp)
{
    assert_true(i < log->n);
    assert_int_equal(log->recs[i].ev_id, ev_id);
    assert_ptr_equal(log->recs[i].qe, qe);
    assert_int_equal(log->recs[i].tp, tp);
}

/*
 * Entries on two contexts in one queue.  ATTACH is reported on the ev the
 * entry was added with, BEFORE_HANDLER on the ev the trigger ran from, and
 * DETACH on the ev of the queue's head at that moment, which is not
 * always the leaving entry's own ev.
 */
static void test_trace_two_contexts(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev1 = test_context(mem);
    struct tevent_context *ev2 = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct trace_log tlog = {0};
    struct trace_ctx tc1 = {1, &tlog}, tc2 = {2, &tlog};
    struct tevent_req *ra = job_create(mem, 0);
    struct tevent_req *rb = job_create(mem, 1);
    struct tevent_req *rc = job_create(mem, 2);
    struct tevent_queue_entry *ea, *eb, *ec;
    tevent_trace_queue_callback_t cb;
    void *pd;
    struct log log = {0};
    (void)state;

    tevent_set_trace_queue_callback(ev1, trace_cb, &tc1);
    tevent_set_trace_queue_callback(ev2, trace_cb, &tc2);
    tevent_get_trace_queue_callback(ev2, &cb, &pd);
    assert_ptr_equal(cb, trace_cb);
    assert_ptr_equal(pd, &tc2);

    ea = tevent_queue_add_entry(q, ev1, ra, log_trigger, &log);
    eb = tevent_queue_add_entry(q, ev2, rb, log_trigger, &log);
    ec = tevent_queue_add_entry(q, ev1, rc, log_trigger, &log);
    assert_int_equal(tlog.n, 3);
    assert_trace(&tlog, 0, 1, ea, TEVENT_EVENT_TRACE_ATTACH);
    assert_trace(&tlog, 1, 2, eb, TEVENT_EVENT_TRACE_ATTACH);
    assert_trace(&tlog, 2, 1, ec, TEVENT_EVENT_TRACE_ATTACH);

    flush(ev1);
    assert_int_equal(tlog.n, 4);
    assert_trace(&tlog, 3, 1, ea, TEVENT_EVENT_TRACE_BEFORE_HANDLER);

    /* The head leaves: reported on its own ev; the next trigger is
     * scheduled on the new head's ev (ev2), so ev1 does not run it. */
    talloc_free(ra);
    assert_int_equal(tlog.n, 5);
    assert_trace(&tlog, 4, 1, ea, TEVENT_EVENT_TRACE_DETACH);
    flush(ev1);
    assert_int_equal(log.n, 1);
    flush(ev2);
    assert_int_equal(log.n, 2);
    assert_int_equal(tlog.n, 6);
    assert_trace(&tlog, 5, 2, eb, TEVENT_EVENT_TRACE_BEFORE_HANDLER);

    /* A waiting entry of ev1 leaves while the head is on ev2. */
    talloc_free(rc);
    assert_int_equal(tlog.n, 7);
    assert_trace(&tlog, 6, 2, ec, TEVENT_EVENT_TRACE_DETACH);

    talloc_free(rb);
    assert_int_equal(tlog.n, 8);
    assert_trace(&tlog, 7, 2, eb, TEVENT_EVENT_TRACE_DETACH);
    talloc_free(mem);
}

/* The stale immediate of test_optimize_empty_stale_immediate(), on another
 * context than the head's: BEFORE_HANDLER is reported on the ev that runs
 * the immediate, not on the entry's own ev. */
static void test_trace_stale_immediate(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev1 = test_context(mem);
    struct tevent_context *ev2 = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct trace_log tlog = {0};
    struct trace_ctx tc1 = {1, &tlog}, tc2 = {2, &tlog};
    struct tevent_req *r0 = job_create(mem, 0);
    struct tevent_req *r1 = job_create(mem, 1);
    struct tevent_queue_entry *e1;
    struct log log = {0};
    (void)state;

    assert_true(tevent_queue_add(q, ev1, r0, log_trigger, &log));
    talloc_free(r0);
    tevent_set_trace_queue_callback(ev1, trace_cb, &tc1);
    tevent_set_trace_queue_callback(ev2, trace_cb, &tc2);
    e1 = tevent_queue_add_optimize_empty(q, ev2, r1, log_trigger, &log);
    assert_int_equal(log.n, 1);
    assert_int_equal(tlog.n, 2);
    assert_trace(&tlog, 0, 2, e1, TEVENT_EVENT_TRACE_ATTACH);
    assert_trace(&tlog, 1, 2, e1, TEVENT_EVENT_TRACE_BEFORE_HANDLER);

    flush(ev1);
    assert_int_equal(log.n, 2);
    assert_int_equal(tlog.n, 3);
    assert_trace(&tlog, 2, 1, e1, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
    talloc_free(mem);
}

static void test_trace_direct_and_queue_free(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct trace_log tlog = {0};
    struct trace_ctx tc = {1, &tlog};
    struct tevent_queue_entry *e0, *e1;
    struct log log = {0};
    (void)state;

    tevent_set_trace_queue_callback(ev, trace_cb, &tc);
    e0 = tevent_queue_add_optimize_empty(q, ev, job_create(mem, 0), log_trigger,
                                         &log);
    assert_int_equal(log.n, 1);
    e1 = tevent_queue_add_entry(q, ev, job_create(mem, 1), log_trigger, &log);
    assert_int_equal(tlog.n, 3);
    assert_trace(&tlog, 0, 1, e0, TEVENT_EVENT_TRACE_ATTACH);
    assert_trace(&tlog, 1, 1, e0, TEVENT_EVENT_TRACE_BEFORE_HANDLER);
    assert_trace(&tlog, 2, 1, e1, TEVENT_EVENT_TRACE_ATTACH);

    /* Freeing the queue detaches every entry, head first. */
    talloc_free(q);
    assert_int_equal(tlog.n, 5);
    assert_trace(&tlog, 3, 1, e0, TEVENT_EVENT_TRACE_DETACH);
    assert_trace(&tlog, 4, 1, e1, TEVENT_EVENT_TRACE_DETACH);
    talloc_free(mem);
}

/* ------------------------------------------------------------------ */

static void test_tags(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_queue_entry *e;
    (void)state;

    e = tevent_queue_add_entry(q, ev, job_create(mem, 0), NULL, NULL);
    assert_int_equal(tevent_queue_entry_get_tag(e), 0);
    tevent_queue_entry_set_tag(e, UINT64_C(0xfedcba9876543210));
    assert_true(tevent_queue_entry_get_tag(e) == UINT64_C(0xfedcba9876543210));

    tevent_queue_entry_set_tag(NULL, 7);
    assert_int_equal(tevent_queue_entry_get_tag(NULL), 0);
    talloc_free(mem);
}

/* ------------------------------------------------------------------ */
/* A queue used through a wrapper context */

struct wrap_log {
    int before, after;
    const char *handler_name;
    struct tevent_context *wrap_ev;
};

struct wrap_state {
    struct wrap_log *log;
};

static void wrap_before_im(struct tevent_context *wrap_ev, void *private_state,
                           struct tevent_context *main_ev,
                           struct tevent_immediate *im,
                           const char *handler_name, const char *location)
{
    struct wrap_state *ws = private_state;
    (void)main_ev;
    (void)im;
    (void)location;
    ws->log->before++;
    ws->log->handler_name = handler_name;
    ws->log->wrap_ev = wrap_ev;
}

static void wrap_after_im(struct tevent_context *wrap_ev, void *private_state,
                          struct tevent_context *main_ev,
                          struct tevent_immediate *im, const char *handler_name,
                          const char *location)
{
    struct wrap_state *ws = private_state;
    (void)wrap_ev;
    (void)main_ev;
    (void)im;
    (void)handler_name;
    (void)location;
    ws->log->after++;
}

static const struct tevent_wrapper_ops wrap_ops = {
    .name = "queue_test_wrapper",
    .before_immediate_handler = wrap_before_im,
    .after_immediate_handler = wrap_after_im,
};

struct wrap_trigger_seen {
    struct wrap_log *log;
    int calls;
    int before_at_call, after_at_call;
};

static void wrap_trigger(struct tevent_req *req, void *private_data)
{
    struct wrap_trigger_seen *seen = private_data;
    (void)req;
    seen->calls++;
    seen->before_at_call = seen->log->before;
    seen->after_at_call = seen->log->after;
}

static void test_wrapper(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct wrap_log wlog = {0};
    struct wrap_state *ws;
    struct tevent_context *wrap_ev;
    struct wrap_trigger_seen seen = {&wlog, 0, 0, 0};
    struct trace_log tlog = {0};
    struct trace_ctx tc = {1, &tlog};
    struct tevent_req *r0 = job_create(mem, 0);
    (void)state;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    wrap_ev = tevent_context_wrapper_create(ev, mem, &wrap_ops, &ws,
                                            struct wrap_state);
#pragma GCC diagnostic pop
    assert_non_null(wrap_ev);
    ws->log = &wlog;
    tevent_set_trace_queue_callback(ev, trace_cb, &tc);

    assert_true(tevent_queue_add(q, wrap_ev, r0, wrap_trigger, &seen));
    flush(ev);
    assert_int_equal(seen.calls, 1);
    /* The trigger runs inside the wrapper's immediate hooks. */
    assert_int_equal(seen.before_at_call, 1);
    assert_int_equal(seen.after_at_call, 0);
    assert_int_equal(wlog.after, 1);
    assert_ptr_equal(wlog.wrap_ev, wrap_ev);
    assert_string_equal(wlog.handler_name, "tevent_queue_immediate_trigger");

    /* Entries on the wrapper are traced on the wrapper context, which has
     * no callback of its own: the main ev's callback sees nothing. */
    talloc_free(r0);
    assert_int_equal(tlog.n, 0);
    talloc_free(mem);
}

/* ------------------------------------------------------------------ */
/* Scale: 100000 entries are added and drained in order. */

#define SCALE_N 100000

struct scale_state {
    int next_expected;
    bool in_order;
};

static void scale_done(struct tevent_req *req)
{
    talloc_free(req);
}

static void scale_trigger(struct tevent_req *req, void *private_data)
{
    struct scale_state *s = private_data;
    if (job_id(req) != s->next_expected) {
        s->in_order = false;
    }
    s->next_expected++;
    tevent_req_done(req);
}

static void test_scale(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct scale_state s = {0, true};
    int i;
    (void)state;

    for (i = 0; i < SCALE_N; i++) {
        struct tevent_req *req = job_create(mem, i);
        tevent_req_set_callback(req, scale_done, NULL);
        assert_true(tevent_queue_add(q, ev, req, scale_trigger, &s));
    }
    assert_int_equal(tevent_queue_length(q), SCALE_N);
    while (s.next_expected < SCALE_N) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    assert_true(s.in_order);
    assert_int_equal(tevent_queue_length(q), 0);
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_entry_object),
        cmocka_unit_test(test_order_and_advance),
        cmocka_unit_test(test_trigger_args),
        cmocka_unit_test(test_free_waiting_entry),
        cmocka_unit_test(test_free_active_entry),
        cmocka_unit_test(test_free_queue),
        cmocka_unit_test(test_free_queue_pending),
        cmocka_unit_test(test_stop_start),
        cmocka_unit_test(test_start_running),
        cmocka_unit_test(test_add_reschedules_trigger),
        cmocka_unit_test(test_null_trigger),
        cmocka_unit_test(test_optimize_empty_direct),
        cmocka_unit_test(test_optimize_empty_with_callback),
        cmocka_unit_test(test_optimize_empty_stopped),
        cmocka_unit_test(test_optimize_empty_trigger_frees),
        cmocka_unit_test(test_optimize_empty_stale_immediate),
        cmocka_unit_test(test_untrigger),
        cmocka_unit_test(test_untrigger_misuse),
        cmocka_unit_test(test_wait_send),
        cmocka_unit_test(test_wait_recv_error),
        cmocka_unit_test(test_trace_two_contexts),
        cmocka_unit_test(test_trace_stale_immediate),
        cmocka_unit_test(test_trace_direct_and_queue_free),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_wrapper),
        cmocka_unit_test(test_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
