/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Wrapper contexts: creation, hooks around every handler kind, the use
 * stack and freeing in every order.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_util.h"

/* The wrapper API is deprecated upstream, and still supported. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* ------------------------------------------------------------------ */
/* What happened, in order.                                            */

enum what {
    BEFORE_USE,
    AFTER_USE,
    BEFORE_FD,
    AFTER_FD,
    BEFORE_TIMER,
    AFTER_TIMER,
    BEFORE_IMMEDIATE,
    AFTER_IMMEDIATE,
    BEFORE_SIGNAL,
    AFTER_SIGNAL,
    TRACE_BEFORE_HANDLER,
    HANDLER,
    CLOSE_FN,
    STATE_FREED,
};

struct entry {
    enum what what;
    struct tevent_context *ev;      /* wrap_ev for hooks, ev for handlers */
    struct tevent_context *main_ev; /* hooks only */
    void *state;                    /* hooks only */
    const void *object;
    const char *handler_name;
    const char *location;
    uint16_t flags;
    int signum, count;
    struct timeval t1, t2;
};

#define MAX_ENTRIES 64
static struct entry log_entries[MAX_ENTRIES];
static int log_count;
static bool before_use_result = true;

static struct entry *add_entry(enum what what)
{
    struct entry *e;

    assert_true(log_count < MAX_ENTRIES);
    e = &log_entries[log_count++];
    memset(e, 0, sizeof(*e));
    e->what = what;
    return e;
}

static void reset_log(void)
{
    log_count = 0;
    before_use_result = true;
}

static void expect_sequence(const enum what *expected, int n)
{
    int i;

    assert_int_equal(log_count, n);
    for (i = 0; i < n; i++) {
        assert_int_equal(log_entries[i].what, expected[i]);
    }
}

/* ------------------------------------------------------------------ */
/* The wrapper ops: every hook logs its arguments.                     */

struct my_state {
    uint64_t zero_check[4];
};

static struct entry *hook(enum what what, struct tevent_context *wrap_ev,
                          void *state, struct tevent_context *main_ev)
{
    struct entry *e = add_entry(what);
    e->ev = wrap_ev;
    e->state = state;
    e->main_ev = main_ev;
    return e;
}

static bool h_before_use(struct tevent_context *wrap_ev, void *state,
                         struct tevent_context *main_ev, const char *location)
{
    hook(BEFORE_USE, wrap_ev, state, main_ev)->location = location;
    return before_use_result;
}

static void h_after_use(struct tevent_context *wrap_ev, void *state,
                        struct tevent_context *main_ev, const char *location)
{
    hook(AFTER_USE, wrap_ev, state, main_ev)->location = location;
}

static void fd_hook(enum what what, struct tevent_context *wrap_ev, void *state,
                    struct tevent_context *main_ev, struct tevent_fd *fde,
                    uint16_t flags, const char *handler_name,
                    const char *location)
{
    struct entry *e = hook(what, wrap_ev, state, main_ev);
    e->object = fde;
    e->flags = flags;
    e->handler_name = handler_name;
    e->location = location;
}

static void h_before_fd(struct tevent_context *w, void *s,
                        struct tevent_context *m, struct tevent_fd *fde,
                        uint16_t flags, const char *h, const char *l)
{
    fd_hook(BEFORE_FD, w, s, m, fde, flags, h, l);
}

static void h_after_fd(struct tevent_context *w, void *s,
                       struct tevent_context *m, struct tevent_fd *fde,
                       uint16_t flags, const char *h, const char *l)
{
    fd_hook(AFTER_FD, w, s, m, fde, flags, h, l);
}

static void timer_hook(enum what what, struct tevent_context *wrap_ev,
                       void *state, struct tevent_context *main_ev,
                       struct tevent_timer *te, struct timeval requested,
                       struct timeval trigger, const char *handler_name,
                       const char *location)
{
    struct entry *e = hook(what, wrap_ev, state, main_ev);
    e->object = te;
    e->t1 = requested;
    e->t2 = trigger;
    e->handler_name = handler_name;
    e->location = location;
}

static void h_before_timer(struct tevent_context *w, void *s,
                           struct tevent_context *m, struct tevent_timer *te,
                           struct timeval r, struct timeval t, const char *h,
                           const char *l)
{
    timer_hook(BEFORE_TIMER, w, s, m, te, r, t, h, l);
}

static void h_after_timer(struct tevent_context *w, void *s,
                          struct tevent_context *m, struct tevent_timer *te,
                          struct timeval r, struct timeval t, const char *h,
                          const char *l)
{
    timer_hook(AFTER_TIMER, w, s, m, te, r, t, h, l);
}

static void immediate_hook(enum what what, struct tevent_context *wrap_ev,
                           void *state, struct tevent_context *main_ev,
                           struct tevent_immediate *im,
                           const char *handler_name, const char *location)
{
    struct entry *e = hook(what, wrap_ev, state, main_ev);
    e->object = im;
    e->handler_name = handler_name;
    e->location = location;
}

static void h_before_immediate(struct tevent_context *w, void *s,
                               struct tevent_context *m,
                               struct tevent_immediate *im, const char *h,
                               const char *l)
{
    immediate_hook(BEFORE_IMMEDIATE, w, s, m, im, h, l);
}

static void h_after_immediate(struct tevent_context *w, void *s,
                              struct tevent_context *m,
                              struct tevent_immediate *im, const char *h,
                              const char *l)
{
    immediate_hook(AFTER_IMMEDIATE, w, s, m, im, h, l);
}

static void signal_hook(enum what what, struct tevent_context *wrap_ev,
                        void *state, struct tevent_context *main_ev,
                        struct tevent_signal *se, int signum, int count,
                        const char *handler_name, const char *location)
{
    struct entry *e = hook(what, wrap_ev, state, main_ev);
    e->object = se;
    e->signum = signum;
    e->count = count;
    e->handler_name = handler_name;
    e->location = location;
}

static void h_before_signal(struct tevent_context *w, void *s,
                            struct tevent_context *m, struct tevent_signal *se,
                            int signum, int count, void *siginfo, const char *h,
                            const char *l)
{
    (void)siginfo;
    signal_hook(BEFORE_SIGNAL, w, s, m, se, signum, count, h, l);
}

static void h_after_signal(struct tevent_context *w, void *s,
                           struct tevent_context *m, struct tevent_signal *se,
                           int signum, int count, void *siginfo, const char *h,
                           const char *l)
{
    (void)siginfo;
    signal_hook(AFTER_SIGNAL, w, s, m, se, signum, count, h, l);
}

static const struct tevent_wrapper_ops test_ops = {
    .name = "test_wrapper",
    .before_use = h_before_use,
    .after_use = h_after_use,
    .before_fd_handler = h_before_fd,
    .after_fd_handler = h_after_fd,
    .before_timer_handler = h_before_timer,
    .after_timer_handler = h_after_timer,
    .before_immediate_handler = h_before_immediate,
    .after_immediate_handler = h_after_immediate,
    .before_signal_handler = h_before_signal,
    .after_signal_handler = h_after_signal,
};

/* ------------------------------------------------------------------ */
/* Trace callbacks of the main context and the abort hook.             */

static void trace_fd(struct tevent_fd *fde, enum tevent_event_trace_point tp,
                     void *private_data)
{
    (void)private_data;
    if (tp == TEVENT_EVENT_TRACE_BEFORE_HANDLER) {
        add_entry(TRACE_BEFORE_HANDLER)->object = fde;
    }
}

static void trace_timer(struct tevent_timer *te,
                        enum tevent_event_trace_point tp, void *private_data)
{
    (void)private_data;
    if (tp == TEVENT_EVENT_TRACE_BEFORE_HANDLER) {
        add_entry(TRACE_BEFORE_HANDLER)->object = te;
    }
}

static void trace_immediate(struct tevent_immediate *im,
                            enum tevent_event_trace_point tp,
                            void *private_data)
{
    (void)private_data;
    if (tp == TEVENT_EVENT_TRACE_BEFORE_HANDLER) {
        add_entry(TRACE_BEFORE_HANDLER)->object = im;
    }
}

static void trace_signal(struct tevent_signal *se,
                         enum tevent_event_trace_point tp, void *private_data)
{
    (void)private_data;
    if (tp == TEVENT_EVENT_TRACE_BEFORE_HANDLER) {
        add_entry(TRACE_BEFORE_HANDLER)->object = se;
    }
}

/* DETACH counts per kind: fd, timer, immediate, signal. */
static int detaches[4];

static void count_fd_detach(struct tevent_fd *fde,
                            enum tevent_event_trace_point tp, void *pd)
{
    (void)fde;
    (void)pd;
    detaches[0] += tp == TEVENT_EVENT_TRACE_DETACH;
}

static void count_timer_detach(struct tevent_timer *te,
                               enum tevent_event_trace_point tp, void *pd)
{
    (void)te;
    (void)pd;
    detaches[1] += tp == TEVENT_EVENT_TRACE_DETACH;
}

static void count_immediate_detach(struct tevent_immediate *im,
                                   enum tevent_event_trace_point tp, void *pd)
{
    (void)im;
    (void)pd;
    detaches[2] += tp == TEVENT_EVENT_TRACE_DETACH;
}

static void count_signal_detach(struct tevent_signal *se,
                                enum tevent_event_trace_point tp, void *pd)
{
    (void)se;
    (void)pd;
    detaches[3] += tp == TEVENT_EVENT_TRACE_DETACH;
}

static char abort_reason[256];
static int abort_count;

static void abort_hook(const char *reason)
{
    snprintf(abort_reason, sizeof(abort_reason), "%s", reason);
    abort_count += 1;
}

static void reset_abort(void)
{
    abort_reason[0] = '\0';
    abort_count = 0;
}

static char fatal_log[256];

static void capture_fatal(void *context, enum tevent_debug_level level,
                          const char *fmt, va_list ap) PRINTF_ATTRIBUTE(3, 0);
static void capture_fatal(void *context, enum tevent_debug_level level,
                          const char *fmt, va_list ap)
{
    (void)context;
    if (level == TEVENT_DEBUG_FATAL) {
        vsnprintf(fatal_log, sizeof(fatal_log), fmt, ap);
    }
}

/* ------------------------------------------------------------------ */
/* Fixture: a main context, a wrapper on it, a socket pair.            */

struct fixture {
    TALLOC_CTX *mem;
    struct tevent_context *ev;
    struct tevent_context *wrap;
    struct my_state *state;
    int sock[2];
};

static int setup(void **state)
{
    struct fixture *f = talloc_zero(NULL, struct fixture);

    f->mem = talloc_new(f);
    f->ev = test_context(f->mem);
    f->wrap = tevent_context_wrapper_create(f->ev, f->mem, &test_ops, &f->state,
                                            struct my_state);
    assert_non_null(f->wrap);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, f->sock), 0);
    reset_log();
    reset_abort();
    memset(detaches, 0, sizeof(detaches));
    tevent_set_abort_fn(abort_hook);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    close(f->sock[0]);
    close(f->sock[1]);
    talloc_free(f);
    tevent_set_abort_fn(NULL);
    return 0;
}

static void assert_hook_args(const struct entry *e, const struct fixture *f)
{
    assert_ptr_equal(e->ev, f->wrap);
    assert_ptr_equal(e->state, f->state);
    assert_ptr_equal(e->main_ev, f->ev);
}

/* ------------------------------------------------------------------ */
/* Creation.                                                           */

static int state_marker_destructor(int *marker)
{
    (void)marker;
    add_entry(STATE_FREED);
    return 0;
}

/* Records when the wrapper's private state (thus the wrapper) is freed. */
static void observe_state_free(struct fixture *f)
{
    int *marker = talloc(f->state, int);
    talloc_set_destructor(marker, state_marker_destructor);
}

static void test_create(void **state)
{
    struct fixture *f = *state;
    void *glue = talloc_parent(f->state);
    size_t i;

    assert_ptr_equal(talloc_parent(f->wrap), f->mem);
    assert_string_equal(talloc_get_name(f->wrap), "struct tevent_context");
    assert_non_null(glue);
    assert_string_equal(talloc_get_name(glue), "struct tevent_wrapper_glue");
    assert_ptr_equal(talloc_parent(glue), f->wrap);
    assert_string_equal(talloc_get_name(f->state), "struct my_state");
    assert_int_equal(talloc_get_size(f->state), sizeof(struct my_state));
    for (i = 0; i < 4; i++) {
        assert_int_equal(f->state->zero_check[i], 0);
    }
    assert_true(tevent_context_is_wrapper(f->wrap));
    assert_false(tevent_context_is_wrapper(f->ev));
    /* Creation runs no hook. */
    assert_int_equal(log_count, 0);
}

static void test_create_refused(void **state)
{
    struct fixture *f = *state;
    struct my_state *s2 = NULL;
    struct tevent_context *ev2;

    tevent_set_debug(f->ev, capture_fatal, NULL);
    errno = 0;
    assert_null(_tevent_context_wrapper_create(f->wrap, f->mem, &test_ops, &s2,
                                               sizeof(*s2), "struct my_state",
                                               "here"));
    assert_int_equal(errno, EINVAL);
    assert_null(s2);
    assert_string_equal(fatal_log, "_tevent_context_wrapper_create: here() "
                                   "stacking not allowed\n");

    ev2 = test_context(f->mem);
    tevent_set_debug(ev2, capture_fatal, NULL);
    tevent_loop_allow_nesting(ev2);
    errno = 0;
    assert_null(_tevent_context_wrapper_create(
        ev2, f->mem, &test_ops, &s2, sizeof(*s2), "struct my_state", "there"));
    assert_int_equal(errno, EINVAL);
    assert_string_equal(fatal_log, "_tevent_context_wrapper_create: there() "
                                   "conflicts with nesting\n");
    assert_int_equal(abort_count, 0);
}

static void test_same_loop(void **state)
{
    struct fixture *f = *state;
    struct my_state *s2;
    struct tevent_context *wrap2 = tevent_context_wrapper_create(
        f->ev, f->mem, &test_ops, &s2, struct my_state);
    struct tevent_context *ev2 = test_context(f->mem);

    assert_non_null(wrap2);
    assert_true(tevent_context_same_loop(f->ev, f->ev));
    assert_true(tevent_context_same_loop(f->ev, f->wrap));
    assert_true(tevent_context_same_loop(f->wrap, f->ev));
    assert_true(tevent_context_same_loop(f->wrap, wrap2));
    assert_false(tevent_context_same_loop(f->ev, ev2));
    assert_false(tevent_context_same_loop(f->wrap, ev2));
    assert_false(tevent_context_same_loop(ev2, wrap2));
}

/* ------------------------------------------------------------------ */
/* Hooks around each handler kind.                                     */

static struct fixture *current;

static void fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
                       uint16_t flags, void *private_data)
{
    struct entry *e = add_entry(HANDLER);
    char c;

    assert_int_equal(read(current->sock[1], &c, 1), 1);
    e->ev = ev;
    e->object = fde;
    e->flags = flags;
    assert_ptr_equal(private_data, current);
    assert_true(tevent_context_same_loop(ev, current->ev));
}

static void test_fd_hooks(void **state)
{
    struct fixture *f = *state;
    struct tevent_fd *fde;
    static const enum what expected[] = {BEFORE_FD, TRACE_BEFORE_HANDLER,
                                         HANDLER, AFTER_FD};
    int i;

    current = f;
    tevent_set_trace_fd_callback(f->ev, trace_fd, NULL);
    fde = tevent_add_fd(f->wrap, f->mem, f->sock[1], TEVENT_FD_READ, fd_handler,
                        f);
    assert_non_null(fde);
    assert_int_equal(write(f->sock[0], "x", 1), 1);
    assert_int_equal(tevent_loop_once(f->ev), 0);

    expect_sequence(expected, 4);
    for (i = 0; i < 4; i += 3) {
        assert_hook_args(&log_entries[i], f);
        assert_ptr_equal(log_entries[i].object, fde);
        assert_int_equal(log_entries[i].flags, TEVENT_FD_READ);
        assert_string_equal(log_entries[i].handler_name, "fd_handler");
        assert_non_null(strstr(log_entries[i].location, "test_wrapper.c"));
    }
    assert_ptr_equal(log_entries[1].object, fde);
    /* The handler gets the wrapper as its context. */
    assert_ptr_equal(log_entries[2].ev, f->wrap);
    assert_int_equal(log_entries[2].flags, TEVENT_FD_READ);
    talloc_free(fde);
}

static void close_fn(struct tevent_context *ev, struct tevent_fd *fde, int fd,
                     void *private_data)
{
    struct entry *e = add_entry(CLOSE_FN);
    (void)fd;
    (void)private_data;
    e->ev = ev;
    e->object = fde;
}

static void test_fd_close_fn_not_wrapped(void **state)
{
    struct fixture *f = *state;
    struct tevent_fd *fde;
    int fd = dup(f->sock[1]);

    fde = tevent_add_fd(f->wrap, f->mem, fd, TEVENT_FD_READ, fd_handler, f);
    assert_non_null(fde);
    tevent_fd_set_close_fn(fde, close_fn);
    assert_int_equal(talloc_free(fde), 0);
    close(fd);
    /* No hook around it, and it sees the main context. */
    assert_int_equal(log_count, 1);
    assert_int_equal(log_entries[0].what, CLOSE_FN);
    assert_ptr_equal(log_entries[0].ev, f->ev);
}

static void timer_handler(struct tevent_context *ev, struct tevent_timer *te,
                          struct timeval now, void *private_data)
{
    struct entry *e = add_entry(HANDLER);
    (void)private_data;
    e->ev = ev;
    e->object = te;
    e->t2 = now;
}

static void test_timer_hooks(void **state)
{
    struct fixture *f = *state;
    struct timeval when = tevent_timeval_current_ofs(0, 1000);
    struct tevent_timer *te;
    static const enum what expected[] = {BEFORE_TIMER, TRACE_BEFORE_HANDLER,
                                         HANDLER, AFTER_TIMER};

    tevent_set_trace_timer_callback(f->ev, trace_timer, NULL);
    te = tevent_add_timer(f->wrap, f->mem, when, timer_handler, f);
    assert_non_null(te);
    /* It lives on the main context. */
    assert_int_equal(tevent_loop_wait(f->ev), 0);

    expect_sequence(expected, 4);
    assert_hook_args(&log_entries[0], f);
    assert_hook_args(&log_entries[3], f);
    assert_ptr_equal(log_entries[0].object, te);
    assert_int_equal(tevent_timeval_compare(&log_entries[0].t1, &when), 0);
    assert_int_equal(tevent_timeval_compare(&log_entries[3].t1, &when), 0);
    /* The trigger time is what the handler receives. */
    assert_int_equal(
        tevent_timeval_compare(&log_entries[0].t2, &log_entries[2].t2), 0);
    assert_int_equal(
        tevent_timeval_compare(&log_entries[3].t2, &log_entries[2].t2), 0);
    assert_true(tevent_timeval_compare(&log_entries[2].t2, &when) >= 0);
    assert_string_equal(log_entries[0].handler_name, "timer_handler");
    assert_ptr_equal(log_entries[2].ev, f->wrap);
}

static void immediate_handler(struct tevent_context *ev,
                              struct tevent_immediate *im, void *private_data)
{
    struct entry *e = add_entry(HANDLER);
    (void)private_data;
    e->ev = ev;
    e->object = im;
}

static void test_immediate_hooks(void **state)
{
    struct fixture *f = *state;
    struct tevent_immediate *im = tevent_create_immediate(f->mem);
    static const enum what expected[] = {BEFORE_IMMEDIATE, TRACE_BEFORE_HANDLER,
                                         HANDLER, AFTER_IMMEDIATE};

    tevent_set_trace_immediate_callback(f->ev, trace_immediate, NULL);
    tevent_schedule_immediate(im, f->wrap, immediate_handler, f);
    assert_int_equal(tevent_loop_once(f->ev), 0);

    expect_sequence(expected, 4);
    assert_hook_args(&log_entries[0], f);
    assert_hook_args(&log_entries[3], f);
    assert_ptr_equal(log_entries[0].object, im);
    assert_ptr_equal(log_entries[3].object, im);
    assert_string_equal(log_entries[0].handler_name, "immediate_handler");
    assert_non_null(strstr(log_entries[0].location, "test_wrapper.c"));
    assert_ptr_equal(log_entries[2].ev, f->wrap);
}

static void signal_handler(struct tevent_context *ev, struct tevent_signal *se,
                           int signum, int count, void *siginfo,
                           void *private_data)
{
    struct entry *e = add_entry(HANDLER);
    (void)siginfo;
    (void)private_data;
    e->ev = ev;
    e->object = se;
    e->signum = signum;
    e->count = count;
}

static void test_signal_hooks(void **state)
{
    struct fixture *f = *state;
    struct tevent_signal *se;
    static const enum what expected[] = {BEFORE_SIGNAL, TRACE_BEFORE_HANDLER,
                                         HANDLER, AFTER_SIGNAL};
    int guard;

    tevent_set_trace_signal_callback(f->ev, trace_signal, NULL);
    se = tevent_add_signal(f->wrap, f->mem, SIGUSR1, 0, signal_handler, f);
    assert_non_null(se);
    kill(getpid(), SIGUSR1);
    for (guard = 0; log_count == 0 && guard < 5; guard++) {
        assert_int_equal(tevent_loop_once(f->ev), 0);
    }

    expect_sequence(expected, 4);
    assert_hook_args(&log_entries[0], f);
    assert_hook_args(&log_entries[3], f);
    assert_ptr_equal(log_entries[0].object, se);
    assert_int_equal(log_entries[0].signum, SIGUSR1);
    assert_int_equal(log_entries[0].count, 1);
    assert_string_equal(log_entries[0].handler_name, "signal_handler");
    assert_ptr_equal(log_entries[2].ev, f->wrap);
    assert_int_equal(log_entries[2].count, 1);
    talloc_free(se);
}

/* ------------------------------------------------------------------ */
/* The use stack.                                                      */

static void test_push_pop(void **state)
{
    struct fixture *f = *state;
    static const enum what expected[] = {BEFORE_USE, AFTER_USE};

    assert_true(tevent_context_push_use(f->wrap));
    assert_true(tevent_context_push_use(f->ev));
    tevent_context_pop_use(f->ev);
    tevent_context_pop_use(f->wrap);
    expect_sequence(expected, 2);
    assert_hook_args(&log_entries[0], f);
    assert_hook_args(&log_entries[1], f);
    assert_non_null(strstr(log_entries[0].location, "test_wrapper.c"));
    assert_non_null(strstr(log_entries[1].location, "test_wrapper.c"));
    assert_int_equal(abort_count, 0);
}

static void test_push_refused_by_hook(void **state)
{
    struct fixture *f = *state;
    static const enum what expected[] = {BEFORE_USE, BEFORE_USE, AFTER_USE};

    before_use_result = false;
    assert_false(tevent_context_push_use(f->wrap));
    /* It was popped again, so it is not busy. */
    before_use_result = true;
    assert_true(tevent_context_push_use(f->wrap));
    tevent_context_pop_use(f->wrap);
    expect_sequence(expected, 3);
    assert_int_equal(abort_count, 0);
}

static void test_push_pop_misuse(void **state)
{
    struct fixture *f = *state;
    int i;

    /* A wrapper may be in use only once. */
    assert_true(tevent_context_push_use(f->wrap));
    tevent_context_push_use(f->wrap);
    assert_string_equal(abort_reason, "wrapper already busy!");
    tevent_context_pop_use(f->wrap);
    assert_int_equal(abort_count, 1);

    /* Popping what is not on top. */
    assert_true(tevent_context_push_use(f->ev));
    tevent_context_pop_use(f->wrap);
    assert_string_equal(abort_reason, "tevent_wrapper_pop_use mismatch ev!");

    /* Popping an empty stack. */
    tevent_context_pop_use(f->ev);
    assert_string_equal(abort_reason, "tevent_wrapper stack already empty");

    /* 32 entries at most. */
    reset_abort();
    for (i = 0; i < 32; i++) {
        assert_true(tevent_context_push_use(f->ev));
    }
    assert_int_equal(abort_count, 0);
    tevent_context_push_use(f->ev);
    assert_string_equal(abort_reason, "TEVENT_WRAPPER_STACK_SIZE overflow");
    for (i = 0; i < 32; i++) {
        tevent_context_pop_use(f->ev);
    }
    assert_int_equal(abort_count, 1);
}

struct nested {
    struct fixture *f;
    struct tevent_context *other;
};

static void nested_use_handler(struct tevent_context *ev,
                               struct tevent_immediate *im, void *private_data)
{
    struct nested *n = private_data;
    (void)im;
    /* Another wrapper can be used inside; this one is busy. */
    assert_true(tevent_context_push_use(n->other));
    tevent_context_pop_use(n->other);
    tevent_context_push_use(ev);
    assert_string_equal(abort_reason, "wrapper already busy!");
}

static void test_use_inside_handler(void **state)
{
    struct fixture *f = *state;
    struct my_state *s2;
    struct nested n = {.f = f};
    struct tevent_immediate *im = tevent_create_immediate(f->mem);
    static const enum what expected[] = {
        BEFORE_IMMEDIATE, BEFORE_USE, AFTER_USE, BEFORE_USE, AFTER_IMMEDIATE};

    n.other = tevent_context_wrapper_create(f->ev, f->mem, &test_ops, &s2,
                                            struct my_state);
    tevent_schedule_immediate(im, f->wrap, nested_use_handler, &n);
    assert_int_equal(tevent_loop_once(f->ev), 0);
    expect_sequence(expected, 5);
    assert_ptr_equal(log_entries[1].ev, n.other);
    assert_ptr_equal(log_entries[2].ev, n.other);
    /* The refused push still ran before_use (as upstream). */
    assert_ptr_equal(log_entries[3].ev, f->wrap);
    assert_int_equal(abort_count, 1);
}

/* ------------------------------------------------------------------ */
/* Freeing in every order.                                             */

static void must_not_run_fd(struct tevent_context *ev, struct tevent_fd *fde,
                            uint16_t flags, void *private_data)
{
    (void)ev, (void)fde, (void)flags, (void)private_data;
    fail_msg("fd handler of a freed wrapper ran");
}

static void must_not_run_timer(struct tevent_context *ev,
                               struct tevent_timer *te, struct timeval now,
                               void *private_data)
{
    (void)ev, (void)te, (void)now, (void)private_data;
    fail_msg("timer handler of a freed wrapper ran");
}

static void must_not_run_immediate(struct tevent_context *ev,
                                   struct tevent_immediate *im,
                                   void *private_data)
{
    (void)ev, (void)im, (void)private_data;
    fail_msg("immediate handler of a freed wrapper ran");
}

static void must_not_run_signal(struct tevent_context *ev,
                                struct tevent_signal *se, int signum, int count,
                                void *siginfo, void *private_data)
{
    (void)ev, (void)se, (void)signum, (void)count, (void)siginfo,
        (void)private_data;
    fail_msg("signal handler of a freed wrapper ran");
}

struct wrapped_events {
    struct tevent_fd *fde;
    struct tevent_timer *te;
    struct tevent_immediate *im;
    struct tevent_signal *se;
};

/* All four kinds through the wrapper, allocated on mem, all ready. */
static void add_ready_events(struct fixture *f, struct wrapped_events *w,
                             tevent_signal_handler_t sig_handler)
{
    w->fde = tevent_add_fd(f->wrap, f->mem, f->sock[1], TEVENT_FD_READ,
                           must_not_run_fd, NULL);
    w->te = tevent_add_timer(f->wrap, f->mem, tevent_timeval_zero(),
                             must_not_run_timer, NULL);
    w->im = tevent_create_immediate(f->mem);
    tevent_schedule_immediate(w->im, f->wrap, must_not_run_immediate, NULL);
    w->se = tevent_add_signal(f->wrap, f->mem, SIGUSR2, 0, sig_handler, f);
    assert_non_null(w->fde);
    assert_non_null(w->te);
    assert_non_null(w->se);
    assert_int_equal(write(f->sock[0], "x", 1), 1);
}

static void test_free_wrapper_with_events(void **state)
{
    struct fixture *f = *state;
    struct wrapped_events w;

    tevent_set_trace_fd_callback(f->ev, count_fd_detach, NULL);
    tevent_set_trace_timer_callback(f->ev, count_timer_detach, NULL);
    tevent_set_trace_immediate_callback(f->ev, count_immediate_detach, NULL);
    tevent_set_trace_signal_callback(f->ev, count_signal_detach, NULL);
    add_ready_events(f, &w, must_not_run_signal);
    observe_state_free(f);

    assert_int_equal(talloc_free(f->wrap), 0);
    assert_int_equal(log_count, 1);
    assert_int_equal(log_entries[0].what, STATE_FREED);
    /* fdes and signals are detached with a trace, timers and immediates
     * are silently unlinked (as upstream). */
    assert_int_equal(detaches[0], 1);
    assert_int_equal(detaches[1], 0);
    assert_int_equal(detaches[2], 0);
    assert_int_equal(detaches[3], 1);
    assert_int_equal(tevent_fd_get_flags(w.fde), 0);

    /* Nothing is left on the main context. */
    assert_int_equal(tevent_loop_wait(f->ev), 0);
    assert_int_equal(log_count, 1);

    /* The events stay allocated but inert; freeing them is quiet. */
    tevent_fd_set_flags(w.fde, TEVENT_FD_READ);
    assert_int_equal(tevent_fd_get_flags(w.fde), 0);
    assert_int_equal(talloc_free(w.fde), 0);
    assert_int_equal(talloc_free(w.te), 0);
    assert_int_equal(talloc_free(w.im), 0);
    assert_int_equal(talloc_free(w.se), 0);
    assert_int_equal(detaches[0] + detaches[1] + detaches[2] + detaches[3], 2);
    assert_int_equal(abort_count, 0);
}

/* fdes sharing one fd with fdes of a freed wrapper (one epoll
 * registration for all of them) go on working; the wrapper's are inert. */

#define MAX_SHARED 4

struct shared_fde {
    struct fixture *f;
    struct tevent_fd *fde;
    bool wrapped;
    int runs;
};

static void shared_fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
                              uint16_t flags, void *private_data)
{
    struct shared_fde *s = private_data;

    assert_ptr_equal(ev, s->f->ev);
    assert_ptr_equal(fde, s->fde);
    assert_int_equal(flags, TEVENT_FD_READ);
    s->runs += 1;
}

static void add_shared(struct fixture *f, struct shared_fde *s, bool wrapped)
{
    s->f = f;
    s->wrapped = wrapped;
    s->runs = 0;
    s->fde = tevent_add_fd(wrapped ? f->wrap : f->ev, f->mem, f->sock[1],
                           TEVENT_FD_READ,
                           wrapped ? must_not_run_fd : shared_fd_handler, s);
    assert_non_null(s->fde);
}

/* Loops until the live fdes ran twice each in all: the fd stays
 * readable, so round robin runs each of them twice.  (poll_mt spends an
 * extra iteration now and then, as upstream.) */
static void expect_round_robin(struct fixture *f, struct shared_fde *s, int n,
                               int expected_runs)
{
    int live = 0, total = 0, start = 0;
    int i, iterations;

    for (i = 0; i < n; i++) {
        if (s[i].fde != NULL && !s[i].wrapped) {
            live += 1;
            start += s[i].runs;
        }
    }
    for (iterations = 0; total < start + 2 * live; iterations++) {
        assert_true(iterations < 4 * live);
        assert_int_equal(tevent_loop_once(f->ev), 0);
        total = 0;
        for (i = 0; i < n; i++) {
            total += s[i].fde != NULL && !s[i].wrapped ? s[i].runs : 0;
        }
    }
    for (i = 0; i < n; i++) {
        if (s[i].fde != NULL && !s[i].wrapped) {
            assert_int_equal(s[i].runs, expected_runs);
        }
    }
}

/* layout: one letter per fde in the order added on the socket, 'W'
 * through the wrapper, 'M' on the main context. */
static void check_shared_fd(struct fixture *f, const char *layout)
{
    struct shared_fde s[MAX_SHARED + 1];
    int n = (int)strlen(layout);
    int wrapped = 0;
    int i;

    assert_true(n <= MAX_SHARED);
    for (i = 0; i < n; i++) {
        add_shared(f, &s[i], layout[i] == 'W');
        wrapped += s[i].wrapped;
    }
    tevent_set_trace_fd_callback(f->ev, count_fd_detach, NULL);
    assert_int_equal(talloc_free(f->wrap), 0);
    assert_int_equal(detaches[0], wrapped);
    for (i = 0; i < n; i++) {
        if (s[i].wrapped) {
            assert_int_equal(tevent_fd_get_flags(s[i].fde), 0);
        } else {
            assert_int_equal(tevent_fd_get_flags(s[i].fde), TEVENT_FD_READ);
        }
    }
    assert_int_equal(write(f->sock[0], "x", 1), 1);
    expect_round_robin(f, s, n, 2);

    /* Freeing the wrapper's fdes leaves the others alone. */
    for (i = 0; i < n; i++) {
        if (s[i].wrapped) {
            assert_int_equal(talloc_free(s[i].fde), 0);
            s[i].fde = NULL;
        }
    }
    expect_round_robin(f, s, n, 4);
    assert_int_equal(detaches[0], wrapped);

    /* A new fde on the fd joins the survivors. */
    for (i = 0; i < n; i++) {
        s[i].runs = 0;
    }
    add_shared(f, &s[n], false);
    expect_round_robin(f, s, n + 1, 2);

    for (i = 0; i <= n; i++) {
        TALLOC_FREE(s[i].fde);
    }
    assert_int_equal(detaches[0], n + 1);
    assert_int_equal(abort_count, 0);
}

static void test_free_wrapper_shared_fd_member(void **state)
{
    check_shared_fd(*state, "MW");
}

static void test_free_wrapper_shared_fd_primary(void **state)
{
    check_shared_fd(*state, "WM");
}

static void test_free_wrapper_shared_fd_three(void **state)
{
    check_shared_fd(*state, "WMW");
}

static void test_free_wrapper_shared_fd_three_main(void **state)
{
    check_shared_fd(*state, "MWM");
}

/* The shared fd was closed behind tevent's back: epoll learns it (EBADF)
 * while moving the registration off the wrapper's fde (idle, so freeing
 * the wrapper changes no flags) and disables the whole group; poll only
 * notices in the next poll(). */
static void test_free_wrapper_shared_fd_closed(void **state)
{
    struct fixture *f = *state;
    struct shared_fde w, m;
    const char *backend = test_backend();
    bool epoll = backend == NULL || strcmp(backend, "epoll") == 0 ||
                 strcmp(backend, "standard") == 0;
    int fd = dup(f->sock[1]);

    assert_true(fd >= 0);
    w = (struct shared_fde){.f = f, .wrapped = true};
    m = (struct shared_fde){.f = f};
    w.fde =
        tevent_add_fd(f->wrap, f->mem, fd, TEVENT_FD_READ, must_not_run_fd, &w);
    m.fde =
        tevent_add_fd(f->ev, f->mem, fd, TEVENT_FD_READ, shared_fd_handler, &m);
    assert_non_null(w.fde);
    assert_non_null(m.fde);
    tevent_fd_set_flags(w.fde, 0);
    tevent_set_trace_fd_callback(f->ev, count_fd_detach, NULL);
    close(fd);

    assert_int_equal(talloc_free(f->wrap), 0);
    assert_int_equal(tevent_fd_get_flags(w.fde), 0);
    assert_int_equal(tevent_fd_get_flags(m.fde), epoll ? 0 : TEVENT_FD_READ);
    assert_int_equal(detaches[0], epoll ? 2 : 1);
    if (!epoll) {
        assert_int_equal(tevent_loop_once(f->ev), 0);
        assert_int_equal(tevent_fd_get_flags(m.fde), 0);
    }
    assert_int_equal(detaches[0], 2);
    assert_int_equal(m.runs, 0);
    assert_int_equal(talloc_free(w.fde), 0);
    assert_int_equal(talloc_free(m.fde), 0);
    assert_int_equal(detaches[0], 2);
    assert_int_equal(abort_count, 0);
}

/* Detaching the first of two wrapper fdes on a closed fd disables both at
 * once (epoll: EBADF); the wrapper's fdes after them are detached too. */
static void test_free_wrapper_closed_fd_group_first(void **state)
{
    struct fixture *f = *state;
    struct tevent_fd *other, *reader, *writer;
    int fd = dup(f->sock[1]);

    assert_true(fd >= 0);
    other = tevent_add_fd(f->wrap, f->mem, f->sock[1], TEVENT_FD_READ,
                          must_not_run_fd, NULL);
    reader = tevent_add_fd(f->wrap, f->mem, fd, TEVENT_FD_READ, must_not_run_fd,
                           NULL);
    writer = tevent_add_fd(f->wrap, f->mem, fd, TEVENT_FD_WRITE,
                           must_not_run_fd, NULL);
    assert_non_null(other);
    assert_non_null(reader);
    assert_non_null(writer);
    tevent_set_trace_fd_callback(f->ev, count_fd_detach, NULL);
    close(fd);
    assert_int_equal(write(f->sock[0], "x", 1), 1);

    assert_int_equal(talloc_free(f->wrap), 0);
    assert_int_equal(detaches[0], 3);
    assert_int_equal(tevent_fd_get_flags(other), 0);
    assert_int_equal(tevent_fd_get_flags(reader), 0);
    assert_int_equal(tevent_fd_get_flags(writer), 0);
    /* Nothing is left on the main context. */
    assert_int_equal(tevent_loop_wait(f->ev), 0);
    assert_int_equal(abort_count, 0);
}

/* Like upstream's free_wrapper test: the highest-priority handler (the
 * signal) frees its own wrapper. */
static void freeing_signal_handler(struct tevent_context *ev,
                                   struct tevent_signal *se, int signum,
                                   int count, void *siginfo, void *private_data)
{
    struct fixture *f = private_data;
    (void)signum, (void)count, (void)siginfo;
    assert_ptr_equal(ev, f->wrap);
    add_entry(HANDLER);
    talloc_free(se);
    /* Deferred while the wrapper is in use. */
    assert_int_equal(talloc_free(ev), -1);
}

static void test_free_wrapper_in_handler(void **state)
{
    struct fixture *f = *state;
    struct wrapped_events w;
    static const enum what expected[] = {BEFORE_SIGNAL, HANDLER, AFTER_SIGNAL,
                                         STATE_FREED};

    add_ready_events(f, &w, freeing_signal_handler);
    observe_state_free(f);
    kill(getpid(), SIGUSR2);
    assert_int_equal(tevent_loop_wait(f->ev), 0);
    /* The after hook still ran, the wrapper was freed when popped. */
    expect_sequence(expected, 4);
    assert_hook_args(&log_entries[2], f);
    assert_int_equal(tevent_fd_get_flags(w.fde), 0);
    assert_int_equal(abort_count, 0);
}

static void double_free_handler(struct tevent_context *ev,
                                struct tevent_immediate *im, void *private_data)
{
    (void)im;
    (void)private_data;
    assert_int_equal(talloc_free(ev), -1);
    talloc_free(ev);
}

static void test_double_free_in_handler(void **state)
{
    struct fixture *f = *state;
    struct tevent_immediate *im = tevent_create_immediate(f->mem);

    tevent_schedule_immediate(im, f->wrap, double_free_handler, NULL);
    assert_int_equal(tevent_loop_once(f->ev), 0);
    assert_int_equal(abort_count, 1);
    assert_string_equal(abort_reason, "tevent_context wrapper double free");
}

static void free_parent_handler(struct tevent_context *ev,
                                struct tevent_immediate *im, void *private_data)
{
    (void)ev;
    (void)im;
    talloc_free(private_data);
}

static void test_free_wrapper_parent_in_handler(void **state)
{
    struct fixture *f = *state;
    TALLOC_CTX *parent = talloc_new(f->mem);
    struct tevent_immediate *im = tevent_create_immediate(f->mem);
    struct my_state *s2;
    struct tevent_context *wrap2 = tevent_context_wrapper_create(
        f->ev, parent, &test_ops, &s2, struct my_state);
    static const enum what expected[] = {BEFORE_IMMEDIATE, AFTER_IMMEDIATE,
                                         STATE_FREED};
    int *marker = talloc(s2, int);

    talloc_set_destructor(marker, state_marker_destructor);
    tevent_schedule_immediate(im, wrap2, free_parent_handler, parent);
    assert_int_equal(tevent_loop_once(f->ev), 0);
    expect_sequence(expected, 3);
    assert_ptr_equal(log_entries[1].ev, wrap2);
    assert_int_equal(abort_count, 0);
}

static void test_free_main_first(void **state)
{
    struct fixture *f = *state;
    struct wrapped_events w;
    struct tevent_immediate *im;

    add_ready_events(f, &w, must_not_run_signal);
    assert_int_equal(talloc_free(f->ev), 0);

    assert_true(tevent_context_is_wrapper(f->wrap));
    assert_false(tevent_context_same_loop(f->wrap, f->wrap));
    assert_false(tevent_context_push_use(f->wrap));
    assert_int_equal(log_count, 0);

    errno = 0;
    assert_null(tevent_add_fd(f->wrap, f->mem, f->sock[1], TEVENT_FD_READ,
                              must_not_run_fd, NULL));
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_null(tevent_add_timer(f->wrap, f->mem, tevent_timeval_zero(),
                                 must_not_run_timer, NULL));
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_null(tevent_add_signal(f->wrap, f->mem, SIGUSR2, 0,
                                  must_not_run_signal, NULL));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(abort_count, 0);

    /* An immediate cannot report failure: it aborts with the location. */
    im = tevent_create_immediate(f->mem);
    _tevent_schedule_immediate(im, f->wrap, must_not_run_immediate, NULL,
                               "must_not_run_immediate", "the-location");
    assert_int_equal(abort_count, 1);
    assert_string_equal(abort_reason, "the-location");

    /* Everything is inert and can be freed in any order. */
    assert_int_equal(talloc_free(w.te), 0);
    assert_int_equal(talloc_free(f->wrap), 0);
    assert_int_equal(talloc_free(w.fde), 0);
    assert_int_equal(talloc_free(w.im), 0);
    assert_int_equal(talloc_free(w.se), 0);
    assert_int_equal(talloc_free(im), 0);
    assert_int_equal(abort_count, 1);
}

static void test_free_main_with_wrapper_child(void **state)
{
    struct fixture *f = *state;
    struct my_state *s2;
    struct tevent_context *wrap2 = tevent_context_wrapper_create(
        f->ev, f->ev, &test_ops, &s2, struct my_state);
    int *marker;

    assert_non_null(wrap2);
    marker = talloc(s2, int);
    talloc_set_destructor(marker, state_marker_destructor);
    /* The wrapper is a child of the main context: both go. */
    assert_int_equal(talloc_free(f->ev), 0);
    assert_int_equal(log_count, 1);
    assert_int_equal(log_entries[0].what, STATE_FREED);
    assert_int_equal(talloc_free(f->wrap), 0);
    assert_int_equal(abort_count, 0);
}

static void test_loop_on_wrapper_refused(void **state)
{
    struct fixture *f = *state;

    errno = 0;
    assert_int_equal(tevent_loop_once(f->wrap), -1);
    assert_int_equal(errno, ENOSYS);
    assert_string_equal(abort_reason, "tevent_wrapper_glue_loop_once() called");
    errno = 0;
    assert_int_equal(tevent_loop_wait(f->wrap), -1);
    assert_int_equal(errno, ENOSYS);
    assert_string_equal(abort_reason, "tevent_wrapper_glue_loop_wait() called");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_create),
        T(test_create_refused),
        T(test_same_loop),
        T(test_fd_hooks),
        T(test_fd_close_fn_not_wrapped),
        T(test_timer_hooks),
        T(test_immediate_hooks),
        T(test_signal_hooks),
        T(test_push_pop),
        T(test_push_refused_by_hook),
        T(test_push_pop_misuse),
        T(test_use_inside_handler),
        T(test_free_wrapper_with_events),
        T(test_free_wrapper_shared_fd_member),
        T(test_free_wrapper_shared_fd_primary),
        T(test_free_wrapper_shared_fd_three),
        T(test_free_wrapper_shared_fd_three_main),
        T(test_free_wrapper_shared_fd_closed),
        T(test_free_wrapper_closed_fd_group_first),
        T(test_free_wrapper_in_handler),
        T(test_double_free_in_handler),
        T(test_free_wrapper_parent_in_handler),
        T(test_free_main_first),
        T(test_free_main_with_wrapper_child),
        T(test_loop_on_wrapper_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
