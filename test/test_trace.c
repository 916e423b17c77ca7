/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Trace callbacks: the loop trace points and the per-object
 * ATTACH / BEFORE_HANDLER / DETACH sequences of fd, timer and immediate
 * events, including objects freed or rescheduled inside their handlers,
 * and the getters that write through a `void **` passed as `void *`.
 *
 * Every traced step is appended to one log.  Tokens: loop points
 * '[' BEFORE_LOOP_ONCE, ']' AFTER_LOOP_ONCE, '(' BEFORE_WAIT, ')' AFTER_WAIT;
 * object points 'A' ATTACH, 'B' BEFORE_HANDLER, 'D' DETACH (lower case when
 * reported by the second context); '<' and '>' bracket a test handler.
 */
#define _DEPRECATED_
#include "test_util.h"

#include <string.h>
#include <unistd.h>

#define MAX_ENTRIES 256

struct entry {
    char token;
    const void *obj;
};

static struct entry g_log[MAX_ENTRIES];
static size_t g_n;

static void add_entry(char token, const void *obj)
{
    assert_true(g_n < MAX_ENTRIES);
    g_log[g_n].token = token;
    g_log[g_n].obj = obj;
    g_n += 1;
}

/* The tokens of one object (handler brackets included), in order. */
static const char *seq_of(const void *obj)
{
    static char buf[MAX_ENTRIES + 1];
    size_t len = 0;
    for (size_t i = 0; i < g_n; i++) {
        if (g_log[i].obj == obj) {
            buf[len++] = g_log[i].token;
        }
    }
    buf[len] = '\0';
    return buf;
}

/* Loop points and handler brackets, in order. */
static const char *loop_seq(void)
{
    static char buf[MAX_ENTRIES + 1];
    size_t len = 0;
    for (size_t i = 0; i < g_n; i++) {
        if (strchr("[]()<>", g_log[i].token) != NULL) {
            buf[len++] = g_log[i].token;
        }
    }
    buf[len] = '\0';
    return buf;
}

/* Which context reported: selects upper or lower case tokens. */
struct tracer {
    bool second;
};

static struct tracer g_first = {false};
static struct tracer g_second = {true};

static char point_token(enum tevent_event_trace_point tp, void *private_data)
{
    const struct tracer *t = private_data;
    char c = '?';
    switch (tp) {
    case TEVENT_EVENT_TRACE_ATTACH:
        c = 'A';
        break;
    case TEVENT_EVENT_TRACE_BEFORE_HANDLER:
        c = 'B';
        break;
    case TEVENT_EVENT_TRACE_DETACH:
        c = 'D';
        break;
    }
    return t->second ? (char)(c - 'A' + 'a') : c;
}

static void trace_loop(enum tevent_trace_point tp, void *private_data)
{
    static const char tokens[] = {
        [TEVENT_TRACE_BEFORE_WAIT] = '(',
        [TEVENT_TRACE_AFTER_WAIT] = ')',
        [TEVENT_TRACE_BEFORE_LOOP_ONCE] = '[',
        [TEVENT_TRACE_AFTER_LOOP_ONCE] = ']',
    };
    assert_ptr_equal(private_data, &g_first);
    add_entry(tokens[tp], NULL);
}

static void trace_fd(struct tevent_fd *fde, enum tevent_event_trace_point tp,
                     void *private_data)
{
    add_entry(point_token(tp, private_data), fde);
}

static void trace_timer(struct tevent_timer *te,
                        enum tevent_event_trace_point tp, void *private_data)
{
    add_entry(point_token(tp, private_data), te);
}

static void trace_immediate(struct tevent_immediate *im,
                            enum tevent_event_trace_point tp,
                            void *private_data)
{
    add_entry(point_token(tp, private_data), im);
}

static void trace_all(struct tevent_context *ev, struct tracer *t)
{
    tevent_set_trace_fd_callback(ev, trace_fd, t);
    tevent_set_trace_timer_callback(ev, trace_timer, t);
    tevent_set_trace_immediate_callback(ev, trace_immediate, t);
}

static int setup(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    assert_non_null(mem);
    g_n = 0;
    g_abort_reason = NULL;
    tevent_set_abort_fn(record_abort);
    *state = mem;
    return 0;
}

static int teardown(void **state)
{
    tevent_set_abort_fn(NULL);
    assert_int_equal(talloc_free(*state), 0);
    assert_null(g_abort_reason);
    return 0;
}

/* A traced context of the backend under test. */
static struct tevent_context *traced_context(TALLOC_CTX *mem_ctx,
                                             struct tracer *t)
{
    struct tevent_context *ev = test_context(mem_ctx);
    trace_all(ev, t);
    return ev;
}

/* ---------------------------------------------------------------------
 * Handlers.  What they do to their own event is chosen by `action`.
 */

enum action {
    KEEP,
    FREE_SELF,
    RESCHEDULE,
    RESCHEDULE_TWICE,
    RESET_SELF,
    MOVE_TO_SECOND,
};

struct job {
    enum action action;
    struct pipe_pair *pipe;
    struct tevent_context *second;
    int free_ret;
};

static void fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
                       uint16_t flags, void *private_data)
{
    struct job *j = private_data;
    char c;
    (void)ev;
    (void)flags;
    add_entry('<', fde);
    assert_int_equal(read(j->pipe->rd, &c, 1), 1);
    if (j->action == FREE_SELF) {
        j->free_ret = talloc_free(fde);
    }
    add_entry('>', fde);
}

static void timer_handler(struct tevent_context *ev, struct tevent_timer *te,
                          struct timeval current_time, void *private_data)
{
    struct job *j = private_data;
    (void)ev;
    (void)current_time;
    add_entry('<', te);
    if (j->action == FREE_SELF) {
        j->free_ret = talloc_free(te);
    }
    add_entry('>', te);
}

static void immediate_handler(struct tevent_context *ev,
                              struct tevent_immediate *im, void *private_data)
{
    struct job *j = private_data;
    enum action action = j->action;
    add_entry('<', im);
    /* Next time it just runs. */
    j->action = KEEP;
    switch (action) {
    case KEEP:
        break;
    case FREE_SELF:
        j->free_ret = talloc_free(im);
        break;
    case RESCHEDULE:
        tevent_schedule_immediate(im, ev, immediate_handler, j);
        break;
    case RESCHEDULE_TWICE:
        tevent_schedule_immediate(im, ev, immediate_handler, j);
        tevent_schedule_immediate(im, ev, immediate_handler, j);
        break;
    case RESET_SELF:
        tevent_reset_immediate(im);
        tevent_reset_immediate(im);
        break;
    case MOVE_TO_SECOND:
        tevent_schedule_immediate(im, j->second, immediate_handler, j);
        break;
    }
    add_entry('>', im);
}

/* ---------------------------------------------------------------------
 * Loop trace points
 */

static void test_loop_points_without_wait(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    struct job j = {.action = KEEP};
    assert_non_null(im);

    tevent_set_trace_callback(ev, trace_loop, &g_first);
    tevent_schedule_immediate(im, ev, immediate_handler, &j);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_set(1, 0), timer_handler, &j));
    assert_int_equal(tevent_loop_once(ev), 0);
    /* Immediates and due timers run without waiting. */
    assert_string_equal(loop_seq(), "[<>][<>]");
}

static void test_loop_points_with_wait(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct job j = {.action = KEEP, .pipe = test_pipe(*state, 1)};

    tevent_set_trace_callback(ev, trace_loop, &g_first);
    assert_non_null(
        tevent_add_fd(ev, ev, j.pipe->rd, TEVENT_FD_READ, fd_handler, &j));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(loop_seq(), "[()<>]");

    /* A pending timer that is not due bounds the wait without replacing
     * it (a far one: a near one could be due before the loop looks when
     * the machine is loaded).  A fresh context: with poll_mt the fd change
     * above left a wakeup pending, which would take the next iteration. */
    g_n = 0;
    ev = test_context(*state);
    tevent_set_trace_callback(ev, trace_loop, &g_first);
    tevent_set_trace_timer_callback(ev, trace_timer, &g_first);
    struct tevent_timer *te = tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(3600, 0), timer_handler, &j);
    assert_non_null(te);
    assert_non_null(
        tevent_add_fd(ev, ev, j.pipe->rd, TEVENT_FD_READ, fd_handler, &j));
    assert_int_equal(write(j.pipe->wr, "x", 1), 1);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(loop_seq(), "[()<>]");
    assert_string_equal(seq_of(te), "A");
}

static bool after_two(void *private_data)
{
    (void)private_data;
    return g_n >= 8;
}

static void test_loop_points_loop_until(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    struct job j = {.action = RESCHEDULE};
    assert_non_null(im);

    tevent_set_trace_callback(ev, trace_loop, &g_first);
    tevent_schedule_immediate(im, ev, immediate_handler, &j);
    assert_int_equal(tevent_loop_until(ev, after_two, NULL), 0);
    /* Every iteration is bracketed. */
    assert_string_equal(loop_seq(), "[<>][<>]");

    /* Already finished: no iteration, no trace point. */
    assert_int_equal(tevent_loop_until(ev, after_two, NULL), 0);
    assert_string_equal(loop_seq(), "[<>][<>]");
}

static void test_loop_callback_cleared(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    struct job j = {.action = KEEP};
    assert_non_null(im);

    tevent_set_trace_callback(ev, trace_loop, &g_first);
    tevent_set_trace_callback(ev, NULL, NULL);
    tevent_schedule_immediate(im, ev, immediate_handler, &j);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(loop_seq(), "<>");
}

static void install_tracer(struct tevent_context *ev,
                           struct tevent_immediate *im, void *private_data)
{
    (void)im;
    (void)private_data;
    add_entry('<', NULL);
    tevent_set_trace_callback(ev, trace_loop, &g_first);
    add_entry('>', NULL);
}

static void test_loop_callback_installed_by_handler(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    assert_non_null(im);

    /* The iteration that installed it reports its end. */
    tevent_schedule_immediate(im, ev, install_tracer, NULL);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(loop_seq(), "<>]");
}

/* Frees g_doomed at the AFTER_WAIT trace point. */
static struct tevent_fd *g_doomed;

static void free_after_wait(enum tevent_trace_point tp, void *private_data)
{
    (void)private_data;
    if (tp == TEVENT_TRACE_AFTER_WAIT && g_doomed != NULL) {
        assert_int_equal(talloc_free(g_doomed), 0);
        g_doomed = NULL;
    }
}

static void test_fd_freed_after_wait(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct job j = {.action = KEEP, .pipe = test_pipe(*state, 1)};

    /* Readiness the wait saw for an fde freed before the dispatch is
     * dropped; the backend goes on working. */
    g_doomed =
        tevent_add_fd(ev, ev, j.pipe->rd, TEVENT_FD_READ, fd_handler, &j);
    assert_non_null(g_doomed);
    tevent_set_trace_callback(ev, free_after_wait, NULL);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_null(g_doomed);
    assert_string_equal(loop_seq(), "");

    assert_non_null(
        tevent_add_fd(ev, ev, j.pipe->rd, TEVENT_FD_READ, fd_handler, &j));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(loop_seq(), "<>");
}

/* ---------------------------------------------------------------------
 * Getters: the private data pointer is stored through a void ** that the
 * prototype declares as void *.
 */

/* Callbacks that are only stored and read back, never relied upon. */
static void dummy_loop_trace(enum tevent_trace_point tp, void *p)
{
    (void)tp;
    (void)p;
}

#define DUMMY_TRACE(kind, type)                                                \
    static void dummy_##kind##_trace(                                          \
        type *obj, enum tevent_event_trace_point tp, void *p)                  \
    {                                                                          \
        (void)obj;                                                             \
        (void)tp;                                                              \
        (void)p;                                                               \
    }
DUMMY_TRACE(fd, struct tevent_fd)
DUMMY_TRACE(signal, struct tevent_signal)
DUMMY_TRACE(timer, struct tevent_timer)
DUMMY_TRACE(immediate, struct tevent_immediate)
DUMMY_TRACE(queue, struct tevent_queue_entry)

static void test_getters(void **state)
{
    struct tevent_context *ev = test_context(*state);
    int a, b, c, d, e, f;
    tevent_trace_callback_t loop_cb = dummy_loop_trace;
    tevent_trace_fd_callback_t fd_cb = dummy_fd_trace;
    tevent_trace_signal_callback_t signal_cb = dummy_signal_trace;
    tevent_trace_timer_callback_t timer_cb = dummy_timer_trace;
    tevent_trace_immediate_callback_t immediate_cb = dummy_immediate_trace;
    tevent_trace_queue_callback_t queue_cb = dummy_queue_trace;
    void *p = &a;

    /* Nothing set on a fresh context. */
    tevent_get_trace_callback(ev, &loop_cb, &p);
    assert_null(loop_cb);
    assert_null(p);
    p = &a;
    tevent_get_trace_fd_callback(ev, &fd_cb, &p);
    assert_null(fd_cb);
    assert_null(p);
    p = &a;
    tevent_get_trace_signal_callback(ev, &signal_cb, &p);
    assert_null(signal_cb);
    assert_null(p);
    p = &a;
    tevent_get_trace_timer_callback(ev, &timer_cb, &p);
    assert_null(timer_cb);
    assert_null(p);
    p = &a;
    tevent_get_trace_immediate_callback(ev, &immediate_cb, &p);
    assert_null(immediate_cb);
    assert_null(p);
    p = &a;
    tevent_get_trace_queue_callback(ev, &queue_cb, &p);
    assert_null(queue_cb);
    assert_null(p);

    tevent_set_trace_callback(ev, dummy_loop_trace, &a);
    tevent_set_trace_fd_callback(ev, dummy_fd_trace, &b);
    tevent_set_trace_signal_callback(ev, dummy_signal_trace, &c);
    tevent_set_trace_timer_callback(ev, dummy_timer_trace, &d);
    tevent_set_trace_immediate_callback(ev, dummy_immediate_trace, &e);
    tevent_set_trace_queue_callback(ev, dummy_queue_trace, &f);

    tevent_get_trace_callback(ev, &loop_cb, &p);
    assert_ptr_equal(loop_cb, dummy_loop_trace);
    assert_ptr_equal(p, &a);
    tevent_get_trace_fd_callback(ev, &fd_cb, &p);
    assert_ptr_equal(fd_cb, dummy_fd_trace);
    assert_ptr_equal(p, &b);
    tevent_get_trace_signal_callback(ev, &signal_cb, &p);
    assert_ptr_equal(signal_cb, dummy_signal_trace);
    assert_ptr_equal(p, &c);
    tevent_get_trace_timer_callback(ev, &timer_cb, &p);
    assert_ptr_equal(timer_cb, dummy_timer_trace);
    assert_ptr_equal(p, &d);
    tevent_get_trace_immediate_callback(ev, &immediate_cb, &p);
    assert_ptr_equal(immediate_cb, dummy_immediate_trace);
    assert_ptr_equal(p, &e);
    tevent_get_trace_queue_callback(ev, &queue_cb, &p);
    assert_ptr_equal(queue_cb, dummy_queue_trace);
    assert_ptr_equal(p, &f);

    /* Clearing clears both. */
    tevent_set_trace_timer_callback(ev, NULL, NULL);
    tevent_get_trace_timer_callback(ev, &timer_cb, &p);
    assert_null(timer_cb);
    assert_null(p);
}

/* ---------------------------------------------------------------------
 * fd events
 */

static void test_fd_sequence(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = KEEP, .pipe = test_pipe(*state, 1)};
    struct tevent_fd *fde =
        tevent_add_fd(ev, *state, j.pipe->rd, TEVENT_FD_READ, fd_handler, &j);
    assert_non_null(fde);

    assert_string_equal(seq_of(fde), "A");
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(fde), "AB<>");
    tevent_fd_set_flags(fde, 0);
    assert_string_equal(seq_of(fde), "AB<>");
    assert_int_equal(talloc_free(fde), 0);
    assert_string_equal(seq_of(fde), "AB<>D");
}

static void test_fd_freed_in_handler(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = FREE_SELF, .pipe = test_pipe(*state, 1)};
    struct tevent_fd *fde =
        tevent_add_fd(ev, *state, j.pipe->rd, TEVENT_FD_READ, fd_handler, &j);
    assert_non_null(fde);

    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(j.free_ret, -1);
    assert_string_equal(seq_of(fde), "AB<D>");
}

static void test_fd_never_fired(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = KEEP, .pipe = test_pipe(*state, 1)};
    struct tevent_fd *fde =
        tevent_add_fd(ev, *state, j.pipe->rd, TEVENT_FD_WRITE, fd_handler, &j);
    assert_non_null(fde);

    assert_int_equal(talloc_free(fde), 0);
    assert_string_equal(seq_of(fde), "AD");
}

/* ---------------------------------------------------------------------
 * Timers
 */

static void test_timer_sequence(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = KEEP};
    struct tevent_timer *te =
        tevent_add_timer(ev, ev, tevent_timeval_zero(), timer_handler, &j);
    assert_non_null(te);

    assert_string_equal(seq_of(te), "A");
    assert_int_equal(tevent_loop_once(ev), 0);
    /* The DETACH comes after the handler, as tevent frees the timer. */
    assert_string_equal(seq_of(te), "AB<>D");
}

static void test_timer_freed_in_handler(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = FREE_SELF};
    struct tevent_timer *te =
        tevent_add_timer(ev, ev, tevent_timeval_zero(), timer_handler, &j);
    assert_non_null(te);

    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(j.free_ret, -1);
    assert_string_equal(seq_of(te), "AB<D>");
}

static void test_timer_freed_before_firing(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = KEEP};
    struct tevent_timer *te =
        tevent_add_timer(ev, ev, tevent_timeval_zero(), timer_handler, &j);
    assert_non_null(te);

    assert_int_equal(talloc_free(te), 0);
    assert_string_equal(seq_of(te), "AD");
}

static void test_timer_updated(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = KEEP};
    struct tevent_timer *te = tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(100, 0), timer_handler, &j);
    assert_non_null(te);

    tevent_update_timer(te, tevent_timeval_zero());
    assert_string_equal(seq_of(te), "ADA");
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(te), "ADAB<>D");
}

/* ---------------------------------------------------------------------
 * Immediates (S-6: the DETACH of a running immediate is deferred)
 */

static struct tevent_immediate *scheduled(struct tevent_context *ev,
                                          TALLOC_CTX *mem_ctx, struct job *j)
{
    struct tevent_immediate *im = tevent_create_immediate(mem_ctx);
    assert_non_null(im);
    tevent_schedule_immediate(im, ev, immediate_handler, j);
    return im;
}

static void test_immediate_sequence(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = KEEP};
    struct tevent_immediate *im = scheduled(ev, *state, &j);

    assert_string_equal(seq_of(im), "A");
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(im), "AB<>D");
    /* Not freed: it can be scheduled again, with a new sequence. */
    tevent_schedule_immediate(im, ev, immediate_handler, &j);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(im), "AB<>DAB<>D");
}

static void test_immediate_rescheduled_in_handler(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = RESCHEDULE};
    struct tevent_immediate *im = scheduled(ev, *state, &j);

    assert_int_equal(tevent_loop_once(ev), 0);
    /* The deferred DETACH comes first, then the new ATTACH. */
    assert_string_equal(seq_of(im), "AB<DA>");
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(im), "AB<DA>B<>D");
}

static void test_immediate_rescheduled_twice_in_handler(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = RESCHEDULE_TWICE};
    struct tevent_immediate *im = scheduled(ev, *state, &j);

    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(im), "AB<DADA>");
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(im), "AB<DADA>B<>D");
}

static void test_immediate_freed_in_handler(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = FREE_SELF};
    struct tevent_immediate *im = scheduled(ev, *state, &j);

    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(j.free_ret, -1);
    assert_string_equal(seq_of(im), "AB<D>");
}

static void test_immediate_reset_in_handler(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = RESET_SELF};
    struct tevent_immediate *im = scheduled(ev, *state, &j);

    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(im), "AB<D>");
}

static void test_immediate_cancelled(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct job j = {.action = KEEP};
    struct tevent_immediate *a = scheduled(ev, *state, &j);
    struct tevent_immediate *b = scheduled(ev, *state, &j);
    struct tevent_immediate *c = scheduled(ev, *state, &j);

    tevent_reset_immediate(a);
    tevent_schedule_immediate(b, ev, NULL, NULL);
    assert_int_equal(talloc_free(c), 0);
    assert_string_equal(seq_of(a), "AD");
    assert_string_equal(seq_of(b), "AD");
    assert_string_equal(seq_of(c), "AD");
}

static void test_immediate_moved_between_contexts(void **state)
{
    struct tevent_context *ev = traced_context(*state, &g_first);
    struct tevent_context *ev2 = traced_context(*state, &g_second);
    struct job j = {.action = MOVE_TO_SECOND, .second = ev2};
    struct job k = {.action = KEEP};
    struct tevent_immediate *im = scheduled(ev, *state, &j);

    /* Its handler schedules it on the second context: the first one
     * reports the deferred DETACH, the second the ATTACH. */
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(im), "AB<Da>");
    assert_int_equal(tevent_loop_once(ev2), 0);
    assert_string_equal(seq_of(im), "AB<Da>b<>d");

    /* Moved while pending. */
    struct tevent_immediate *im2 = scheduled(ev, *state, &k);
    tevent_schedule_immediate(im2, ev2, immediate_handler, &k);
    assert_string_equal(seq_of(im2), "ADa");
    assert_int_equal(tevent_loop_once(ev2), 0);
    assert_string_equal(seq_of(im2), "ADab<>d");
}

/* ---------------------------------------------------------------------
 * Tags set in the ATTACH callback are visible to the handler.
 */

static void tag_on_attach(struct tevent_immediate *im,
                          enum tevent_event_trace_point tp, void *private_data)
{
    uint64_t *next_tag = private_data;
    if (tp == TEVENT_EVENT_TRACE_ATTACH) {
        tevent_immediate_set_tag(im, ++*next_tag);
    }
}

static void check_tag(struct tevent_context *ev, struct tevent_immediate *im,
                      void *private_data)
{
    (void)ev;
    add_entry((char)tevent_immediate_get_tag(im), private_data);
}

static void test_tag_set_on_attach(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    uint64_t next_tag = '0';
    assert_non_null(im);

    tevent_set_trace_immediate_callback(ev, tag_on_attach, &next_tag);
    tevent_schedule_immediate(im, ev, check_tag, NULL);
    tevent_schedule_immediate(im, ev, check_tag, NULL);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(seq_of(NULL), "2");
}

/* ---------------------------------------------------------------------
 * Every ATTACH is matched by exactly one DETACH, and BEFORE_HANDLER only
 * happens in between - over a mixed workload ending with the context
 * being freed while events are still pending.
 */

#define MAX_OBJS 128

struct obj_state {
    const void *obj;
    bool attached;
};

static struct obj_state g_objs[MAX_OBJS];
static size_t g_nobjs;
static unsigned g_attaches, g_detaches, g_unknown_fd_detaches;

static struct obj_state *find_obj(const void *obj)
{
    for (size_t i = 0; i < g_nobjs; i++) {
        if (g_objs[i].obj == obj) {
            return &g_objs[i];
        }
    }
    return NULL;
}

static void balance(const void *obj, enum tevent_event_trace_point tp,
                    bool is_fd)
{
    struct obj_state *s = find_obj(obj);
    switch (tp) {
    case TEVENT_EVENT_TRACE_ATTACH:
        if (s == NULL) {
            assert_true(g_nobjs < MAX_OBJS);
            s = &g_objs[g_nobjs++];
            s->obj = obj;
        }
        assert_false(s->attached);
        s->attached = true;
        g_attaches += 1;
        break;
    case TEVENT_EVENT_TRACE_BEFORE_HANDLER:
        /* Internal fdes (wakeup) were attached before tracing began. */
        assert_true((s != NULL && s->attached) || (s == NULL && is_fd));
        break;
    case TEVENT_EVENT_TRACE_DETACH:
        if (s == NULL && is_fd) {
            g_unknown_fd_detaches += 1;
            break;
        }
        assert_non_null(s);
        assert_true(s->attached);
        s->attached = false;
        g_detaches += 1;
        break;
    }
}

static void balance_fd(struct tevent_fd *fde, enum tevent_event_trace_point tp,
                       void *private_data)
{
    (void)private_data;
    balance(fde, tp, true);
}

static void balance_timer(struct tevent_timer *te,
                          enum tevent_event_trace_point tp, void *private_data)
{
    (void)private_data;
    balance(te, tp, false);
}

static void balance_immediate(struct tevent_immediate *im,
                              enum tevent_event_trace_point tp,
                              void *private_data)
{
    (void)private_data;
    balance(im, tp, false);
}

static void test_attach_detach_balance(void **state)
{
    TALLOC_CTX *ev_mem = talloc_new(*state);
    struct tevent_context *ev = test_context(ev_mem);
    struct pipe_pair *p = test_pipe(*state, 1);
    struct job keep = {.action = KEEP, .pipe = p};
    struct job jobs[12];
    const enum action actions[] = {KEEP,       FREE_SELF,        RESCHEDULE,
                                   RESET_SELF, RESCHEDULE_TWICE, KEEP};

    g_nobjs = 0;
    g_attaches = g_detaches = g_unknown_fd_detaches = 0;
    tevent_set_trace_fd_callback(ev, balance_fd, NULL);
    tevent_set_trace_timer_callback(ev, balance_timer, NULL);
    tevent_set_trace_immediate_callback(ev, balance_immediate, NULL);

    for (size_t i = 0; i < 12; i++) {
        jobs[i] = (struct job){.action = actions[i % 6], .pipe = p};
        /* Half of them on the context, half elsewhere. */
        TALLOC_CTX *parent = (i % 2) ? (TALLOC_CTX *)ev : *state;
        scheduled(ev, parent, &jobs[i]);
        struct timeval when = (i % 3) ? tevent_timeval_zero()
                                      : tevent_timeval_current_ofs(100, 0);
        struct tevent_timer *te =
            tevent_add_timer(ev, parent, when, timer_handler, &jobs[i]);
        assert_non_null(te);
        if (i % 4 == 0) {
            tevent_update_timer(te, tevent_timeval_zero());
        }
    }
    assert_non_null(
        tevent_add_fd(ev, *state, p->rd, TEVENT_FD_READ, fd_handler, &keep));
    assert_non_null(
        tevent_add_fd(ev, ev, p->rd, TEVENT_FD_WRITE, fd_handler, &keep));

    for (int i = 0; i < 20; i++) {
        assert_int_equal(tevent_loop_once(ev), 0);
    }
    /* Some events are still pending when the context goes away. */
    assert_true(g_attaches > g_detaches);
    assert_int_equal(talloc_free(ev_mem), 0);

    assert_int_equal(g_attaches, g_detaches);
    for (size_t i = 0; i < g_nobjs; i++) {
        assert_false(g_objs[i].attached);
    }
    /* Only an internal wakeup fde may be detached without our having
     * seen its attach. */
    assert_true(g_unknown_fd_detaches <= 1);
}

/* Freeing the context detaches pending events living elsewhere exactly
 * once; freeing them afterwards adds no further DETACH. */
static void test_context_free_detaches(void **state)
{
    TALLOC_CTX *ev_mem = talloc_new(*state);
    struct tevent_context *ev = traced_context(ev_mem, &g_first);
    struct job j = {.action = KEEP, .pipe = test_pipe(*state, 1)};
    struct tevent_immediate *im = scheduled(ev, *state, &j);
    struct tevent_timer *te =
        tevent_add_timer(ev, *state, tevent_timeval_zero(), timer_handler, &j);
    struct tevent_fd *fde =
        tevent_add_fd(ev, *state, j.pipe->rd, TEVENT_FD_READ, fd_handler, &j);
    assert_non_null(te);
    assert_non_null(fde);

    assert_int_equal(talloc_free(ev_mem), 0);
    assert_string_equal(seq_of(im), "AD");
    assert_string_equal(seq_of(te), "AD");
    assert_string_equal(seq_of(fde), "AD");
    assert_int_equal(talloc_free(im), 0);
    assert_int_equal(talloc_free(te), 0);
    assert_int_equal(talloc_free(fde), 0);
    assert_string_equal(seq_of(im), "AD");
    assert_string_equal(seq_of(te), "AD");
    assert_string_equal(seq_of(fde), "AD");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_loop_points_without_wait, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_loop_points_with_wait, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_loop_points_loop_until, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_loop_callback_cleared, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_loop_callback_installed_by_handler,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_freed_after_wait, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_getters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_freed_in_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fd_never_fired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_freed_in_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timer_freed_before_firing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timer_updated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_immediate_sequence, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_immediate_rescheduled_in_handler,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_immediate_rescheduled_twice_in_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_immediate_freed_in_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_immediate_reset_in_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_immediate_cancelled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_immediate_moved_between_contexts,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_set_on_attach, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_attach_detach_balance, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_context_free_detaches, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
