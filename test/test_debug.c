/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Debug output and aborts: level filtering (tevent_set_debug implies
 * WARNING, TRACE needs tevent_set_max_debug_level), the exact messages of
 * timers, immediates and tevent_loop_wait, tevent_set_debug_stderr, and
 * the abort hook with its reasons.
 */
#include "test_util.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Exported, declared in upstream's uninstalled tevent_internal.h. */
void tevent_debug(struct tevent_context *ev, enum tevent_debug_level level,
                  const char *fmt, ...) PRINTF_ATTRIBUTE(3, 4);
void tevent_abort(struct tevent_context *ev, const char *reason);

#define MAX_MSGS 64

struct message {
    enum tevent_debug_level level;
    void *context;
    char text[256];
};

static struct message g_msgs[MAX_MSGS];
static size_t g_nmsgs;

static void record_debug(void *context, enum tevent_debug_level level,
                         const char *fmt, va_list ap) PRINTF_ATTRIBUTE(3, 0);
static void record_debug(void *context, enum tevent_debug_level level,
                         const char *fmt, va_list ap)
{
    assert_true(g_nmsgs < MAX_MSGS);
    g_msgs[g_nmsgs].level = level;
    g_msgs[g_nmsgs].context = context;
    vsnprintf(g_msgs[g_nmsgs].text, sizeof(g_msgs[g_nmsgs].text), fmt, ap);
    g_nmsgs += 1;
}

/* Index of the first message equal to `text` at `level`, or -1. */
static int find_msg(enum tevent_debug_level level, const char *text)
{
    for (size_t i = 0; i < g_nmsgs; i++) {
        if (g_msgs[i].level == level && strcmp(g_msgs[i].text, text) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* Index of the message built from fmt with the pointer and name; or -1. */
static int find_ptr_name(const char *fmt, const void *ptr, const char *name)
{
    char text[256];
    snprintf(text, sizeof(text), fmt, ptr, name);
    return find_msg(TEVENT_DEBUG_TRACE, text);
}

static int find_name_ptr(const char *fmt, const char *name, const void *ptr)
{
    char text[256];
    snprintf(text, sizeof(text), fmt, name, ptr);
    return find_msg(TEVENT_DEBUG_TRACE, text);
}

static size_t count_level(enum tevent_debug_level level)
{
    size_t n = 0;
    for (size_t i = 0; i < g_nmsgs; i++) {
        n += g_msgs[i].level == level;
    }
    return n;
}

#define MAX_ABORTS 8
static char g_aborts[MAX_ABORTS][256];
static size_t g_naborts;

static void copy_abort(const char *reason)
{
    static const char nesting[] = "tevent_loop_once() nesting at ";
    assert_true(g_naborts < MAX_ABORTS);
    snprintf(g_aborts[g_naborts++], sizeof(g_aborts[0]), "%s", reason);
    /* tevent allocates this reason on the NULL context and leaks it. */
    if (strncmp(reason, nesting, strlen(nesting)) == 0) {
        talloc_free((void *)(uintptr_t)reason);
    }
}

static int setup(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    assert_non_null(mem);
    g_nmsgs = 0;
    g_naborts = 0;
    tevent_set_abort_fn(copy_abort);
    *state = mem;
    return 0;
}

static int teardown(void **state)
{
    tevent_set_abort_fn(NULL);
    assert_int_equal(talloc_free(*state), 0);
    return 0;
}

static void timer_handler(struct tevent_context *ev, struct tevent_timer *te,
                          struct timeval current_time, void *private_data)
{
    (void)ev;
    (void)te;
    (void)current_time;
    (void)private_data;
}

static void imm_handler(struct tevent_context *ev, struct tevent_immediate *im,
                        void *private_data)
{
    (void)ev;
    (void)im;
    (void)private_data;
}

static void test_levels(void **state)
{
    struct tevent_context *ev = test_context(*state);

    /* A fresh context logs nothing above FATAL (and has no fn). */
    assert_int_equal(tevent_set_max_debug_level(ev, TEVENT_DEBUG_FATAL),
                     TEVENT_DEBUG_FATAL);
    assert_int_equal(tevent_set_debug(ev, record_debug, ev), 0);
    /* Setting a debug fn implies WARNING. */
    assert_int_equal(tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE),
                     TEVENT_DEBUG_WARNING);
    assert_int_equal(tevent_set_max_debug_level(ev, TEVENT_DEBUG_ERROR),
                     TEVENT_DEBUG_TRACE);
    /* Clearing it implies FATAL. */
    assert_int_equal(tevent_set_debug(ev, NULL, NULL), 0);
    assert_int_equal(tevent_set_max_debug_level(ev, TEVENT_DEBUG_WARNING),
                     TEVENT_DEBUG_FATAL);
    /* Setting it again resets a raised level to WARNING. */
    tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE);
    assert_int_equal(tevent_set_debug(ev, record_debug, ev), 0);
    assert_int_equal(tevent_set_max_debug_level(ev, TEVENT_DEBUG_WARNING),
                     TEVENT_DEBUG_WARNING);
}

static void test_filtering(void **state)
{
    struct tevent_context *ev = test_context(*state);
    int context;

    /* No fn: nothing, whatever the level. */
    tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE);
    tevent_debug(ev, TEVENT_DEBUG_FATAL, "lost %d\n", 0);
    tevent_debug(NULL, TEVENT_DEBUG_FATAL, "lost %d\n", 1);
    assert_int_equal(g_nmsgs, 0);

    tevent_set_debug(ev, record_debug, &context);
    tevent_debug(ev, TEVENT_DEBUG_FATAL, "f %d\n", 1);
    tevent_debug(ev, TEVENT_DEBUG_ERROR, "e %s\n", "x");
    tevent_debug(ev, TEVENT_DEBUG_WARNING, "w\n");
    tevent_debug(ev, TEVENT_DEBUG_TRACE, "t\n");
    assert_int_equal(g_nmsgs, 3);
    assert_int_equal(find_msg(TEVENT_DEBUG_FATAL, "f 1\n"), 0);
    assert_int_equal(find_msg(TEVENT_DEBUG_ERROR, "e x\n"), 1);
    assert_int_equal(find_msg(TEVENT_DEBUG_WARNING, "w\n"), 2);
    assert_ptr_equal(g_msgs[0].context, &context);

    tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE);
    tevent_debug(ev, TEVENT_DEBUG_TRACE, "t\n");
    assert_int_equal(find_msg(TEVENT_DEBUG_TRACE, "t\n"), 3);

    tevent_set_max_debug_level(ev, TEVENT_DEBUG_FATAL);
    tevent_debug(ev, TEVENT_DEBUG_ERROR, "e\n");
    assert_int_equal(g_nmsgs, 4);
}

static void test_trace_needs_max_level(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    assert_non_null(im);

    tevent_set_debug(ev, record_debug, NULL);
    assert_non_null(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), timer_handler, NULL));
    tevent_schedule_immediate(im, ev, imm_handler, NULL);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(count_level(TEVENT_DEBUG_TRACE), 0);

    tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE);
    struct tevent_timer *te =
        tevent_add_timer(ev, ev, tevent_timeval_zero(), timer_handler, NULL);
    assert_non_null(te);
    assert_true(find_name_ptr("Added timed event \"%s\": %p\n", "timer_handler",
                              te) >= 0);
}

static void test_timer_messages(void **state)
{
    struct tevent_context *ev = test_context(*state);

    tevent_set_debug(ev, record_debug, NULL);
    tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE);

    struct tevent_timer *te =
        tevent_add_timer(ev, ev, tevent_timeval_zero(), timer_handler, NULL);
    assert_non_null(te);
    int added =
        find_name_ptr("Added timed event \"%s\": %p\n", "timer_handler", te);
    assert_true(added >= 0);

    assert_int_equal(tevent_loop_once(ev), 0);
    int running =
        find_ptr_name("Running timer event %p \"%s\"\n", te, "timer_handler");
    int ending =
        find_ptr_name("Ending timer event %p \"%s\"\n", te, "timer_handler");
    assert_true(added < running);
    assert_true(running < ending);
    /* Freed by tevent after the handler: no "Destroying" message. */
    assert_int_equal(find_ptr_name("Destroying timer event %p \"%s\"\n", te,
                                   "timer_handler"),
                     -1);

    struct tevent_timer *te2 = tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(100, 0), timer_handler, NULL);
    assert_non_null(te2);
    assert_int_equal(talloc_free(te2), 0);
    assert_true(find_ptr_name("Destroying timer event %p \"%s\"\n", te2,
                              "timer_handler") >= 0);
}

static void test_immediate_messages(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    assert_non_null(im);

    tevent_set_debug(ev, record_debug, NULL);
    tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE);

    tevent_schedule_immediate(im, ev, imm_handler, NULL);
    int scheduled = find_name_ptr("Schedule immediate event \"%s\": %p\n",
                                  "imm_handler", im);
    assert_true(scheduled >= 0);
    assert_int_equal(tevent_loop_once(ev), 0);
    int run =
        find_name_ptr("Run immediate event \"%s\": %p\n", "imm_handler", im);
    assert_true(scheduled < run);
    /* Running it is no cancellation. */
    assert_int_equal(
        find_ptr_name("Cancel immediate event %p \"%s\"\n", im, "imm_handler"),
        -1);

    g_nmsgs = 0;
    tevent_schedule_immediate(im, ev, imm_handler, NULL);
    tevent_reset_immediate(im);
    assert_int_equal(
        find_ptr_name("Cancel immediate event %p \"%s\"\n", im, "imm_handler"),
        1);

    /* Cancelling through a NULL handler logs the same. */
    g_nmsgs = 0;
    tevent_schedule_immediate(im, ev, imm_handler, NULL);
    tevent_schedule_immediate(im, ev, NULL, NULL);
    assert_int_equal(
        find_ptr_name("Cancel immediate event %p \"%s\"\n", im, "imm_handler"),
        1);
    /* Nothing to cancel: no message. */
    tevent_reset_immediate(im);
    assert_int_equal(g_nmsgs, 2);
}

static void test_loop_wait_out_of_events(void **state)
{
    struct tevent_context *ev = test_context(*state);

    tevent_set_debug(ev, record_debug, NULL);
    assert_int_equal(tevent_loop_wait(ev), 0);
    assert_true(find_msg(TEVENT_DEBUG_WARNING,
                         "tevent_common_loop_wait() out of events\n") >= 0);
}

static void test_abort_hook(void **state)
{
    struct tevent_context *ev = test_context(*state);

    tevent_set_debug(ev, record_debug, NULL);
    tevent_abort(ev, "something broke");
    assert_int_equal(g_naborts, 1);
    assert_string_equal(g_aborts[0], "something broke");
    assert_int_equal(find_msg(TEVENT_DEBUG_FATAL, "abort: something broke\n"),
                     0);

    /* Without a context: only the hook. */
    tevent_abort(NULL, "no context");
    assert_int_equal(g_naborts, 2);
    assert_string_equal(g_aborts[1], "no context");
    assert_int_equal(g_nmsgs, 1);
}

static void nested_loop(struct tevent_context *ev, struct tevent_timer *te,
                        struct timeval current_time, void *private_data)
{
    const char **location = private_data;
    (void)te;
    (void)current_time;
    *location = __location__, tevent_loop_once(ev);
}

static void test_nesting_reason(void **state)
{
    struct tevent_context *ev = test_context(*state);
    const char *location = NULL;
    char expected[256];

    tevent_set_debug(ev, record_debug, NULL);
    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_zero(), nested_loop,
                                     &location));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_non_null(location);
    snprintf(expected, sizeof(expected), "tevent_loop_once() nesting at %s",
             location);
    assert_int_equal(g_naborts, 1);
    assert_string_equal(g_aborts[0], expected);
    snprintf(expected, sizeof(expected),
             "abort: tevent_loop_once() nesting at %s\n", location);
    assert_true(find_msg(TEVENT_DEBUG_FATAL, expected) >= 0);
}

static void double_free_timer(struct tevent_context *ev,
                              struct tevent_timer *te,
                              struct timeval current_time, void *private_data)
{
    (void)ev;
    (void)current_time;
    (void)private_data;
    size_t aborts = g_naborts;
    assert_int_equal(talloc_free(te), -1);
    assert_int_equal(g_naborts, aborts);
    assert_int_equal(talloc_free(te), -1);
}

static void double_free_immediate(struct tevent_context *ev,
                                  struct tevent_immediate *im,
                                  void *private_data)
{
    (void)ev;
    (void)private_data;
    size_t aborts = g_naborts;
    assert_int_equal(talloc_free(im), -1);
    assert_int_equal(g_naborts, aborts);
    assert_int_equal(talloc_free(im), -1);
}

static void use_after_free_immediate(struct tevent_context *ev,
                                     struct tevent_immediate *im,
                                     void *private_data)
{
    (void)ev;
    (void)private_data;
    size_t aborts = g_naborts;
    assert_int_equal(talloc_free(im), -1);
    assert_int_equal(g_naborts, aborts);
    tevent_reset_immediate(im);
}

static void double_free_fd(struct tevent_context *ev, struct tevent_fd *fde,
                           uint16_t flags, void *private_data)
{
    (void)ev;
    (void)flags;
    (void)private_data;
    size_t aborts = g_naborts;
    assert_int_equal(talloc_free(fde), -1);
    assert_int_equal(g_naborts, aborts);
    assert_int_equal(talloc_free(fde), -1);
}

static void test_double_free_reasons(void **state)
{
    struct tevent_context *ev = test_context(*state);
    int fds[2];

    assert_non_null(tevent_add_timer(ev, *state, tevent_timeval_zero(),
                                     double_free_timer, NULL));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_naborts, 1);
    assert_string_equal(g_aborts[0], "tevent_timer double free");

    struct tevent_immediate *im = tevent_create_immediate(*state);
    assert_non_null(im);
    tevent_schedule_immediate(im, ev, double_free_immediate, NULL);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_naborts, 2);
    assert_string_equal(g_aborts[1], "tevent_immediate double free");

    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);
    assert_non_null(tevent_add_fd(ev, *state, fds[0], TEVENT_FD_READ,
                                  double_free_fd, NULL));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_naborts, 3);
    assert_string_equal(g_aborts[2], "tevent_fd double free");
    close(fds[0]);
    close(fds[1]);
}

static void test_immediate_use_after_free(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    assert_non_null(im);

    tevent_schedule_immediate(im, ev, use_after_free_immediate, NULL);
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(g_naborts, 1);
    assert_string_equal(g_aborts[0], "tevent_immediate use after free");
}

/* Without a hook tevent_abort() really aborts. */
static void test_abort_without_hook(void **state)
{
    int status;
    (void)state;

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* No core file for the expected abort. */
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        tevent_set_abort_fn(NULL);
        tevent_abort(NULL, "expected abort");
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);

    /* With a hook that returns, tevent_abort() returns. */
    tevent_abort(NULL, "survived");
    assert_int_equal(g_naborts, 1);
}

/* Runs fn with stderr redirected into a temporary file; returns what was
 * written there. */
static char *capture_stderr(TALLOC_CTX *mem_ctx,
                            void (*fn)(struct tevent_context *ev),
                            struct tevent_context *ev)
{
    FILE *tmp = tmpfile();
    char buf[512];
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    fn(ev);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    rewind(tmp);
    size_t n = fread(buf, 1, sizeof(buf) - 1, tmp);
    buf[n] = '\0';
    fclose(tmp);
    return talloc_strdup(mem_ctx, buf);
}

static void log_all_levels(struct tevent_context *ev)
{
    tevent_debug(ev, TEVENT_DEBUG_FATAL, "fatal %d\n", 0);
    tevent_debug(ev, TEVENT_DEBUG_ERROR, "error %s\n", "1");
    tevent_debug(ev, TEVENT_DEBUG_WARNING, "warning\n");
    tevent_debug(ev, TEVENT_DEBUG_TRACE, "trace\n");
    assert_int_equal(tevent_loop_wait(ev), 0);
}

static void test_debug_stderr(void **state)
{
    struct tevent_context *ev = test_context(*state);

    assert_int_equal(tevent_set_debug_stderr(ev), 0);
    assert_int_equal(tevent_set_max_debug_level(ev, TEVENT_DEBUG_WARNING),
                     TEVENT_DEBUG_WARNING);
    char *out = capture_stderr(*state, log_all_levels, ev);
    assert_string_equal(out, "fatal 0\nerror 1\nwarning\n"
                             "tevent_common_loop_wait() out of events\n");

    /* The stderr printer itself drops TRACE even when it is let through. */
    tevent_set_max_debug_level(ev, TEVENT_DEBUG_TRACE);
    out = capture_stderr(*state, log_all_levels, ev);
    assert_string_equal(out, "fatal 0\nerror 1\nwarning\n"
                             "tevent_common_loop_wait() out of events\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filtering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_needs_max_level, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timer_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_immediate_messages, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_loop_wait_out_of_events, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_abort_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_free_reasons, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_immediate_use_after_free, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_abort_without_hook, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_debug_stderr, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
