/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * An immediate cancelled through a wrapper (scheduled with a NULL handler)
 * does not remember that wrapper: once the wrapper is freed, scheduling
 * the immediate on the main context runs it there, without touching the
 * freed wrapper.  (Found by the API fuzzer; upstream reads the freed
 * wrapper here.)
 */
#include "test_util.h"

/* The wrapper API is deprecated upstream, and still supported. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static int hook_calls, handler_calls;

static void immediate_hook(struct tevent_context *wrap_ev, void *state,
                           struct tevent_context *main_ev,
                           struct tevent_immediate *im,
                           const char *handler_name, const char *location)
{
    (void)wrap_ev;
    (void)state;
    (void)main_ev;
    (void)im;
    (void)handler_name;
    (void)location;
    hook_calls++;
}

static const struct tevent_wrapper_ops ops = {
    .name = "cancel",
    .before_use = test_wrapper_before_use,
    .after_use = test_wrapper_after_use,
    .before_immediate_handler = immediate_hook,
    .after_immediate_handler = immediate_hook,
};

static void on_immediate(struct tevent_context *ev, struct tevent_immediate *im,
                         void *p)
{
    (void)im;
    assert_ptr_equal(ev, p);
    handler_calls++;
}

static void test_cancel_through_freed_wrapper(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_immediate *im = tevent_create_immediate(mem);
    int *wrap_state;
    struct tevent_context *wrap =
        tevent_context_wrapper_create(ev, mem, &ops, &wrap_state, int);

    assert_non_null(im);
    assert_non_null(wrap);
    tevent_schedule_immediate(im, wrap, on_immediate, wrap);
    tevent_schedule_immediate(im, wrap, NULL, NULL);
    talloc_free(wrap);

    hook_calls = handler_calls = 0;
    tevent_schedule_immediate(im, ev, on_immediate, ev);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(handler_calls, 1);
    assert_int_equal(hook_calls, 0);
    talloc_free(mem);
}

/* The same with the wrapper still alive: scheduled on the main context,
 * the immediate runs there, without the wrapper's hooks.  (Upstream keeps
 * the wrapper of the cancel and runs it under the wrapper.) */
static void test_cancel_through_live_wrapper(void **state)
{
    (void)state;
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = test_context(mem);
    struct tevent_immediate *im = tevent_create_immediate(mem);
    int *wrap_state;
    struct tevent_context *wrap =
        tevent_context_wrapper_create(ev, mem, &ops, &wrap_state, int);

    assert_non_null(im);
    assert_non_null(wrap);
    hook_calls = handler_calls = 0;
    tevent_schedule_immediate(im, wrap, on_immediate, wrap);
    tevent_schedule_immediate(im, wrap, NULL, NULL);
    tevent_schedule_immediate(im, ev, on_immediate, ev);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(handler_calls, 1);
    assert_int_equal(hook_calls, 0);

    /* Scheduled through the wrapper, it runs under it. */
    tevent_schedule_immediate(im, wrap, on_immediate, wrap);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(handler_calls, 2);
    assert_int_equal(hook_calls, 2);
    talloc_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancel_through_freed_wrapper),
        cmocka_unit_test(test_cancel_through_live_wrapper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
