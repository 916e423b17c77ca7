/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Timers when the library's own arrays cannot grow: realloc() is replaced
 * by one that fails on request.  An add fails cleanly; an update that
 * cannot queue the timer again says so at WARNING level.
 */
#include "test_util.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static bool g_fail_realloc;

/* Interposes the C library's realloc() for the library under test. */
void *realloc(void *ptr, size_t size)
{
    static void *(*next)(void *, size_t);
    if (g_fail_realloc) {
        return NULL;
    }
    if (next == NULL) {
        next = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    }
    return next(ptr, size);
}

#define ID(i) ((void *)(intptr_t)(i))

static int g_runs[8];
static int g_nruns;

static void log_timer(struct tevent_context *ev, struct tevent_timer *te,
                      struct timeval current_time, void *private_data)
{
    (void)ev;
    (void)te;
    (void)current_time;
    assert_true(g_nruns < 8);
    g_runs[g_nruns++] = (int)(intptr_t)private_data;
}

struct warnings {
    int n;
    char text[512];
};

static void record_warning(void *context, enum tevent_debug_level level,
                           const char *fmt, va_list ap)
{
    struct warnings *w = context;
    size_t used = strlen(w->text);
    if (level > TEVENT_DEBUG_WARNING) {
        return;
    }
    w->n += 1;
    vsnprintf(w->text + used, sizeof(w->text) - used, fmt, ap);
}

static int setup(void **state)
{
    *state = talloc_new(NULL);
    assert_non_null(*state);
    g_nruns = 0;
    return 0;
}

static int teardown(void **state)
{
    g_fail_realloc = false;
    assert_int_equal(talloc_free(*state), 0);
    return 0;
}

/* The first timer of a context needs memory beyond the timer itself. */
static void test_add_fails(void **state)
{
    struct tevent_context *ev = test_context(*state);

    g_fail_realloc = true;
    assert_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(1)));
    g_fail_realloc = false;
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(2)));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_nruns, 1);
    assert_int_equal(g_runs[0], 2);
}

/*
 * Timers whose deadlines come in order need no array; one that moves
 * ahead of a later one needs the heap's, which is allocated on first use.
 */
static void test_update_cannot_queue(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct warnings w = {0};
    assert_int_equal(tevent_set_debug(ev, record_warning, &w), 0);
    struct tevent_timer *a =
        tevent_add_timer(ev, ev, tevent_timeval_set(10, 0), log_timer, ID(1));
    struct tevent_timer *b =
        tevent_add_timer(ev, ev, tevent_timeval_set(20, 0), log_timer, ID(2));
    assert_non_null(a);
    assert_non_null(b);
    struct tevent_timer *c =
        tevent_add_timer(ev, ev, tevent_timeval_set(30, 0), log_timer, ID(3));
    assert_non_null(c);

    g_fail_realloc = true;
    tevent_update_timer(b, tevent_timeval_set(5, 0));
    g_fail_realloc = false;
    assert_int_equal(w.n, 1);
    assert_non_null(strstr(w.text, "tevent_update_timer"));
    assert_non_null(strstr(w.text, "will not run"));

    /* b is lost: a and c run, then nothing is left. */
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_nruns, 2);
    assert_int_equal(g_runs[0], 1);
    assert_int_equal(g_runs[1], 3);
    tevent_context_set_wait_timeout(ev, 0);
    assert_int_equal(tevent_loop_once(ev), -1);
    /* It can still be freed, or queued again. */
    tevent_update_timer(b, tevent_timeval_set(1, 0));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_nruns, 3);
    assert_int_equal(g_runs[2], 2);
}

static void test_lost_timer_can_be_freed(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_timer *a =
        tevent_add_timer(ev, ev, tevent_timeval_set(10, 0), log_timer, ID(1));
    struct tevent_timer *b = tevent_add_timer(
        ev, *state, tevent_timeval_set(20, 0), log_timer, ID(2));
    assert_non_null(a);
    assert_non_null(b);

    g_fail_realloc = true;
    tevent_update_timer(b, tevent_timeval_set(5, 0));
    g_fail_realloc = false;
    assert_int_equal(talloc_free(b), 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_nruns, 1);
    assert_int_equal(g_runs[0], 1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_add_fails),
        T(test_update_cannot_queue),
        T(test_lost_timer_can_be_freed),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
