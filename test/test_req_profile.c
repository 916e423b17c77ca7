/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Request profiles: recording a request's start and end, collecting the
 * profiles of sub-requests into the parent's, and building profiles by hand.
 *
 * Like test_req.c this only uses API of the 0.14.1 header and is also built
 * against Debian's tevent.h.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#if defined(TEST_WITH_TEVENT_014_HEADER) && defined(TEVENT_FD_ERROR)
#error "this build is meant to use Debian's 0.14.1 tevent.h"
#endif

static int setup(void **ctx)
{
    *ctx = talloc_new(NULL);
    return 0;
}

static int teardown(void **ctx)
{
    assert_int_equal(talloc_free(*ctx), 0);
    return 0;
}

/* Evaluates expr, storing the __location__ of the same line in *ploc. */
#define AT_LOCATION(ploc, expr) (*(ploc) = __location__, (expr))

struct outer_state {
    int unused;
};

struct inner_state {
    int unused;
};

static struct timeval profile_start(const struct tevent_req_profile *p)
{
    struct timeval tv;
    tevent_req_profile_get_start(p, NULL, &tv);
    return tv;
}

static struct timeval profile_stop(const struct tevent_req_profile *p)
{
    struct timeval tv;
    tevent_req_profile_get_stop(p, NULL, &tv);
    return tv;
}

static const char *profile_name(const struct tevent_req_profile *p)
{
    const char *name = NULL;
    tevent_req_profile_get_name(p, &name);
    return name;
}

static int profile_state(const struct tevent_req_profile *p)
{
    enum tevent_req_state state;
    tevent_req_profile_get_status(p, NULL, &state, NULL);
    return state;
}

static int sub_count(const struct tevent_req_profile *p)
{
    int n = 0;
    for (const struct tevent_req_profile *s =
             tevent_req_profile_get_subprofiles(p);
         s != NULL; s = tevent_req_profile_next(s)) {
        n += 1;
    }
    return n;
}

static void test_set_profile(void **ctx)
{
    TALLOC_CTX *c = *ctx;
    struct outer_state *os;
    const char *loc;
    struct timeval before = tevent_timeval_current();
    struct tevent_req *req;
    req = AT_LOCATION(&loc, tevent_req_create(c, &os, struct outer_state));
    assert_non_null(req);
    assert_null(tevent_req_get_profile(req));

    assert_true(tevent_req_set_profile(req));
    const struct tevent_req_profile *p = tevent_req_get_profile(req);
    assert_non_null(p);
    assert_string_equal(talloc_get_name(p), "struct tevent_req_profile");
    assert_ptr_equal(talloc_parent(p), req);

    assert_string_equal(profile_name(p), "struct outer_state");
    const char *start_loc;
    struct timeval start;
    tevent_req_profile_get_start(p, &start_loc, &start);
    assert_string_equal(start_loc, loc);
    struct timeval after = tevent_timeval_current();
    assert_true(tevent_timeval_compare(&start, &before) >= 0);
    assert_true(tevent_timeval_compare(&start, &after) <= 0);

    const char *stop_loc = "unset";
    struct timeval stop = {1, 1};
    tevent_req_profile_get_stop(p, &stop_loc, &stop);
    assert_null(stop_loc);
    assert_true(tevent_timeval_is_zero(&stop));
    pid_t pid = 1;
    enum tevent_req_state st = TEVENT_REQ_RECEIVED;
    uint64_t err = 1;
    tevent_req_profile_get_status(p, &pid, &st, &err);
    assert_int_equal(pid, 0);
    assert_int_equal(st, TEVENT_REQ_INIT);
    assert_int_equal(err, 0);
    assert_null(tevent_req_profile_get_subprofiles(p));
    assert_null(tevent_req_profile_next(p));
}

static void note_state(struct tevent_req *req)
{
    enum tevent_req_state state;
    uint64_t err = 0;
    int *seen = tevent_req_callback_data_void(req);
    *seen = tevent_req_is_error(req, &state, &err) ? (int)err : -1;
}

static void test_set_profile_twice_fails_the_request(void **ctx)
{
    struct outer_state *state;
    struct tevent_req *req =
        tevent_req_create(*ctx, &state, struct outer_state);
    int seen = 0;
    tevent_req_set_callback(req, note_state, &seen);
    assert_true(tevent_req_set_profile(req));
    const struct tevent_req_profile *p = tevent_req_get_profile(req);

    assert_false(tevent_req_set_profile(req));
    assert_int_equal(seen, EINVAL);
    assert_false(tevent_req_is_in_progress(req));
    assert_ptr_equal(tevent_req_get_profile(req), p);
    assert_int_equal(profile_state(p), TEVENT_REQ_USER_ERROR);
}

static void test_stop_and_move(void **ctx)
{
    struct outer_state *state;
    struct tevent_req *req =
        tevent_req_create(*ctx, &state, struct outer_state);
    assert_true(tevent_req_set_profile(req));

    const char *done_loc;
    AT_LOCATION(&done_loc, tevent_req_error(req, 1234));
    const struct tevent_req_profile *p = tevent_req_get_profile(req);
    const char *stop_loc;
    struct timeval stop;
    tevent_req_profile_get_stop(p, &stop_loc, &stop);
    assert_string_equal(stop_loc, done_loc);
    struct timeval start = profile_start(p);
    assert_true(tevent_timeval_compare(&start, &stop) <= 0);
    pid_t pid = 1;
    enum tevent_req_state st;
    uint64_t err;
    tevent_req_profile_get_status(p, &pid, &st, &err);
    assert_int_equal(pid, 0);
    assert_int_equal(st, TEVENT_REQ_USER_ERROR);
    assert_int_equal(err, 1234);

    TALLOC_CTX *keep = talloc_new(*ctx);
    struct tevent_req_profile *moved = tevent_req_move_profile(req, keep);
    assert_ptr_equal(moved, p);
    assert_ptr_equal(talloc_parent(moved), keep);
    assert_null(tevent_req_get_profile(req));
    assert_null(tevent_req_move_profile(req, keep));

    /* The profile outlives the request. */
    talloc_free(req);
    assert_int_equal(profile_state(moved), TEVENT_REQ_USER_ERROR);
}

static void test_posted_delivery_restamps(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct outer_state *state;
    struct tevent_req *req =
        tevent_req_create(*ctx, &state, struct outer_state);
    assert_true(tevent_req_set_profile(req));
    const char *done_loc;
    AT_LOCATION(&done_loc, tevent_req_done(req));
    const struct tevent_req_profile *p = tevent_req_get_profile(req);
    struct timeval first = profile_stop(p);
    tevent_req_post(req, ev);
    usleep(2000);
    assert_int_equal(tevent_loop_once(ev), 0);
    struct timeval second = profile_stop(p);
    assert_true(tevent_timeval_compare(&first, &second) < 0);
    const char *stop_loc;
    tevent_req_profile_get_stop(p, &stop_loc, NULL);
    assert_string_equal(stop_loc, done_loc);
}

/* ------------------------------------------------------------------ */
/* Nested requests: outer creates two inner requests on its state. */

struct nested {
    struct tevent_req *outer;
    struct tevent_req *inner[2];
};

static void nested_create(TALLOC_CTX *mem_ctx, struct nested *n,
                          bool profile_outer)
{
    struct outer_state *os;
    n->outer = tevent_req_create(mem_ctx, &os, struct outer_state);
    assert_non_null(n->outer);
    if (profile_outer) {
        assert_true(tevent_req_set_profile(n->outer));
    }
    for (int i = 0; i < 2; i++) {
        struct inner_state *is;
        n->inner[i] = tevent_req_create(os, &is, struct inner_state);
        assert_non_null(n->inner[i]);
    }
}

static void test_sub_requests_get_profiles(void **ctx)
{
    struct nested n;
    nested_create(*ctx, &n, true);
    const struct tevent_req_profile *op = tevent_req_get_profile(n.outer);
    const struct tevent_req_profile *ip0 = tevent_req_get_profile(n.inner[0]);
    const struct tevent_req_profile *ip1 = tevent_req_get_profile(n.inner[1]);
    assert_non_null(ip0);
    assert_non_null(ip1);
    /* Linked below the parent's profile, owned by the sub-request. */
    assert_ptr_equal(talloc_parent(ip0), n.inner[0]);
    assert_ptr_equal(tevent_req_profile_get_subprofiles(op), ip0);
    assert_ptr_equal(tevent_req_profile_next(ip0), ip1);
    assert_null(tevent_req_profile_next(ip1));
    assert_string_equal(profile_name(ip0), "struct inner_state");

    /* Finishing hands the profile over to the parent's profile. */
    tevent_req_done(n.inner[1]);
    assert_null(tevent_req_get_profile(n.inner[1]));
    assert_ptr_equal(talloc_parent(ip1), op);
    assert_int_equal(profile_state(ip1), TEVENT_REQ_DONE);
    talloc_free(n.inner[1]);
    tevent_req_oom(n.inner[0]);
    talloc_free(n.inner[0]);
    assert_int_equal(profile_state(ip0), TEVENT_REQ_NO_MEMORY);

    /* Creation order is kept, whatever the order of completion. */
    assert_ptr_equal(tevent_req_profile_get_subprofiles(op), ip0);
    assert_ptr_equal(tevent_req_profile_next(ip0), ip1);

    tevent_req_done(n.outer);
    struct tevent_req_profile *taken = tevent_req_move_profile(n.outer, *ctx);
    talloc_free(n.outer);
    assert_int_equal(sub_count(taken), 2);
    assert_int_equal(profile_state(taken), TEVENT_REQ_DONE);
}

static void test_freeing_unfinished_sub_unlinks(void **ctx)
{
    struct nested n;
    nested_create(*ctx, &n, true);
    const struct tevent_req_profile *op = tevent_req_get_profile(n.outer);
    const struct tevent_req_profile *ip1 = tevent_req_get_profile(n.inner[1]);
    talloc_free(n.inner[0]);
    assert_int_equal(sub_count(op), 1);
    assert_ptr_equal(tevent_req_profile_get_subprofiles(op), ip1);
}

static void test_no_profile_without_parent_profile(void **ctx)
{
    struct nested n;
    nested_create(*ctx, &n, false);
    assert_null(tevent_req_get_profile(n.inner[0]));

    /* Only requests created after the parent's profile get one. */
    assert_true(tevent_req_set_profile(n.outer));
    assert_null(tevent_req_get_profile(n.inner[1]));
    assert_int_equal(sub_count(tevent_req_get_profile(n.outer)), 0);
}

static void test_moved_parent_profile_orphans_subs(void **ctx)
{
    struct nested n;
    nested_create(*ctx, &n, true);
    const struct tevent_req_profile *ip0 = tevent_req_get_profile(n.inner[0]);
    struct tevent_req_profile *op = tevent_req_move_profile(n.outer, *ctx);
    talloc_free(op);
    /* The sub's profile is now a root: finishing keeps it on the request. */
    tevent_req_done(n.inner[0]);
    assert_ptr_equal(tevent_req_get_profile(n.inner[0]), ip0);
    assert_ptr_equal(talloc_parent(ip0), n.inner[0]);
}

struct level_state {
    struct tevent_req *sub;
};

static void test_two_levels(void **ctx)
{
    struct level_state *s0, *s1, *s2;
    struct tevent_req *r0 = tevent_req_create(*ctx, &s0, struct level_state);
    assert_true(tevent_req_set_profile(r0));
    struct tevent_req *r1 = tevent_req_create(s0, &s1, struct level_state);
    struct tevent_req *r2 = tevent_req_create(s1, &s2, struct level_state);
    const struct tevent_req_profile *p1 = tevent_req_get_profile(r1);
    const struct tevent_req_profile *p2 = tevent_req_get_profile(r2);
    assert_ptr_equal(tevent_req_profile_get_subprofiles(p1), p2);

    tevent_req_done(r2);
    talloc_free(r2);
    tevent_req_done(r1);
    talloc_free(r1);
    tevent_req_done(r0);
    struct tevent_req_profile *p0 = tevent_req_move_profile(r0, *ctx);
    talloc_free(r0);
    assert_ptr_equal(tevent_req_profile_get_subprofiles(p0), p1);
    assert_ptr_equal(tevent_req_profile_get_subprofiles(p1), p2);
    assert_int_equal(talloc_total_blocks(p0), 3);
}

/* ------------------------------------------------------------------ */
/* Profiles built by hand */

static void test_build_by_hand(void **ctx)
{
    struct tevent_req_profile *p = tevent_req_profile_create(*ctx);
    assert_non_null(p);
    assert_string_equal(talloc_get_name(p), "struct tevent_req_profile");
    assert_ptr_equal(talloc_parent(p), *ctx);
    assert_null(profile_name(p));

    char name[] = "name";
    assert_true(tevent_req_profile_set_name(p, name));
    name[0] = 'X';
    assert_string_equal(profile_name(p), "name");
    assert_ptr_equal(talloc_parent(profile_name(p)), p);

    assert_true(
        tevent_req_profile_set_start(p, "here", tevent_timeval_set(3, 4)));
    assert_true(
        tevent_req_profile_set_stop(p, "there", tevent_timeval_set(5, 6)));
    const char *loc;
    struct timeval tv;
    tevent_req_profile_get_start(p, &loc, &tv);
    assert_string_equal(loc, "here");
    assert_ptr_equal(talloc_parent(loc), p);
    assert_int_equal(tv.tv_sec, 3);
    assert_int_equal(tv.tv_usec, 4);
    tevent_req_profile_get_stop(p, &loc, &tv);
    assert_string_equal(loc, "there");
    assert_int_equal(tv.tv_sec, 5);
    assert_int_equal(tv.tv_usec, 6);

    tevent_req_profile_set_status(p, 77, TEVENT_REQ_TIMED_OUT, 99);
    pid_t pid;
    enum tevent_req_state st;
    uint64_t err;
    tevent_req_profile_get_status(p, &pid, &st, &err);
    assert_int_equal(pid, 77);
    assert_int_equal(st, TEVENT_REQ_TIMED_OUT);
    assert_int_equal(err, 99);
    /* NULL outputs are skipped. */
    tevent_req_profile_get_status(p, NULL, NULL, NULL);
    tevent_req_profile_get_start(p, NULL, NULL);
    tevent_req_profile_get_stop(p, NULL, NULL);
    tevent_req_profile_get_name(p, NULL);

    assert_false(tevent_req_profile_set_name(p, NULL));
    assert_null(profile_name(p));
}

static void test_append_sub(void **ctx)
{
    struct tevent_req_profile *parent = tevent_req_profile_create(*ctx);
    struct tevent_req_profile *a = tevent_req_profile_create(*ctx);
    struct tevent_req_profile *b = tevent_req_profile_create(*ctx);
    struct tevent_req_profile *c = tevent_req_profile_create(*ctx);
    struct tevent_req_profile *pa = a, *pb = b, *pc = c;

    tevent_req_profile_append_sub(parent, &b);
    tevent_req_profile_append_sub(parent, &a);
    tevent_req_profile_append_sub(parent, &c);
    assert_null(a);
    assert_null(b);
    assert_ptr_equal(talloc_parent(pa), parent);
    assert_ptr_equal(tevent_req_profile_get_subprofiles(parent), pb);
    assert_ptr_equal(tevent_req_profile_next(pb), pa);
    assert_ptr_equal(tevent_req_profile_next(pa), pc);
    assert_null(tevent_req_profile_next(pc));

    /* Freeing a sub-profile unlinks it, wherever it is in the list. */
    talloc_free(pa);
    assert_ptr_equal(tevent_req_profile_next(pb), pc);
    talloc_free(pc);
    assert_null(tevent_req_profile_next(pb));
    talloc_free(pb);
    assert_null(tevent_req_profile_get_subprofiles(parent));

    /* A tree goes away as a whole. */
    struct tevent_req_profile *d = tevent_req_profile_create(*ctx);
    struct tevent_req_profile *e = tevent_req_profile_create(*ctx);
    tevent_req_profile_append_sub(d, &e);
    tevent_req_profile_append_sub(parent, &d);
    assert_int_equal(talloc_total_blocks(parent), 3);
    talloc_free(parent);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_set_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_set_profile_twice_fails_the_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_and_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_posted_delivery_restamps, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sub_requests_get_profiles, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_freeing_unfinished_sub_unlinks,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_profile_without_parent_profile,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_parent_profile_orphans_subs,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_sub, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
