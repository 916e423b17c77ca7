/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * tevent_req: creation, the state machine, completion delivery (direct,
 * posted, deferred), endtime, cancel, cleanup, printing, polling, wakeup.
 *
 * Only API that the 0.14.1 header already has is used, so the same program
 * is also built against Debian's /usr/include/tevent.h: run on our library
 * it checks binary compatibility, run on Debian's library it checks that
 * these expectations are upstream's behaviour.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#if defined(TEST_WITH_TEVENT_014_HEADER) && defined(TEVENT_FD_ERROR)
#error "this build is meant to use Debian's 0.14.1 tevent.h"
#endif

/* ------------------------------------------------------------------ */
/* A trail of observed events, compared as one string. */

static char *trail;

static void note(const char *fmt, ...) PRINTF_ATTRIBUTE(1, 2);
static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = talloc_vasprintf(NULL, fmt, ap);
    va_end(ap);
    trail = talloc_asprintf_append(trail, "%s%s", trail[0] ? " " : "", s);
    talloc_free(s);
}

static int setup(void **ctx)
{
    trail = talloc_strdup(NULL, "");
    *ctx = talloc_new(NULL);
    return 0;
}

static int teardown(void **ctx)
{
    assert_int_equal(talloc_free(*ctx), 0);
    TALLOC_FREE(trail);
    return 0;
}

/* The state as the callers see it: DONE, or what tevent_req_is_error says. */
static int req_state(struct tevent_req *req)
{
    enum tevent_req_state state = (enum tevent_req_state)99;
    uint64_t error = 0;
    if (!tevent_req_is_error(req, &state, &error)) {
        return TEVENT_REQ_DONE;
    }
    return state;
}

/* Callback noting the state and the name given as callback data. */
static void note_cb(struct tevent_req *req)
{
    const char *name = tevent_req_callback_data_void(req);
    if (name != NULL) {
        note("%s:cb(%d)", name, req_state(req));
    } else {
        note("cb(%d)", req_state(req));
    }
}

static void note_cleanup(struct tevent_req *req, enum tevent_req_state state)
{
    const char *name = tevent_req_callback_data_void(req);
    note("%s%scleanup(%d%s)", name ? name : "", name ? ":" : "", state,
         _tevent_req_data(req) != NULL ? "" : ",nodata");
}

static void timer_set_flag(struct tevent_context *ev, struct tevent_timer *te,
                           struct timeval now, void *private_data)
{
    (void)ev;
    (void)te;
    (void)now;
    *(bool *)private_data = true;
}

/*
 * Runs the loop until every immediate scheduled so far (and any it
 * schedules) has run: a zero timer only runs once no immediate is pending.
 */
static void drain(struct tevent_context *ev)
{
    bool fired = false;
    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_zero(),
                                     timer_set_flag, &fired));
    while (!fired) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
}

/* Runs the loop until the time `at`: every timer due before has run. */
static void run_until(struct tevent_context *ev, struct timeval at)
{
    bool fired = false;
    assert_non_null(tevent_add_timer(ev, ev, at, timer_set_flag, &fired));
    while (!fired) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
}

/* Runs the loop for msec milliseconds. */
static void run_for(struct tevent_context *ev, uint32_t msec)
{
    run_until(ev, tevent_timeval_current_ofs(0, msec * 1000));
}

/* Evaluates expr, storing the __location__ of the same line in *ploc. */
#define AT_LOCATION(ploc, expr) (*(ploc) = __location__, (expr))

/* Private state of the wrapper contexts used below. */
struct hook_state {
    int unused;
};

struct foo_state {
    int value;
    char payload[200];
};

static struct tevent_req *foo_create(TALLOC_CTX *mem_ctx,
                                     struct foo_state **pstate)
{
    struct tevent_req *req =
        tevent_req_create(mem_ctx, pstate, struct foo_state);
    assert_non_null(req);
    return req;
}

/* ------------------------------------------------------------------ */
/* Creation */

struct child_names {
    int count;
    const char *names[8];
};

static void collect_child(const void *ptr, int depth, int max_depth, int is_ref,
                          void *private_data)
{
    struct child_names *c = private_data;
    (void)max_depth;
    (void)is_ref;
    if (depth == 1 && c->count < 8) {
        c->names[c->count++] = talloc_get_name(ptr);
    }
}

static bool has_child_named(const void *ptr, const char *name)
{
    struct child_names c = {0};
    talloc_report_depth_cb(ptr, 0, 1, collect_child, &c);
    for (int i = 0; i < c.count; i++) {
        if (strcmp(c.names[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static void test_create(void **ctx)
{
    struct foo_state *state = (struct foo_state *)&state;
    struct tevent_req *req = tevent_req_create(*ctx, &state, struct foo_state);

    assert_non_null(req);
    assert_string_equal(talloc_get_name(req), "struct tevent_req");
    assert_ptr_equal(talloc_parent(req), *ctx);
    assert_ptr_equal(talloc_get_type_abort(req, struct tevent_req), req);

    assert_ptr_equal(tevent_req_data(req, struct foo_state), state);
    assert_string_equal(talloc_get_name(state), "struct foo_state");
    assert_ptr_equal(talloc_parent(state), req);
    assert_int_equal(talloc_get_size(state), sizeof(struct foo_state));
    static const struct foo_state zero;
    assert_memory_equal(state, &zero, sizeof(zero));

    /* The state and the private immediate of tevent_req_post(), nothing
     * else; the immediate was created first. */
    struct child_names c = {0};
    talloc_report_depth_cb(req, 0, 1, collect_child, &c);
    assert_int_equal(c.count, 2);
    assert_string_equal(c.names[0], "struct foo_state");
    assert_string_equal(c.names[1], "struct tevent_immediate");
    assert_int_equal(talloc_total_blocks(req), 3);

    assert_true(tevent_req_is_in_progress(req));
    assert_int_equal(req_state(req), TEVENT_REQ_IN_PROGRESS);
    assert_null(tevent_req_callback_data_void(req));
}

static void test_create_empty_state(void **ctx)
{
    struct empty {
        char nothing[0];
    } *state = NULL;
    struct tevent_req *req = tevent_req_create(*ctx, &state, struct empty);
    assert_non_null(req);
    assert_non_null(state);
    assert_string_equal(talloc_get_name(state), "struct empty");
    assert_int_equal(talloc_get_size(state), 0);
}

static void test_create_overflow(void **ctx)
{
    void *state = NULL;
    struct tevent_req *req = _tevent_req_create(*ctx, &state, SIZE_MAX - 8,
                                                "struct huge", __location__);
    assert_null(req);
    assert_null(state);
}

/*
 * Counts heap allocations while `counting_mallocs` is set.  Sanitizers bring
 * their own allocator, which a malloc() defined here would bypass (its
 * blocks then reach the sanitizer's free()), so there their allocation hook
 * counts instead.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TEST_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TEST_SANITIZER_ALLOCATOR 1
#endif
#endif

static bool counting_mallocs;
static int malloc_calls;

#ifdef TEST_SANITIZER_ALLOCATOR
int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void *, size_t),
    void (*free_hook)(const volatile void *));

static void count_malloc(const volatile void *ptr, size_t size)
{
    (void)ptr;
    (void)size;
    if (counting_mallocs) {
        malloc_calls += 1;
    }
}

/* The sanitizers only take a malloc hook together with a free hook. */
static void ignore_free(const volatile void *ptr)
{
    (void)ptr;
}

static void start_counting_mallocs(void)
{
    static bool installed;
    if (!installed) {
        assert_int_not_equal(__sanitizer_install_malloc_and_free_hooks(
                                 count_malloc, ignore_free),
                             0);
        installed = true;
    }
    malloc_calls = 0;
    counting_mallocs = true;
}
#else
extern void *__libc_malloc(size_t size);
void *malloc(size_t size)
{
    if (counting_mallocs) {
        malloc_calls += 1;
    }
    return __libc_malloc(size);
}

static void start_counting_mallocs(void)
{
    malloc_calls = 0;
    counting_mallocs = true;
}
#endif

static int stop_counting_mallocs(void)
{
    counting_mallocs = false;
    return malloc_calls;
}

/* valgrind replaces malloc() in the program too, so nothing is counted
 * there; a talloc_size() that counts no malloc shows that. */
static void skip_unless_mallocs_counted(void)
{
    start_counting_mallocs();
    void *probe = talloc_size(NULL, 1);
    int probe_calls = stop_counting_mallocs();
    talloc_free(probe);
    if (probe_calls == 0) {
        skip();
    }
    assert_int_equal(probe_calls, 1);
}

static void test_create_is_one_malloc(void **ctx)
{
    skip_unless_mallocs_counted();

    struct foo_state *state = NULL;
    start_counting_mallocs();
    struct tevent_req *req = tevent_req_create(*ctx, &state, struct foo_state);
    int create_calls = stop_counting_mallocs();
    assert_non_null(req);
    assert_int_equal(create_calls, 1);

    /* The memory of the pool is handed back once everything is freed. */
    start_counting_mallocs();
    talloc_free(req);
    assert_int_equal(stop_counting_mallocs(), 0);
}

/* The usual _send that finishes at once: creating and posting together
 * cost one malloc, whatever the size of the state. */
static void test_create_and_post_is_one_malloc(void **ctx)
{
    skip_unless_mallocs_counted();
    struct tevent_context *ev = test_context(*ctx);
    static const size_t sizes[] = {0, 1, 8, 13, 24, 100, 1000};

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        void *state;
        start_counting_mallocs();
        struct tevent_req *req = _tevent_req_create(
            *ctx, &state, sizes[i], "struct sized_state", __location__);
        assert_non_null(req);
        tevent_req_done(req);
        tevent_req_post(req, ev);
        assert_int_equal(stop_counting_mallocs(), 1);

        tevent_req_set_callback(req, note_cb, NULL);
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_string_equal(trail, "cb(2)");
        trail[0] = '\0';
        talloc_free(req);
    }
}

/* Posting needs no memory: the immediate that delivers the result exists
 * from the creation on, also once other children took the pool's room. */
static void test_post_allocates_nothing(void **ctx)
{
    skip_unless_mallocs_counted();
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    assert_non_null(talloc_size(req, 16));
    assert_non_null(talloc_size(req, 100));

    start_counting_mallocs();
    tevent_req_defer_callback(req, ev);
    tevent_req_done(req);
    assert_ptr_equal(tevent_req_post(req, ev), req);
    assert_int_equal(stop_counting_mallocs(), 0);

    tevent_req_set_callback(req, note_cb, NULL);
    drain(ev);
    assert_string_equal(trail, "cb(2)");
    talloc_free(req);
}

#ifndef TEST_WITH_TEVENT_014_HEADER
/* A deliberate difference (doc/design.md), so not part of the run against
 * Debian's library, which dereferences the released trigger. */
static void test_post_after_received_aborts(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_received(req);

    g_abort_reason = NULL;
    tevent_set_abort_fn(record_abort);
    assert_ptr_equal(tevent_req_post(req, ev), req);
    tevent_set_abort_fn(NULL);
    assert_string_equal(g_abort_reason,
                        "tevent_req_post: request already received");
    drain(ev);
    assert_string_equal(trail, "");
    talloc_free(req);
}
#endif

static void test_state_values(void **ctx)
{
    (void)ctx;
    assert_int_equal(TEVENT_REQ_INIT, 0);
    assert_int_equal(TEVENT_REQ_IN_PROGRESS, 1);
    assert_int_equal(TEVENT_REQ_DONE, 2);
    assert_int_equal(TEVENT_REQ_USER_ERROR, 3);
    assert_int_equal(TEVENT_REQ_TIMED_OUT, 4);
    assert_int_equal(TEVENT_REQ_NO_MEMORY, 5);
    assert_int_equal(TEVENT_REQ_RECEIVED, 6);
}

/* ------------------------------------------------------------------ */
/* The state machine */

static void test_done(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, "r");
    assert_string_equal(tevent_req_callback_data_void(req), "r");

    tevent_req_done(req);
    assert_string_equal(trail, "r:cb(2)");
    assert_false(tevent_req_is_in_progress(req));

    enum tevent_req_state s = (enum tevent_req_state)99;
    uint64_t e = 77;
    assert_false(tevent_req_is_error(req, &s, &e));
    assert_int_equal(s, 99);
    assert_int_equal(e, 77);
}

static void test_done_twice_calls_back_twice(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_done(req);
    tevent_req_done(req);
    assert_true(tevent_req_error(req, 9));
    assert_string_equal(trail, "cb(2) cb(2) cb(3)");
    assert_int_equal(req_state(req), TEVENT_REQ_USER_ERROR);
}

static void test_error(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);

    /* 0 is not an error: nothing happens. */
    assert_false(tevent_req_error(req, 0));
    assert_true(tevent_req_is_in_progress(req));
    assert_string_equal(trail, "");

    assert_true(tevent_req_error(req, 42));
    assert_string_equal(trail, "cb(3)");
    enum tevent_req_state s;
    uint64_t e = 0;
    assert_true(tevent_req_is_error(req, &s, &e));
    assert_int_equal(s, TEVENT_REQ_USER_ERROR);
    assert_int_equal(e, 42);
}

static void test_nomem_and_oom(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);

    assert_false(tevent_req_nomem(state, req));
    assert_true(tevent_req_is_in_progress(req));
    assert_true(tevent_req_nomem(NULL, req));
    assert_string_equal(trail, "cb(5)");

    enum tevent_req_state s;
    uint64_t e = 77;
    assert_true(tevent_req_is_error(req, &s, &e));
    assert_int_equal(s, TEVENT_REQ_NO_MEMORY);
    assert_int_equal(e, 77);

    struct tevent_req *req2 = foo_create(*ctx, &state);
    tevent_req_set_callback(req2, note_cb, "oom");
    tevent_req_oom(req2);
    assert_string_equal(trail, "cb(5) oom:cb(5)");
}

static void test_is_error_in_progress(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    enum tevent_req_state s = (enum tevent_req_state)99;
    uint64_t e = 77;
    assert_true(tevent_req_is_error(req, &s, &e));
    assert_int_equal(s, TEVENT_REQ_IN_PROGRESS);
    assert_int_equal(e, 77);
}

static void test_received(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, "r");
    tevent_req_done(req);
    tevent_req_received(req);

    assert_null(_tevent_req_data(req));
    assert_int_equal(req_state(req), TEVENT_REQ_RECEIVED);
    assert_false(tevent_req_is_in_progress(req));
    /* Only the request itself is left; the callback stays set. */
    assert_int_equal(talloc_total_blocks(req), 1);
    assert_string_equal(tevent_req_callback_data_void(req), "r");
    assert_string_equal(trail, "r:cb(2)");
}

/* ------------------------------------------------------------------ */
/* Posting and deferring */

static void test_post_before_callback(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);

    /* The usual _send: finish early, post, the caller sets the callback. */
    tevent_req_done(req);
    assert_ptr_equal(tevent_req_post(req, ev), req);
    /* The private immediate that delivers the result. */
    assert_true(has_child_named(req, "struct tevent_immediate"));
    assert_int_equal(talloc_total_blocks(req), 3);
    tevent_req_set_callback(req, note_cb, NULL);
    assert_string_equal(trail, "");

    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(trail, "cb(2)");
    drain(ev);
    assert_string_equal(trail, "cb(2)");
}

static void test_post_after_callback_calls_back_again(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    assert_true(tevent_req_error(req, 3));
    tevent_req_post(req, ev);
    note("|");
    drain(ev);
    assert_string_equal(trail, "cb(3) | cb(3)");
}

static void test_post_in_progress(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_post(req, ev);
    drain(ev);
    assert_string_equal(trail, "cb(1)");
    assert_true(tevent_req_is_in_progress(req));
}

static void test_post_twice_is_one_callback(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_done(req);
    tevent_req_post(req, ev);
    tevent_req_post(req, ev);
    tevent_req_set_callback(req, note_cb, NULL);
    drain(ev);
    assert_string_equal(trail, "cb(2)");
}

static void test_post_order_is_fifo(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *a = foo_create(*ctx, &state);
    struct tevent_req *b = foo_create(*ctx, &state);
    struct tevent_req *c = foo_create(*ctx, &state);
    tevent_req_set_callback(a, note_cb, "a");
    tevent_req_set_callback(b, note_cb, "b");
    tevent_req_set_callback(c, note_cb, "c");
    tevent_req_post(b, ev);
    tevent_req_post(a, ev);
    tevent_req_post(c, ev);
    /* Re-posting moves b to the end. */
    tevent_req_post(b, ev);
    drain(ev);
    assert_string_equal(trail, "a:cb(1) c:cb(1) b:cb(1)");
}

static void test_post_one_per_iteration(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *a = foo_create(*ctx, &state);
    struct tevent_req *b = foo_create(*ctx, &state);
    tevent_req_set_callback(a, note_cb, "a");
    tevent_req_set_callback(b, note_cb, "b");
    tevent_req_done(a);
    tevent_req_done(b);
    tevent_req_post(a, ev);
    tevent_req_post(b, ev);
    TALLOC_FREE(trail);
    trail = talloc_strdup(NULL, "");
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(trail, "a:cb(2)");
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(trail, "a:cb(2) b:cb(2)");
}

static void test_free_cancels_post(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_done(req);
    tevent_req_post(req, ev);
    talloc_free(req);
    drain(ev);
    assert_string_equal(trail, "cb(2)");
}

static void test_received_cancels_post(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_post(req, ev);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_received(req);
    drain(ev);
    assert_string_equal(trail, "");
}

static void test_defer_callback(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_defer_callback(req, ev);

    tevent_req_done(req);
    assert_string_equal(trail, "");
    assert_false(tevent_req_is_in_progress(req));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(trail, "cb(2)");

    /* One-shot: the next completion is delivered directly. */
    assert_true(tevent_req_error(req, 1));
    assert_string_equal(trail, "cb(2) cb(3)");
    drain(ev);
    assert_string_equal(trail, "cb(2) cb(3)");
}

static void test_notify_callback(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    /* Without a callback nothing happens. */
    tevent_req_notify_callback(req);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_notify_callback(req);
    assert_string_equal(trail, "cb(1)");
    assert_true(tevent_req_is_in_progress(req));
}

/* ------------------------------------------------------------------ */
/* Printing */

static void test_print_default(void **ctx)
{
    struct foo_state *state;
    const char *loc;
    struct tevent_req *req;

    req = AT_LOCATION(&loc, tevent_req_create(*ctx, &state, struct foo_state));
    assert_non_null(req);

    char *expect = talloc_asprintf(
        *ctx,
        "tevent_req[%p/%s]: state[1] error[0 (0x0)]  "
        "state[struct foo_state (%p)] timer[(nil)] finish[(null)]",
        (void *)req, loc, (void *)state);
    assert_string_equal(tevent_req_print(*ctx, req), expect);
    assert_string_equal(tevent_req_default_print(req, *ctx), expect);
    assert_ptr_equal(talloc_parent(tevent_req_print(*ctx, req)), *ctx);

    const char *floc;
    assert_true(AT_LOCATION(&floc, tevent_req_error(req, 0x1234abcd)));
    expect = talloc_asprintf(
        *ctx,
        "tevent_req[%p/%s]: state[3] error[305441741 (0x1234ABCD)]  "
        "state[struct foo_state (%p)] timer[(nil)] finish[%s]",
        (void *)req, loc, (void *)state, floc);
    assert_string_equal(tevent_req_print(*ctx, req), expect);

    assert_true(AT_LOCATION(&floc, tevent_req_error(req, UINT64_MAX)));
    assert_non_null(strstr(tevent_req_print(*ctx, req),
                           " error[-1 (0xFFFFFFFFFFFFFFFF)] "));

    tevent_req_received(req);
    /* The error is printed with %lld, the state pointer is gone. */
    expect = talloc_asprintf(
        *ctx,
        "tevent_req[%p/%s]: state[6] error[-1 (0xFFFFFFFFFFFFFFFF)]  "
        "state[struct foo_state ((nil))] timer[(nil)] finish[%s]",
        (void *)req, loc, floc);
    assert_string_equal(tevent_req_print(*ctx, req), expect);
}

static char *custom_print(struct tevent_req *req, TALLOC_CTX *mem_ctx)
{
    return talloc_asprintf(mem_ctx, "custom %d", req_state(req));
}

static void test_print_custom(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_print_fn(req, custom_print);
    assert_string_equal(tevent_req_print(*ctx, req), "custom 1");
    /* The default printer stays reachable. */
    assert_non_null(strstr(tevent_req_default_print(req, *ctx), "state[1]"));

    assert_string_equal(tevent_req_print(*ctx, NULL), "tevent_req[NULL]");

    /* Receiving drops the custom printer. */
    tevent_req_received(req);
    assert_non_null(strstr(tevent_req_print(*ctx, req), "tevent_req["));
}

static void test_print_timer(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    assert_true(
        tevent_req_set_endtime(req, ev, tevent_timeval_current_ofs(100, 0)));
    assert_null(strstr(tevent_req_print(*ctx, req), "timer[(nil)]"));
    tevent_req_reset_endtime(req);
    assert_non_null(strstr(tevent_req_print(*ctx, req), "timer[(nil)]"));
}

/* ------------------------------------------------------------------ */
/* Endtime */

static void test_endtime_times_out(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    struct timeval start = tevent_timeval_current();
    tevent_req_set_callback(req, note_cb, NULL);

    assert_true(
        tevent_req_set_endtime(req, ev, tevent_timeval_current_ofs(0, 20000)));
    /* The timer is a child of the request. */
    assert_int_equal(talloc_total_blocks(req), 4);
    assert_true(has_child_named(req, "struct tevent_timer"));

    assert_true(tevent_req_poll(req, ev));
    struct timeval end = tevent_timeval_current();
    struct timeval limit = tevent_timeval_add(&start, 0, 20000);
    assert_true(tevent_timeval_compare(&end, &limit) >= 0);

    assert_string_equal(trail, "cb(4)");
    assert_int_equal(req_state(req), TEVENT_REQ_TIMED_OUT);
    char *s = tevent_req_print(*ctx, req);
    assert_non_null(strstr(s, "timer[(nil)] finish[tevent_req_timedout]"));
    assert_int_equal(talloc_total_blocks(req), 3);
}

static void test_endtime_cancelled_by_done(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    assert_true(
        tevent_req_set_endtime(req, ev, tevent_timeval_current_ofs(0, 10000)));
    tevent_req_done(req);
    assert_int_equal(talloc_total_blocks(req), 3);
    run_for(ev, 30);
    assert_string_equal(trail, "cb(2)");
}

static void test_endtime_replaced(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    /* Deadlines from one reading of the clock: their order does not
     * depend on how long the steps in between take. */
    struct timeval start = tevent_timeval_current();
    assert_true(
        tevent_req_set_endtime(req, ev, tevent_timeval_add(&start, 0, 10000)));
    assert_true(
        tevent_req_set_endtime(req, ev, tevent_timeval_add(&start, 0, 40000)));
    assert_int_equal(talloc_total_blocks(req), 4);
    run_until(ev, tevent_timeval_add(&start, 0, 25000));
    assert_string_equal(trail, "");
    assert_true(tevent_req_poll(req, ev));
    assert_string_equal(trail, "cb(4)");
}

static void test_endtime_reset(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    assert_true(
        tevent_req_set_endtime(req, ev, tevent_timeval_current_ofs(0, 5000)));
    tevent_req_reset_endtime(req);
    assert_int_equal(talloc_total_blocks(req), 3);
    run_for(ev, 20);
    assert_string_equal(trail, "");
    assert_true(tevent_req_is_in_progress(req));
}

static void test_endtime_in_the_past(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    assert_true(tevent_req_set_endtime(req, ev, tevent_timeval_set(1, 0)));
    assert_string_equal(trail, "");
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(trail, "cb(4)");
}

static void test_free_with_pending_endtime(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_set_cleanup_fn(req, note_cleanup);
    assert_true(
        tevent_req_set_endtime(req, ev, tevent_timeval_current_ofs(0, 5000)));
    talloc_free(req);
    run_for(ev, 20);
    assert_string_equal(trail, "cleanup(6)");
}

static const struct tevent_wrapper_ops hook_ops;

static void test_endtime_failure_finishes_now(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct hook_state *hs;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    struct tevent_context *wrap = tevent_context_wrapper_create(
        ev, *ctx, &hook_ops, &hs, struct hook_state);
#pragma GCC diagnostic pop
    assert_non_null(wrap);
    /* A wrapper whose main context is gone cannot add timers. */
    talloc_free(ev);

    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    assert_false(
        tevent_req_set_endtime(req, wrap, tevent_timeval_current_ofs(1, 0)));
    assert_string_equal(trail, "cb(5)");
    assert_non_null(strstr(tevent_req_print(*ctx, req), "timer[(nil)]"));
    talloc_free(wrap);
}

/* ------------------------------------------------------------------ */
/* Cancel */

static struct tevent_req *cancelled_req;
static bool cancel_answer;

static bool note_cancel(struct tevent_req *req)
{
    cancelled_req = req;
    note("cancel");
    return cancel_answer;
}

static void test_cancel(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    assert_false(tevent_req_cancel(req));

    tevent_req_set_cancel_fn(req, note_cancel);
    cancel_answer = true;
    assert_true(tevent_req_cancel(req));
    assert_ptr_equal(cancelled_req, req);
    cancel_answer = false;
    assert_false(tevent_req_cancel(req));
    /* Cancelling does not finish the request by itself. */
    assert_true(tevent_req_is_in_progress(req));
    assert_string_equal(trail, "cancel cancel");

    tevent_req_set_cancel_fn(req, NULL);
    assert_false(tevent_req_cancel(req));

    tevent_req_set_cancel_fn(req, note_cancel);
    tevent_req_done(req);
    cancel_answer = true;
    assert_true(tevent_req_cancel(req));
    tevent_req_received(req);
    assert_false(tevent_req_cancel(req));
    assert_string_equal(trail, "cancel cancel cb(2) cancel");
}

/* ------------------------------------------------------------------ */
/* Cleanup */

static void test_cleanup_done_then_free(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_set_cleanup_fn(req, note_cleanup);
    tevent_req_done(req);
    assert_string_equal(trail, "cleanup(2) cb(2)");
    talloc_free(req);
    assert_string_equal(trail, "cleanup(2) cb(2) cleanup(6)");
}

static void test_cleanup_received_then_free(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_cleanup_fn(req, note_cleanup);
    assert_true(tevent_req_error(req, 5));
    tevent_req_received(req);
    assert_string_equal(trail, "cleanup(3) cleanup(6)");
    tevent_req_received(req);
    talloc_free(req);
    assert_string_equal(trail, "cleanup(3) cleanup(6)");
}

static void test_cleanup_free_in_progress(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_set_cleanup_fn(req, note_cleanup);
    talloc_free(req);
    assert_string_equal(trail, "cleanup(6)");
}

static void test_cleanup_set_after_finish(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_done(req);
    tevent_req_set_cleanup_fn(req, note_cleanup);
    tevent_req_done(req);
    assert_string_equal(trail, "");
    talloc_free(req);
    assert_string_equal(trail, "cleanup(6)");
}

static void test_cleanup_on_timeout_and_post(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_set_cleanup_fn(req, note_cleanup);
    assert_true(tevent_req_set_endtime(req, ev, tevent_timeval_zero()));
    drain(ev);
    assert_string_equal(trail, "cleanup(4) cb(4)");
    /* A posted delivery repeats the callback but not the cleanup. */
    tevent_req_post(req, ev);
    drain(ev);
    assert_string_equal(trail, "cleanup(4) cb(4) cb(4)");
}

static int refinish_count;

static void refinish_cleanup(struct tevent_req *req,
                             enum tevent_req_state state)
{
    note("cleanup(%d)", state);
    if (refinish_count-- > 0) {
        if (state == TEVENT_REQ_DONE) {
            tevent_req_error(req, 5);
        }
    }
}

static void same_state_cleanup(struct tevent_req *req,
                               enum tevent_req_state state)
{
    note("cleanup(%d)", state);
    if (refinish_count-- > 0) {
        tevent_req_done(req);
    }
}

static void test_cleanup_refinish(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_set_cleanup_fn(req, refinish_cleanup);
    refinish_count = 1;
    tevent_req_done(req);
    /* A higher state runs cleanup again, nested; both callbacks see it. */
    assert_string_equal(trail, "cleanup(2) cleanup(3) cb(3) cb(3)");

    TALLOC_FREE(trail);
    trail = talloc_strdup(NULL, "");
    req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_set_cleanup_fn(req, same_state_cleanup);
    refinish_count = 1;
    tevent_req_done(req);
    assert_string_equal(trail, "cleanup(2) cb(2) cb(2)");
}

static void free_in_cb(struct tevent_req *req)
{
    note("cb(%d)", req_state(req));
    talloc_free(req);
}

static void test_free_in_callback(void **ctx)
{
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, free_in_cb, NULL);
    tevent_req_set_cleanup_fn(req, note_cleanup);
    tevent_req_done(req);
    assert_string_equal(trail, "cleanup(2) cb(2) cleanup(6)");
    assert_int_equal(talloc_total_blocks(*ctx), 1);
}

static void test_free_in_posted_callback(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    TALLOC_CTX *reqs = talloc_new(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(reqs, &state);
    tevent_req_set_cleanup_fn(req, note_cleanup);
    tevent_req_done(req);
    tevent_req_post(req, ev);
    tevent_req_set_callback(req, free_in_cb, NULL);
    drain(ev);
    assert_string_equal(trail, "cleanup(2) cb(2) cleanup(6)");
    assert_int_equal(talloc_total_blocks(reqs), 1);
}

/* A parent request whose state owns a sub-request. */
struct parent_state {
    struct tevent_req *sub;
};

static void sub_cb_frees_parent(struct tevent_req *sub)
{
    struct tevent_req *parent =
        tevent_req_callback_data(sub, struct tevent_req);
    note("sub:cb(%d)", req_state(sub));
    talloc_free(parent);
}

static void named_cleanup(struct tevent_req *req, enum tevent_req_state state)
{
    struct parent_state *ps =
        talloc_get_type(_tevent_req_data(req), struct parent_state);
    note("%s:cleanup(%d)", ps != NULL ? "parent" : "sub", state);
}

static void free_parent_from_sub_callback(TALLOC_CTX *mem_ctx,
                                          struct tevent_context *ev)
{
    TALLOC_CTX *reqs = talloc_new(mem_ctx);
    struct parent_state *ps;
    struct tevent_req *parent =
        tevent_req_create(reqs, &ps, struct parent_state);
    assert_non_null(parent);
    struct foo_state *fs;
    ps->sub = foo_create(ps, &fs);
    tevent_req_set_cleanup_fn(parent, named_cleanup);
    tevent_req_set_cleanup_fn(ps->sub, named_cleanup);
    if (ev == NULL) {
        tevent_req_set_callback(ps->sub, sub_cb_frees_parent, parent);
        tevent_req_done(ps->sub);
    } else {
        tevent_req_done(ps->sub);
        tevent_req_post(ps->sub, ev);
        tevent_req_set_callback(ps->sub, sub_cb_frees_parent, parent);
        drain(ev);
    }
    assert_string_equal(
        trail, "sub:cleanup(2) sub:cb(2) parent:cleanup(6) sub:cleanup(6)");
    assert_int_equal(talloc_total_blocks(reqs), 1);
}

static void test_free_parent_from_sub_callback(void **ctx)
{
    free_parent_from_sub_callback(*ctx, NULL);
}

static void test_free_parent_from_posted_sub_callback(void **ctx)
{
    free_parent_from_sub_callback(*ctx, test_context(*ctx));
}

/* ------------------------------------------------------------------ */
/* Poll */

static void done_from_timer(struct tevent_context *ev, struct tevent_timer *te,
                            struct timeval now, void *private_data)
{
    (void)ev;
    (void)te;
    (void)now;
    tevent_req_done(private_data);
}

static void test_poll(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    assert_non_null(tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(0, 5000), done_from_timer, req));
    assert_true(tevent_req_poll(req, ev));
    assert_string_equal(trail, "cb(2)");
    /* A finished request does not touch the loop. */
    assert_true(tevent_req_poll(req, ev));
}

static int aborts;
static const char *abort_reason; /* kept reachable: tevent never frees it */

static void count_abort(const char *reason)
{
    aborts += 1;
    abort_reason = reason;
}

static void poll_nested(struct tevent_context *ev, struct tevent_timer *te,
                        struct timeval now, void *private_data)
{
    (void)te;
    (void)now;
    errno = 0;
    bool ok = tevent_req_poll(private_data, ev);
    note("poll=%d errno=%s", ok, errno == ELOOP ? "ELOOP" : "other");
}

static void test_poll_fails_when_loop_fails(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_set_abort_fn(count_abort);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), poll_nested, req));
    assert_int_equal(tevent_loop_once(ev), 0);
    tevent_set_abort_fn(NULL);
    assert_int_equal(aborts, 1);
    assert_string_equal(trail, "poll=0 errno=ELOOP");
    /* The loop is entered from the library's request code. */
    const char *prefix = "tevent_loop_once() nesting at ";
    assert_int_equal(strncmp(abort_reason, prefix, strlen(prefix)), 0);
    assert_non_null(strstr(abort_reason, "req."));
    assert_null(strstr(abort_reason, "test_req.c"));
    assert_true(tevent_req_is_in_progress(req));
}

/* ------------------------------------------------------------------ */
/* Wakeup */

static void test_wakeup(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct timeval start = tevent_timeval_current();
    struct timeval at = tevent_timeval_add(&start, 0, 15000);
    struct tevent_req *req = tevent_wakeup_send(*ctx, ev, at);
    assert_non_null(req);
    assert_ptr_equal(talloc_parent(req), *ctx);
    assert_string_equal(talloc_get_name(_tevent_req_data(req)),
                        "struct tevent_wakeup_state");
    assert_true(has_child_named(req, "struct tevent_timer"));
    assert_false(tevent_wakeup_recv(req));

    tevent_req_set_callback(req, note_cb, NULL);
    assert_true(tevent_req_poll(req, ev));
    struct timeval now = tevent_timeval_current();
    assert_true(tevent_timeval_compare(&now, &at) >= 0);
    assert_string_equal(trail, "cb(4)");
    assert_true(tevent_wakeup_recv(req));
    assert_true(tevent_wakeup_recv(req));
    /* Other endings are not a wakeup. */
    assert_true(tevent_req_error(req, 1));
    assert_false(tevent_wakeup_recv(req));
    tevent_req_done(req);
    assert_false(tevent_wakeup_recv(req));
}

/* ------------------------------------------------------------------ */
/* Handler names seen by wrapper hooks */

static void hook_fd(struct tevent_context *wrap_ev, void *ps,
                    struct tevent_context *main_ev, struct tevent_fd *fde,
                    uint16_t flags, const char *handler_name,
                    const char *location)
{
    (void)wrap_ev;
    (void)ps;
    (void)main_ev;
    (void)fde;
    (void)flags;
    (void)handler_name;
    (void)location;
}

static void hook_before_timer(struct tevent_context *wrap_ev, void *ps,
                              struct tevent_context *main_ev,
                              struct tevent_timer *te,
                              struct timeval requested_time,
                              struct timeval trigger_time,
                              const char *handler_name, const char *location)
{
    (void)wrap_ev;
    (void)ps;
    (void)main_ev;
    (void)requested_time;
    (void)trigger_time;
    (void)location;
    note("timer:%s:%s", handler_name, talloc_get_name(talloc_parent(te)));
}

static void hook_after_timer(struct tevent_context *wrap_ev, void *ps,
                             struct tevent_context *main_ev,
                             struct tevent_timer *te,
                             struct timeval requested_time,
                             struct timeval trigger_time,
                             const char *handler_name, const char *location)
{
    (void)wrap_ev;
    (void)ps;
    (void)main_ev;
    (void)te;
    (void)requested_time;
    (void)trigger_time;
    (void)handler_name;
    (void)location;
}

static void hook_before_immediate(struct tevent_context *wrap_ev, void *ps,
                                  struct tevent_context *main_ev,
                                  struct tevent_immediate *im,
                                  const char *handler_name,
                                  const char *location)
{
    (void)wrap_ev;
    (void)ps;
    (void)main_ev;
    (void)location;
    note("immediate:%s:%s", handler_name, talloc_get_name(talloc_parent(im)));
}

static void hook_after_immediate(struct tevent_context *wrap_ev, void *ps,
                                 struct tevent_context *main_ev,
                                 struct tevent_immediate *im,
                                 const char *handler_name, const char *location)
{
    (void)wrap_ev;
    (void)ps;
    (void)main_ev;
    (void)im;
    (void)handler_name;
    (void)location;
}

static void hook_signal(struct tevent_context *wrap_ev, void *ps,
                        struct tevent_context *main_ev,
                        struct tevent_signal *se, int signum, int count,
                        void *siginfo, const char *handler_name,
                        const char *location)
{
    (void)wrap_ev;
    (void)ps;
    (void)main_ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    (void)handler_name;
    (void)location;
}

static const struct tevent_wrapper_ops hook_ops = {
    .name = "req_hooks",
    .before_use = test_wrapper_before_use,
    .after_use = test_wrapper_after_use,
    .before_fd_handler = hook_fd,
    .after_fd_handler = hook_fd,
    .before_timer_handler = hook_before_timer,
    .after_timer_handler = hook_after_timer,
    .before_immediate_handler = hook_before_immediate,
    .after_immediate_handler = hook_after_immediate,
    .before_signal_handler = hook_signal,
    .after_signal_handler = hook_signal,
};

static void test_handler_names(void **ctx)
{
    struct tevent_context *ev = test_context(*ctx);
    struct hook_state *hs;
    /* Deprecated for applications, but it is the way to see the names. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    struct tevent_context *wrap = tevent_context_wrapper_create(
        ev, *ctx, &hook_ops, &hs, struct hook_state);
#pragma GCC diagnostic pop
    assert_non_null(wrap);

    struct foo_state *state;
    struct tevent_req *req = foo_create(*ctx, &state);
    tevent_req_set_callback(req, note_cb, NULL);
    tevent_req_post(req, wrap);
    drain(ev);
    assert_true(
        tevent_req_set_endtime(req, wrap, tevent_timeval_current_ofs(0, 1000)));
    assert_true(tevent_req_poll(req, ev));
    assert_string_equal(trail, "immediate:tevent_req_trigger:struct tevent_req "
                               "cb(1) "
                               "timer:tevent_req_timedout:struct tevent_req "
                               "cb(4)");
    talloc_free(req);
    talloc_free(wrap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_empty_state, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_create_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_is_one_malloc, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_create_and_post_is_one_malloc,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_allocates_nothing, setup,
                                        teardown),
#ifndef TEST_WITH_TEVENT_014_HEADER
        cmocka_unit_test_setup_teardown(test_post_after_received_aborts, setup,
                                        teardown),
#endif
        cmocka_unit_test_setup_teardown(test_state_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_done, setup, teardown),
        cmocka_unit_test_setup_teardown(test_done_twice_calls_back_twice, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nomem_and_oom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_is_error_in_progress, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_received, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_before_callback, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_post_after_callback_calls_back_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_in_progress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_twice_is_one_callback, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_post_order_is_fifo, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_post_one_per_iteration, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_free_cancels_post, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_received_cancels_post, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_defer_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print_custom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endtime_times_out, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_endtime_cancelled_by_done, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_endtime_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endtime_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endtime_in_the_past, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_free_with_pending_endtime, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_endtime_failure_finishes_now,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cleanup_done_then_free, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cleanup_received_then_free, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cleanup_free_in_progress, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cleanup_set_after_finish, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cleanup_on_timeout_and_post, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cleanup_refinish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_in_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_in_posted_callback, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_free_parent_from_sub_callback,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_free_parent_from_posted_sub_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll_fails_when_loop_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wakeup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handler_names, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
