/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Call-depth tracking: which notifications the per-thread callback gets,
 * with which request, depth and function name.
 */
#include <pthread.h>
#include <string.h>

#include "test_util.h"

static char *trail;

static const char *cmd_name(enum tevent_thread_call_depth_cmd cmd)
{
    switch (cmd) {
    case TEVENT_CALL_FLOW_REQ_RESET:
        return "RESET";
    case TEVENT_CALL_FLOW_REQ_CREATE:
        return "CREATE";
    case TEVENT_CALL_FLOW_REQ_CANCEL:
        return "CANCEL";
    case TEVENT_CALL_FLOW_REQ_CLEANUP:
        return "CLEANUP";
    case TEVENT_CALL_FLOW_REQ_NOTIFY_CB:
        return "NOTIFY_CB";
    case TEVENT_CALL_FLOW_REQ_QUEUE_ENTER:
        return "QUEUE_ENTER";
    case TEVENT_CALL_FLOW_REQ_QUEUE_TRIGGER:
        return "QUEUE_TRIGGER";
    case TEVENT_CALL_FLOW_REQ_QUEUE_LEAVE:
        return "QUEUE_LEAVE";
    }
    return "?";
}

/* Requests are named after their state type, minus "struct ". */
static const char *req_name(struct tevent_req *req)
{
    if (req == NULL) {
        return "-";
    }
    void *state = _tevent_req_data(req);
    if (state == NULL) {
        return "received";
    }
    const char *name = talloc_get_name(state);
    return strncmp(name, "struct ", 7) == 0 ? name + 7 : name;
}

/* Appends "CMD(req,depth,fname)" to the trail named by private_data. */
static void record(void *private_data, enum tevent_thread_call_depth_cmd cmd,
                   struct tevent_req *req, size_t depth, const char *fname)
{
    char **t = private_data;
    *t = talloc_asprintf_append(*t, "%s%s(%s,%zu,%s)", (*t)[0] ? " " : "",
                                cmd_name(cmd), req_name(req), depth,
                                fname ? fname : "NULL");
}

static int setup(void **ctx)
{
    trail = talloc_strdup(NULL, "");
    *ctx = talloc_new(NULL);
    tevent_thread_call_depth_set_callback(record, &trail);
    trail[0] = '\0';
    return 0;
}

static int teardown(void **ctx)
{
    tevent_thread_call_depth_set_callback(NULL, NULL);
    assert_int_equal(talloc_free(*ctx), 0);
    TALLOC_FREE(trail);
    return 0;
}

/* ------------------------------------------------------------------ */
/* top -> mid -> wakeup: a request with two levels of sub-requests. */

struct top_state {
    int unused;
};

struct mid_state {
    int unused;
};

static void mid_leaf_done(struct tevent_req *subreq);
static void top_mid_done(struct tevent_req *subreq);

static void mid_cleanup(struct tevent_req *req, enum tevent_req_state state)
{
    (void)req;
    (void)state;
}

static struct tevent_req *mid_send(TALLOC_CTX *mem_ctx,
                                   struct tevent_context *ev)
{
    struct mid_state *state;
    struct tevent_req *req =
        tevent_req_create(mem_ctx, &state, struct mid_state);
    assert_non_null(req);
    tevent_req_set_cleanup_fn(req, mid_cleanup);
    struct tevent_req *subreq =
        tevent_wakeup_send(state, ev, tevent_timeval_current());
    assert_non_null(subreq);
    tevent_req_set_callback(subreq, mid_leaf_done, req);
    return req;
}

static void mid_leaf_done(struct tevent_req *subreq)
{
    struct tevent_req *req =
        tevent_req_callback_data(subreq, struct tevent_req);
    assert_true(tevent_wakeup_recv(subreq));
    TALLOC_FREE(subreq);
    tevent_req_done(req);
}

static struct tevent_req *top_send(TALLOC_CTX *mem_ctx,
                                   struct tevent_context *ev)
{
    struct top_state *state;
    struct tevent_req *req =
        tevent_req_create(mem_ctx, &state, struct top_state);
    assert_non_null(req);
    struct tevent_req *subreq = mid_send(state, ev);
    tevent_req_set_callback(subreq, top_mid_done, req);
    return req;
}

static void top_mid_done(struct tevent_req *subreq)
{
    struct tevent_req *req =
        tevent_req_callback_data(subreq, struct tevent_req);
    TALLOC_FREE(subreq);
    tevent_req_done(req);
}

static void main_top_done(struct tevent_req *req)
{
    (void)req;
}

static void test_two_levels(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct tevent_req *req = top_send(*ctx, ev);
    assert_string_equal(trail, "CREATE(top_state,0,top_send) "
                               "CREATE(mid_state,1,mid_send) "
                               "CREATE(tevent_wakeup_state,2,"
                               "tevent_wakeup_send)");
    trail[0] = '\0';
    tevent_req_set_callback(req, main_top_done, NULL);
    assert_true(tevent_req_poll(req, ev));
    assert_string_equal(trail, "CLEANUP(tevent_wakeup_state,2,NULL) "
                               "NOTIFY_CB(tevent_wakeup_state,1,mid_leaf_done) "
                               "CLEANUP(tevent_wakeup_state,2,NULL) "
                               "CLEANUP(mid_state,1,mid_cleanup) "
                               "NOTIFY_CB(mid_state,0,top_mid_done) "
                               "CLEANUP(mid_state,1,mid_cleanup) "
                               "CLEANUP(top_state,0,NULL) "
                               "NOTIFY_CB(top_state,0,main_top_done) "
                               "RESET(-,0,_tevent_loop_once)");
}

/* ------------------------------------------------------------------ */

static void test_set_callback_resets_previous(void **ctx)
{
    char *other = talloc_strdup(trail, "");
    tevent_thread_call_depth_set_callback(record, &other);
    assert_string_equal(trail,
                        "RESET(-,0,tevent_thread_call_depth_set_callback)");
    assert_string_equal(other, "");

    tevent_thread_call_depth_set_callback(NULL, NULL);
    assert_string_equal(other,
                        "RESET(-,0,tevent_thread_call_depth_set_callback)");
    /* Nothing is set now: nobody to tell. */
    tevent_thread_call_depth_set_callback(NULL, NULL);
    assert_string_equal(other,
                        "RESET(-,0,tevent_thread_call_depth_set_callback)");

    struct top_state *state;
    struct tevent_req *req = tevent_req_create(*ctx, &state, struct top_state);
    assert_non_null(req);
    tevent_thread_call_depth_reset_from_req(req);
    assert_string_equal(trail,
                        "RESET(-,0,tevent_thread_call_depth_set_callback)");
}

static void test_reset_from_req(void **ctx)
{
    struct top_state *ts;
    struct mid_state *ms;
    struct tevent_req *top = tevent_req_create(*ctx, &ts, struct top_state);
    struct tevent_req *mid = tevent_req_create(ts, &ms, struct mid_state);
    trail[0] = '\0';
    tevent_thread_call_depth_reset_from_req(mid);
    (tevent_thread_call_depth_reset_from_req)(top);
    assert_string_equal(trail, "RESET(mid_state,1,test_reset_from_req) "
                               "RESET(top_state,0,NULL)");
}

static bool yes_cancel(struct tevent_req *req)
{
    (void)req;
    return true;
}

static void test_cancel(void **ctx)
{
    struct top_state *ts;
    struct mid_state *ms;
    struct tevent_req *top = tevent_req_create(*ctx, &ts, struct top_state);
    struct tevent_req *mid = tevent_req_create(ts, &ms, struct mid_state);
    trail[0] = '\0';
    assert_false(tevent_req_cancel(mid));
    tevent_req_set_cancel_fn(mid, yes_cancel);
    assert_true(tevent_req_cancel(mid));
    (tevent_req_set_cancel_fn)(top, yes_cancel);
    assert_true(tevent_req_cancel(top));
    /* Clearing the fn clears its name too. */
    _tevent_req_set_cancel_fn(mid, NULL, "stale");
    assert_false(tevent_req_cancel(mid));
    assert_string_equal(trail, "CANCEL(mid_state,1,NULL) "
                               "CANCEL(mid_state,1,yes_cancel) "
                               "CANCEL(top_state,0,NULL) "
                               "CANCEL(mid_state,1,NULL)");
}

static void plain_cb(struct tevent_req *req)
{
    (void)req;
}

static void test_names_from_old_entry_points(void **ctx)
{
    struct top_state *ts;
    struct tevent_req *req = _tevent_req_create(
        *ctx, &ts, sizeof(*ts), "struct top_state", __location__);
    assert_non_null(req);
    (tevent_req_set_callback)(req, plain_cb, NULL);
    (tevent_req_set_cleanup_fn)(req, mid_cleanup);
    tevent_req_done(req);
    _tevent_req_set_cleanup_fn(req, NULL, "stale");
    talloc_free(req);
    assert_string_equal(trail, "CREATE(top_state,0,NULL) "
                               "CLEANUP(top_state,0,NULL) "
                               "NOTIFY_CB(top_state,0,NULL) "
                               "CLEANUP(top_state,0,NULL)");
}

static void test_cleanup_only_on_increase(void **ctx)
{
    struct top_state *ts;
    struct tevent_req *req = tevent_req_create(*ctx, &ts, struct top_state);
    trail[0] = '\0';
    tevent_req_done(req);
    tevent_req_done(req);
    assert_true(tevent_req_error(req, 1));
    tevent_req_set_cleanup_fn(req, mid_cleanup);
    assert_true(tevent_req_error(req, 1));
    tevent_req_received(req);
    /*
     * Without a cleanup fn the recorded state stays INIT, so every
     * completion notifies; setting the fn records the current state.
     */
    assert_string_equal(trail, "CLEANUP(top_state,0,NULL) "
                               "CLEANUP(top_state,0,NULL) "
                               "CLEANUP(top_state,0,NULL) "
                               "CLEANUP(top_state,0,mid_cleanup)");
}

static void test_depth_floor_and_sub_of_sub(void **ctx)
{
    struct top_state *ts;
    struct mid_state *ms;
    struct top_state *ls;
    struct tevent_req *top = tevent_req_create(*ctx, &ts, struct top_state);
    struct tevent_req *mid = tevent_req_create(ts, &ms, struct mid_state);
    struct tevent_req *leaf = tevent_req_create(ms, &ls, struct top_state);
    /* Not a sub-request: created on a child of the state. */
    TALLOC_CTX *below_state = talloc_new(ms);
    struct mid_state *os;
    struct tevent_req *other =
        tevent_req_create(below_state, &os, struct mid_state);
    assert_string_equal(trail, "CREATE(top_state,0,"
                               "test_depth_floor_and_sub_of_sub) "
                               "CREATE(mid_state,1,"
                               "test_depth_floor_and_sub_of_sub) "
                               "CREATE(top_state,2,"
                               "test_depth_floor_and_sub_of_sub) "
                               "CREATE(mid_state,0,"
                               "test_depth_floor_and_sub_of_sub)");
    tevent_req_set_callback(leaf, plain_cb, NULL);
    tevent_req_set_callback(top, plain_cb, NULL);
    trail[0] = '\0';
    tevent_req_done(leaf);
    tevent_req_done(top);
    assert_string_equal(trail, "CLEANUP(top_state,2,NULL) "
                               "NOTIFY_CB(top_state,1,plain_cb) "
                               "CLEANUP(top_state,0,NULL) "
                               "NOTIFY_CB(top_state,0,plain_cb)");
    (void)mid;
    (void)other;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static void test_legacy_entry_points_do_nothing(void **ctx)
{
    size_t depth = 42;
    tevent_thread_call_depth_activate(&depth);
    struct top_state *ts;
    struct mid_state *ms;
    struct tevent_req *top = tevent_req_create(*ctx, &ts, struct top_state);
    tevent_thread_call_depth_start(top);
    struct tevent_req *mid = tevent_req_create(ts, &ms, struct mid_state);
    tevent_req_done(mid);
    tevent_thread_call_depth_deactivate();
    assert_int_equal(depth, 42);
    assert_string_equal(trail, "CREATE(top_state,0,"
                               "test_legacy_entry_points_do_nothing) "
                               "CREATE(mid_state,1,"
                               "test_legacy_entry_points_do_nothing) "
                               "CLEANUP(mid_state,1,NULL)");
}
#pragma GCC diagnostic pop

/* ------------------------------------------------------------------ */
/* The callback is per thread. */

static void *thread_main(void *arg)
{
    TALLOC_CTX *mem_ctx = talloc_new(NULL);
    char **thread_trail = arg;
    struct top_state *ts;
    tevent_req_create(mem_ctx, &ts, struct top_state);
    tevent_thread_call_depth_set_callback(record, thread_trail);
    tevent_req_create(mem_ctx, &ts, struct top_state);
    tevent_thread_call_depth_set_callback(NULL, NULL);
    talloc_free(mem_ctx);
    return NULL;
}

static void test_per_thread(void **ctx)
{
    char *thread_trail = talloc_strdup(*ctx, "");
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, thread_main, &thread_trail), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_string_equal(thread_trail,
                        "CREATE(top_state,0,thread_main) "
                        "RESET(-,0,tevent_thread_call_depth_set_callback)");
    assert_string_equal(trail, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_callback_resets_previous,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_from_req, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_from_old_entry_points, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cleanup_only_on_increase, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_depth_floor_and_sub_of_sub, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_legacy_entry_points_do_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_per_thread, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
