/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Timer dispatch order against upstream's sorted list: ties between timers
 * whose deadlines came in order and the others, deadlines with tv_usec
 * outside 0..999999 (not normalised), a randomised comparison with a model
 * of upstream's list, and what many call sites report.
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

struct tevent_timer *
tevent_common_add_timer(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                        struct timeval next_event,
                        tevent_timer_handler_t handler, void *private_data,
                        const char *handler_name, const char *location);

#define ID(i) ((void *)(intptr_t)(i))
#define MAX_RUNS 256

static struct {
    size_t n;
    int ids[MAX_RUNS];
} g_runs;

static void log_timer(struct tevent_context *ev, struct tevent_timer *te,
                      struct timeval current_time, void *private_data)
{
    (void)ev;
    (void)te;
    (void)current_time;
    assert_true(g_runs.n < MAX_RUNS);
    g_runs.ids[g_runs.n++] = (int)(intptr_t)private_data;
}

static int setup(void **state)
{
    *state = talloc_new(NULL);
    assert_non_null(*state);
    memset(&g_runs, 0, sizeof(g_runs));
    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(talloc_free(*state), 0);
    return 0;
}

/* Runs every pending timer (all due) and checks the order of their ids. */
static void expect_runs(struct tevent_context *ev, const int *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_int_equal(g_runs.n, i + 1);
        assert_int_equal(g_runs.ids[i], ids[i]);
    }
    tevent_context_set_wait_timeout(ev, 0);
    assert_int_equal(tevent_loop_once(ev), -1);
}

static struct tevent_timer *add(struct tevent_context *ev, time_t sec,
                                long usec, int id)
{
    struct timeval tv = {.tv_sec = sec, .tv_usec = usec};
    struct tevent_timer *te = tevent_add_timer(ev, ev, tv, log_timer, ID(id));
    assert_non_null(te);
    return te;
}

/* A timer with an earlier deadline than the latest one pending, then one
 * with the same deadline once the later one is gone: insertion order. */
static void test_equal_deadline_after_out_of_order(void **state)
{
    struct tevent_context *ev = test_context(*state);
    add(ev, 3, 0, 1);
    struct tevent_timer *late = add(ev, 9, 0, 2);
    add(ev, 5, 0, 3);
    assert_int_equal(talloc_free(late), 0);
    add(ev, 5, 0, 4);
    add(ev, 5, 0, 5);
    add(ev, 4, 0, 6);
    const int expected[] = {1, 6, 3, 4, 5};
    expect_runs(ev, expected, 5);
}

/* An out-of-order timer queues behind earlier ones of its deadline. */
static void test_out_of_order_behind_equal(void **state)
{
    struct tevent_context *ev = test_context(*state);
    add(ev, 5, 0, 1);
    add(ev, 9, 0, 2);
    add(ev, 5, 0, 3);
    add(ev, 5, 0, 4);
    add(ev, 9, 0, 5);
    add(ev, 1, 0, 6);
    const int expected[] = {6, 1, 3, 4, 2, 5};
    expect_runs(ev, expected, 6);
}

/* Wrapper hooks report the deadline exactly as it was given. */
static struct {
    size_t n;
    struct timeval requested[MAX_RUNS];
    const char *names[MAX_RUNS];
    const char *locations[MAX_RUNS];
} g_hooks;

static void before_timer(struct tevent_context *wrap_ev, void *private_state,
                         struct tevent_context *main_ev,
                         struct tevent_timer *te, struct timeval requested_time,
                         struct timeval trigger_time, const char *handler_name,
                         const char *location)
{
    (void)wrap_ev;
    (void)private_state;
    (void)main_ev;
    (void)te;
    (void)trigger_time;
    assert_true(g_hooks.n < MAX_RUNS);
    g_hooks.requested[g_hooks.n] = requested_time;
    g_hooks.names[g_hooks.n] = handler_name;
    g_hooks.locations[g_hooks.n] = location;
    g_hooks.n += 1;
}

static void after_timer(struct tevent_context *wrap_ev, void *private_state,
                        struct tevent_context *main_ev, struct tevent_timer *te,
                        struct timeval requested_time,
                        struct timeval trigger_time, const char *handler_name,
                        const char *location)
{
    (void)wrap_ev;
    (void)private_state;
    (void)main_ev;
    (void)te;
    (void)requested_time;
    (void)trigger_time;
    (void)handler_name;
    (void)location;
}

static const struct tevent_wrapper_ops hook_ops = {
    .name = "test_timer_order",
    .before_use = test_wrapper_before_use,
    .after_use = test_wrapper_after_use,
    .before_timer_handler = before_timer,
    .after_timer_handler = after_timer,
};

struct hook_state {
    int unused;
};

static struct tevent_context *hooked(struct tevent_context *ev)
{
    struct hook_state *hs;
    memset(&g_hooks, 0, sizeof(g_hooks));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    struct tevent_context *wrap_ev = tevent_context_wrapper_create(
        ev, ev, &hook_ops, &hs, struct hook_state);
#pragma GCC diagnostic pop
    assert_non_null(wrap_ev);
    return wrap_ev;
}

/* tv_usec outside 0..999999, also beyond 32 bits: compared after tv_sec,
 * never normalised; the hooks see each deadline unchanged. */
static void test_odd_usec(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_context *wrap_ev = hooked(ev);
    static const long usecs[] = {
        5,         2000000,     -3,
        1L << 40,  -(1L << 40), INT32_MAX,
        1L << 31,  INT32_MIN,   -(1L << 31) - 1,
        999999,    0,           4000000000L,
        5,         1L << 40,    -3,
        INT64_MAX, INT64_MIN,   (1L << 32) + 7,
    };
    enum { N = sizeof(usecs) / sizeof(usecs[0]) };
    struct timeval tv[2 * N];
    int order[2 * N];

    /* Each value twice, at two seconds, interleaved with plain ones. */
    for (int i = 0; i < 2 * N; i++) {
        tv[i].tv_sec = 100 + i % 2;
        tv[i].tv_usec = usecs[i / 2];
        struct tevent_timer *te = tevent_add_timer(i % 3 == 0 ? wrap_ev : ev,
                                                   ev, tv[i], log_timer, ID(i));
        assert_non_null(te);
        order[i] = i;
    }
    /* Expected: sorted by (tv_sec, tv_usec), ties in insertion order. */
    for (int i = 1; i < 2 * N; i++) {
        for (int j = i; j > 0; j--) {
            int a = order[j - 1], b = order[j];
            if (tevent_timeval_compare(&tv[a], &tv[b]) <= 0) {
                break;
            }
            order[j - 1] = b;
            order[j] = a;
        }
    }
    expect_runs(ev, order, 2 * N);
    size_t hooked_runs = 0;
    for (int i = 0; i < 2 * N; i++) {
        int id = order[i];
        if (id % 3 != 0) {
            continue;
        }
        struct timeval got = g_hooks.requested[hooked_runs++];
        assert_true(got.tv_sec == tv[id].tv_sec);
        assert_true(got.tv_usec == tv[id].tv_usec);
    }
    assert_int_equal(hooked_runs, g_hooks.n);
}

/* tevent_update_timer to and from deadlines beyond 32 bits of tv_usec. */
static void test_update_odd_usec(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_context *wrap_ev = hooked(ev);
    struct tevent_timer *a = tevent_add_timer(
        wrap_ev, ev, tevent_timeval_set(7, 0), log_timer, ID(1));
    struct tevent_timer *b = tevent_add_timer(
        wrap_ev, ev, tevent_timeval_set(7, 1), log_timer, ID(2));
    assert_non_null(a);
    assert_non_null(b);
    struct timeval wide = {.tv_sec = 7, .tv_usec = -(1L << 33)};
    tevent_update_timer(a, tevent_timeval_set(8, 0));
    tevent_update_timer(b, wide);
    tevent_update_timer(a, wide);
    tevent_update_timer(b, tevent_timeval_set(6, 3));
    const int expected[] = {2, 1};
    expect_runs(ev, expected, 2);
    assert_int_equal(g_hooks.n, 2);
    assert_true(g_hooks.requested[0].tv_sec == 6);
    assert_true(g_hooks.requested[0].tv_usec == 3);
    assert_true(g_hooks.requested[1].tv_sec == wide.tv_sec);
    assert_true(g_hooks.requested[1].tv_usec == wide.tv_usec);
}

/*
 * Deliberate difference (doc/design.md): a deadline before the epoch runs
 * before zero-deadline timers of tevent_add_timer, in deadline order.
 * Upstream's "last zero timer" shortcut can put those ahead of it.
 */
static void test_negative_deadline_before_zero(void **state)
{
    struct tevent_context *ev = test_context(*state);
    add(ev, -5, 0, 1);
    add(ev, 0, 0, 2);
    add(ev, 0, -1, 3);
    add(ev, 0, 0, 4);
    add(ev, -10, 0, 5);
    const int expected[] = {5, 1, 3, 2, 4};
    expect_runs(ev, expected, 5);
}

/* ---------------------------------------------------------------------
 * Upstream's list as a model: sorted by deadline, a new timer behind every
 * one with a deadline <= its own (searched from the tail), zero timers of
 * tevent_add_timer behind the "last zero timer".
 */

#define POOL 48
#define NONE (-1)

struct model {
    int prev[POOL], next[POOL];
    int head, tail, last_zero;
    struct timeval tv[POOL];
    bool live[POOL];
    struct tevent_timer *te[POOL];
};

static void model_insert_after(struct model *m, int id, int after)
{
    m->prev[id] = after;
    m->next[id] = after == NONE ? m->head : m->next[after];
    if (m->next[id] != NONE) {
        m->prev[m->next[id]] = id;
    } else {
        m->tail = id;
    }
    if (after == NONE) {
        m->head = id;
    } else {
        m->next[after] = id;
    }
}

static void model_insert(struct model *m, int id, bool shortcut)
{
    if (shortcut && tevent_timeval_is_zero(&m->tv[id])) {
        model_insert_after(m, id, m->last_zero);
        m->last_zero = id;
        return;
    }
    int cur = m->tail;
    while (cur != NONE && tevent_timeval_compare(&m->tv[id], &m->tv[cur]) < 0) {
        cur = m->prev[cur];
    }
    model_insert_after(m, id, cur);
}

static void model_remove(struct model *m, int id)
{
    if (m->last_zero == id) {
        m->last_zero = m->prev[id];
    }
    if (m->prev[id] != NONE) {
        m->next[m->prev[id]] = m->next[id];
    } else {
        m->head = m->next[id];
    }
    if (m->next[id] != NONE) {
        m->prev[m->next[id]] = m->prev[id];
    } else {
        m->tail = m->prev[id];
    }
    m->live[id] = false;
}

static struct timeval random_deadline(void)
{
    /* Few values, so that ties are common; all in the past. */
    static const struct timeval values[] = {
        {0, 0}, {0, 0}, {1, 0}, {1, 5}, {2, 0}, {2, 999999}, {3, 1}, {4, 0},
    };
    return values[random() % (sizeof(values) / sizeof(values[0]))];
}

static void test_matches_upstream_list(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct model *m = talloc_zero(*state, struct model);
    assert_non_null(m);
    m->head = m->tail = m->last_zero = NONE;
    srandom(20240611);

    for (int step = 0; step < 40000; step++) {
        int id = (int)(random() % POOL);
        int op = (int)(random() % 10);
        if (!m->live[id] && op < 6) {
            bool shortcut = op < 4;
            m->tv[id] = random_deadline();
            if (m->head == NONE) {
                m->last_zero = NONE;
            }
            m->te[id] =
                shortcut
                    ? tevent_add_timer(ev, ev, m->tv[id], log_timer, ID(id))
                    : tevent_common_add_timer(ev, ev, m->tv[id], log_timer,
                                              ID(id), "log_timer", "here");
            assert_non_null(m->te[id]);
            m->live[id] = true;
            model_insert(m, id, shortcut);
        } else if (m->live[id] && op < 4) {
            model_remove(m, id);
            m->tv[id] = random_deadline();
            m->live[id] = true;
            tevent_update_timer(m->te[id], m->tv[id]);
            model_insert(m, id, false);
        } else if (m->live[id] && op < 6) {
            model_remove(m, id);
            assert_int_equal(talloc_free(m->te[id]), 0);
        } else if (m->head != NONE) {
            int expected = m->head;
            g_runs.n = 0;
            assert_int_equal(tevent_loop_once(ev), 0);
            assert_int_equal(g_runs.n, 1);
            assert_int_equal(g_runs.ids[0], expected);
            model_remove(m, expected);
        }
    }
}

/* ---------------------------------------------------------------------
 * Many call sites: every timer reports its own handler name and location,
 * also after the sites of finished timers were reused for new ones.
 */

#define SITES 600

static struct {
    int n;
    int ran;
    char text[256];
    bool mismatch;
    const char *expect_name[SITES * 3];
} g_debug;

static void running_debug(void *context, enum tevent_debug_level level,
                          const char *fmt, va_list ap)
{
    (void)context;
    (void)level;
    if (strncmp(fmt, "Running timer event", 19) != 0) {
        return;
    }
    vsnprintf(g_debug.text, sizeof(g_debug.text), fmt, ap);
    g_debug.n += 1;
}

static void site_timer(struct tevent_context *ev, struct tevent_timer *te,
                       struct timeval current_time, void *private_data)
{
    int id = (int)(intptr_t)private_data;
    char expect[64];
    (void)ev;
    (void)current_time;
    snprintf(expect, sizeof(expect), "\"%s\"\n", g_debug.expect_name[id]);
    if (strstr(g_debug.text, expect) == NULL ||
        strstr(g_debug.text, "Running timer event") == NULL) {
        g_debug.mismatch = true;
    }
    (void)te;
    g_debug.ran += 1;
}

static void test_many_sites(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_context *wrap_ev = hooked(ev);
    char **names = talloc_array(*state, char *, SITES * 3);
    char **locations = talloc_array(*state, char *, SITES * 3);
    struct tevent_timer **te =
        talloc_zero_array(*state, struct tevent_timer *, SITES * 3);
    assert_non_null(names);
    assert_non_null(locations);
    assert_non_null(te);
    memset(&g_debug, 0, sizeof(g_debug));
    tevent_set_debug(ev, running_debug, NULL);
    tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE);

    /* Three rounds of distinct sites; most of each round goes away before
     * the next, so their sites get recycled. */
    int live = 0;
    for (int i = 0; i < SITES * 3; i++) {
        names[i] = talloc_asprintf(names, "handler-%d", i);
        locations[i] = talloc_asprintf(locations, "file.c:%d", i);
        g_debug.expect_name[i] = names[i];
        te[i] = _tevent_add_timer(i % 2 ? wrap_ev : ev, ev,
                                  tevent_timeval_set(10 + i % 7, 0), site_timer,
                                  ID(i), names[i], locations[i]);
        assert_non_null(te[i]);
        if (i % SITES == SITES - 1) {
            for (int j = i - SITES + 1; j <= i; j++) {
                if (j % 5 != 0) {
                    assert_int_equal(talloc_free(te[j]), 0);
                    te[j] = NULL;
                }
            }
        }
    }
    for (int i = 0; i < SITES * 3; i++) {
        live += te[i] != NULL;
    }
    for (int i = 0; i < live; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
        assert_int_equal(g_debug.ran, i + 1);
    }
    assert_int_equal(g_debug.n, live);
    assert_false(g_debug.mismatch);
    /* Wrapper timers also hand their own names to the hooks. */
    assert_true(g_hooks.n > 0);
    for (size_t k = 0; k < g_hooks.n; k++) {
        int id = atoi(g_hooks.names[k] + strlen("handler-"));
        assert_true(id % 2 == 1);
        assert_ptr_equal(g_hooks.names[k], names[id]);
        assert_ptr_equal(g_hooks.locations[k], locations[id]);
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_equal_deadline_after_out_of_order),
        T(test_out_of_order_behind_equal),
        T(test_odd_usec),
        T(test_update_odd_usec),
        T(test_negative_deadline_before_zero),
        T(test_matches_upstream_list),
        T(test_many_sites),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
