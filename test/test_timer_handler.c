/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * What timer handlers may do to their own timer and context: re-arm the
 * running timer (it is still freed afterwards, with a warning, and stays
 * out of the queue meanwhile), free its context inside or outside a loop,
 * free the context that owns the wrapper that owns the running timer,
 * re-initialise it, or set up tracing that then sees the timer's end.
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

/* Not in tevent.h: for backends, declared by upstream's internal header. */
struct timeval tevent_common_loop_timer_delay(struct tevent_context *ev);

#define ID(i) ((void *)(intptr_t)(i))
#define MAX_RUNS 8

static struct {
    size_t n;
    int ids[MAX_RUNS];
    struct tevent_context *evs[MAX_RUNS];
} g_log;

static void log_timer(struct tevent_context *ev, struct tevent_timer *te,
                      struct timeval current_time, void *private_data)
{
    (void)te;
    (void)current_time;
    assert_true(g_log.n < MAX_RUNS);
    g_log.ids[g_log.n] = (int)(intptr_t)private_data;
    g_log.evs[g_log.n] = ev;
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

static int setup(void **state)
{
    *state = talloc_new(NULL);
    assert_non_null(*state);
    memset(&g_log, 0, sizeof(g_log));
    g_abort_reason = NULL;
    tevent_set_abort_fn(record_abort);
    return 0;
}

static int teardown(void **state)
{
    tevent_set_abort_fn(NULL);
    assert_int_equal(talloc_free(*state), 0);
    return 0;
}

/* Debug messages at WARNING level or above, concatenated. */
struct warnings {
    int n;
    char text[1024];
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

struct rearm {
    struct tevent_timer *te;
    bool nested;
};

static void rearm_handler(struct tevent_context *ev, struct tevent_timer *te,
                          struct timeval current_time, void *private_data)
{
    struct rearm *r = private_data;
    log_timer(ev, te, current_time, ID(1));
    tevent_update_timer(te, tevent_timeval_zero());
    if (r->nested) {
        /* The other pending timer runs, not this one again. */
        assert_int_equal(tevent_loop_once(ev), 0);
    }
}

/* A timer re-armed inside its own handler is still freed when the handler
 * returns, with a warning; it must not stay queued. */
static void test_update_in_own_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct warnings w = {0};
    struct rearm r = {0};
    bool freed;
    assert_int_equal(tevent_set_debug(ev, record_warning, &w), 0);
    r.te =
        tevent_add_timer(ev, *state, tevent_timeval_zero(), rearm_handler, &r);
    assert_non_null(r.te);
    watch_free(r.te, &freed);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_set(1, 0), log_timer, ID(2)));

    loop_once_one(ev);
    assert_true(freed);
    assert_int_equal(w.n, 1);
    assert_non_null(strstr(w.text, "tevent_update_timer"));
    loop_once_one(ev);
    const int expected[] = {1, 2};
    assert_order(expected, 2);
    /* Nothing is left to run. */
    tevent_context_set_wait_timeout(ev, 0);
    assert_int_equal(tevent_loop_once(ev), -1);
    assert_null(g_abort_reason);
}

static void test_update_in_own_handler_nested_loop(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct rearm r = {.nested = true};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    tevent_loop_allow_nesting(ev);
#pragma GCC diagnostic pop
    r.te = tevent_add_timer(ev, ev, tevent_timeval_zero(), rearm_handler, &r);
    assert_non_null(r.te);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_set(1, 0), log_timer, ID(2)));

    assert_int_equal(tevent_loop_once(ev), 0);
    const int expected[] = {1, 2};
    assert_order(expected, 2);
    tevent_context_set_wait_timeout(ev, 0);
    assert_int_equal(tevent_loop_once(ev), -1);
    assert_null(g_abort_reason);
}

/* Wrapper timer hooks that only have to exist. */
static void wrap_timer_hook(struct tevent_context *wrap_ev, void *private_state,
                            struct tevent_context *main_ev,
                            struct tevent_timer *te,
                            struct timeval requested_time,
                            struct timeval trigger_time,
                            const char *handler_name, const char *location)
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

static const struct tevent_wrapper_ops timer_wrap_ops = {
    .name = "test_timer_wrapper",
    .before_use = test_wrapper_before_use,
    .after_use = test_wrapper_after_use,
    .before_timer_handler = wrap_timer_hook,
    .after_timer_handler = wrap_timer_hook,
};

struct wrap_state {
    int unused;
};

static struct tevent_context *wrapper_on(struct tevent_context *ev,
                                         TALLOC_CTX *mem_ctx)
{
    struct wrap_state *ws;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    struct tevent_context *wrap_ev = tevent_context_wrapper_create(
        ev, mem_ctx, &timer_wrap_ops, &ws, struct wrap_state);
#pragma GCC diagnostic pop
    assert_non_null(wrap_ev);
    return wrap_ev;
}

static void free_context_handler(struct tevent_context *ev,
                                 struct tevent_timer *te,
                                 struct timeval current_time,
                                 void *private_data)
{
    log_timer(ev, te, current_time, NULL);
    assert_int_equal(talloc_free(private_data), 0);
}

/* The handler of a wrapper timer frees the main context, which owns the
 * wrapper, which owns the running timer: the wrapper's free waits for the
 * handler, and the timer's free waits for the wrapper hooks. */
static void test_wrapper_handler_frees_owning_main(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_context *wrap_ev = wrapper_on(ev, ev);
    bool ev_freed, wrap_freed, te_freed;
    struct tevent_timer *te = tevent_add_timer(
        wrap_ev, wrap_ev, tevent_timeval_zero(), free_context_handler, ev);
    assert_non_null(te);
    watch_free(ev, &ev_freed);
    watch_free(wrap_ev, &wrap_freed);
    watch_free(te, &te_freed);

    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_log.n, 1);
    assert_ptr_equal(g_log.evs[0], wrap_ev);
    assert_true(ev_freed);
    assert_true(wrap_freed);
    assert_true(te_freed);
    assert_null(g_abort_reason);
}

/* A plain timer's handler frees its context from within
 * tevent_loop_once() and from a direct tevent_common_loop_timer_delay()
 * call outside any loop: the timer is freed after the handler and the
 * dispatcher touches nothing of the context. */
static void test_handler_frees_context(void **state)
{
    for (int in_loop = 0; in_loop < 2; in_loop++) {
        struct tevent_context *ev = test_context(*state);
        bool ev_freed, te_freed, other_freed;
        memset(&g_log, 0, sizeof(g_log));
        struct tevent_timer *te = tevent_add_timer(
            ev, *state, tevent_timeval_set(1, 0), free_context_handler, ev);
        assert_non_null(te);
        struct tevent_timer *other = tevent_add_timer(
            ev, *state, tevent_timeval_set(2, 0), log_timer, ID(2));
        assert_non_null(other);
        watch_free(ev, &ev_freed);
        watch_free(te, &te_freed);
        watch_free(other, &other_freed);

        if (in_loop) {
            assert_int_equal(tevent_loop_once(ev), 0);
        } else {
            struct timeval delay = tevent_common_loop_timer_delay(ev);
            assert_true(tevent_timeval_is_zero(&delay));
        }
        assert_int_equal(g_log.n, 1);
        assert_true(ev_freed);
        assert_true(te_freed);
        /* Detached with the context, and still freeable. */
        assert_false(other_freed);
        assert_int_equal(talloc_free(other), 0);
        assert_true(other_freed);
    }
    assert_null(g_abort_reason);
}

struct trace_log {
    int attach, before, detach;
    struct tevent_timer *te;
};

static void count_timer_trace(struct tevent_timer *te,
                              enum tevent_event_trace_point tp,
                              void *private_data)
{
    struct trace_log *t = private_data;
    assert_ptr_equal(te, t->te);
    switch (tp) {
    case TEVENT_EVENT_TRACE_ATTACH:
        t->attach += 1;
        break;
    case TEVENT_EVENT_TRACE_BEFORE_HANDLER:
        t->before += 1;
        break;
    case TEVENT_EVENT_TRACE_DETACH:
        t->detach += 1;
        break;
    }
}

/* Debug messages at TRACE level, concatenated. */
static void record_trace_debug(void *context, enum tevent_debug_level level,
                               const char *fmt, va_list ap)
{
    struct warnings *w = context;
    size_t used = strlen(w->text);
    if (level != TEVENT_DEBUG_TRACE) {
        return;
    }
    w->n += 1;
    vsnprintf(w->text + used, sizeof(w->text) - used, fmt, ap);
}

struct late_observers {
    struct trace_log trace;
    struct warnings debug;
    bool free_self;
};

static void set_up_observers(struct tevent_context *ev, struct tevent_timer *te,
                             struct timeval current_time, void *private_data)
{
    struct late_observers *o = private_data;
    log_timer(ev, te, current_time, ID(1));
    o->trace.te = te;
    tevent_set_trace_timer_callback(ev, count_timer_trace, &o->trace);
    assert_int_equal(tevent_set_debug(ev, record_trace_debug, &o->debug), 0);
    tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE);
    if (o->free_self) {
        /* Fails (-1) while the handler runs: freed when it returns. */
        talloc_free(te);
    }
}

/* Tracing and debug output that a handler sets up hear of its own timer's
 * end: the DETACH and "Ending" once, or, when the handler freed the timer,
 * the DETACH and "Destroying" of that free. */
static void test_observers_set_up_in_handler(void **state)
{
    for (int free_self = 0; free_self < 2; free_self++) {
        struct tevent_context *ev = test_context(*state);
        struct late_observers o = {.free_self = free_self};
        bool freed;
        memset(&g_log, 0, sizeof(g_log));
        struct tevent_timer *te = tevent_add_timer(
            ev, *state, tevent_timeval_zero(), set_up_observers, &o);
        assert_non_null(te);
        watch_free(te, &freed);

        loop_once_one(ev);
        assert_true(freed);
        assert_int_equal(o.trace.attach, 0);
        assert_int_equal(o.trace.before, 0);
        assert_int_equal(o.trace.detach, 1);
        assert_int_equal(o.debug.n, 1);
        assert_non_null(strstr(o.debug.text, free_self ? "Destroying timer"
                                                       : "Ending timer"));
        tevent_set_trace_timer_callback(ev, NULL, NULL);
        assert_int_equal(talloc_free(ev), 0);
    }
    assert_null(g_abort_reason);
}

struct reinit {
    struct tevent_timer *te;
    int phase;
};

static void reinit_handler(struct tevent_context *ev, struct tevent_timer *te,
                           struct timeval current_time, void *private_data)
{
    struct reinit *r = private_data;
    log_timer(ev, te, current_time, ID(1));
    assert_int_equal(tevent_re_initialise(ev), 0);
    /* Still running on the re-initialised context: re-arming it only
     * warns, and a new timer works. */
    if (r->phase > 0) {
        tevent_update_timer(te, tevent_timeval_zero());
        assert_non_null(
            tevent_add_timer(ev, ev, tevent_timeval_zero(), log_timer, ID(2)));
    }
}

/* tevent_re_initialise() inside a timer handler drops the other timers;
 * the running one ends normally. */
static void test_re_initialise_in_handler(void **state)
{
    for (int phase = 0; phase < 2; phase++) {
        struct tevent_context *ev = test_context(*state);
        struct reinit r = {.phase = phase};
        bool freed;
        memset(&g_log, 0, sizeof(g_log));
        r.te = tevent_add_timer(ev, *state, tevent_timeval_zero(),
                                reinit_handler, &r);
        assert_non_null(r.te);
        watch_free(r.te, &freed);
        assert_non_null(tevent_add_timer(ev, *state, tevent_timeval_set(1, 0),
                                         log_timer, ID(3)));

        loop_once_one(ev);
        assert_true(freed);
        if (phase == 0) {
            assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_zero(),
                                             log_timer, ID(2)));
        }
        loop_once_one(ev);
        const int expected[] = {1, 2};
        assert_order(expected, 2);
        tevent_context_set_wait_timeout(ev, 0);
        assert_int_equal(tevent_loop_once(ev), -1);
        assert_int_equal(talloc_free(ev), 0);
    }
    assert_null(g_abort_reason);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_update_in_own_handler),
        T(test_update_in_own_handler_nested_loop),
        T(test_wrapper_handler_frees_owning_main),
        T(test_handler_frees_context),
        T(test_observers_set_up_in_handler),
        T(test_re_initialise_in_handler),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
