/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Contexts across fork(): tevent_re_initialise() in the child discards the
 * inherited events and leaves a working context; without it the context
 * keeps working in the child (epoll re-creates its kernel state), and
 * nothing the child does to its copy disturbs the parent.
 */
#include "test_util.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool poke(struct pipe_pair *p)
{
    return write(p->wr, "x", 1) == 1;
}

/* Handlers count their runs in the unsigned the private data points to. */
static void count_timer(struct tevent_context *ev, struct tevent_timer *te,
                        struct timeval current_time, void *private_data)
{
    (void)ev;
    (void)te;
    (void)current_time;
    *(unsigned *)private_data += 1;
}

static void count_immediate(struct tevent_context *ev,
                            struct tevent_immediate *im, void *private_data)
{
    (void)ev;
    (void)im;
    *(unsigned *)private_data += 1;
}

struct reader {
    struct pipe_pair *p;
    unsigned runs;
};

static void read_one(struct tevent_context *ev, struct tevent_fd *fde,
                     uint16_t flags, void *private_data)
{
    struct reader *r = private_data;
    char c;
    (void)ev;
    (void)fde;
    if (flags == TEVENT_FD_READ && read(r->p->rd, &c, 1) == 1) {
        r->runs += 1;
    }
}

static int setup(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    assert_non_null(mem);
    *state = mem;
    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(talloc_free(*state), 0);
    return 0;
}

/*
 * Runs iterations until *runs reaches `target`; false on a loop error or
 * after 3 iterations.  Internal fdes (poll_mt's wakeup fd, readable since
 * fd changes before the fork) may take an iteration of their own.
 */
static bool run_until(struct tevent_context *ev, const unsigned *runs,
                      unsigned target)
{
    for (int i = 0; i < 3 && *runs < target; i++) {
        if (tevent_loop_once(ev) != 0) {
            return false;
        }
    }
    return *runs == target;
}

/* Waits for the child and returns its exit code (-1: did not exit). */
static int child_result(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The child's checks; the return value is its exit code.  cmocka asserts
 * must not be used in the child.
 */
static int child_after_re_initialise(TALLOC_CTX *mem_ctx,
                                     struct tevent_context *ev,
                                     struct tevent_fd *old_fde,
                                     unsigned *old_runs)
{
    unsigned timer_runs = 0;
    struct reader r = {.p = test_pipe(mem_ctx, 0)};

    if (tevent_re_initialise(ev) != 0) {
        return 10;
    }
    /* The inherited fde is detached. */
    if (tevent_fd_get_flags(old_fde) != 0) {
        return 11;
    }
    if (tevent_add_timer(ev, ev, tevent_timeval_zero(), count_timer,
                         &timer_runs) == NULL) {
        return 12;
    }
    /* The inherited immediate would run before any timer. */
    if (tevent_loop_once(ev) != 0 || timer_runs != 1 || *old_runs != 0) {
        return 13;
    }
    struct tevent_fd *fde =
        tevent_add_fd(ev, ev, r.p->rd, TEVENT_FD_READ, read_one, &r);
    if (fde == NULL || !poke(r.p)) {
        return 14;
    }
    tevent_context_set_wait_timeout(ev, 5);
    if (!run_until(ev, &r.runs, 1)) {
        return 15;
    }
    /* Nothing inherited is left to keep the loop running. */
    talloc_free(fde);
    if (tevent_loop_wait(ev) != 0 || *old_runs != 0) {
        return 16;
    }
    return 0;
}

static void test_re_initialise_in_child(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_immediate *im = tevent_create_immediate(*state);
    struct reader parent_reader = {.p = test_pipe(*state, 0)};
    unsigned imm_runs = 0, timer_runs = 0;
    assert_non_null(im);

    tevent_schedule_immediate(im, ev, count_immediate, &imm_runs);
    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_current_ofs(100, 0),
                                     count_timer, &timer_runs));
    struct tevent_fd *fde =
        tevent_add_fd(ev, *state, parent_reader.p->rd, TEVENT_FD_READ, read_one,
                      &parent_reader);
    assert_non_null(fde);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        _exit(child_after_re_initialise(*state, ev, fde, &imm_runs));
    }
    assert_int_equal(child_result(pid), 0);

    /* The parent's context is untouched. */
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_int_equal(imm_runs, 1);
    assert_int_equal(tevent_fd_get_flags(fde), TEVENT_FD_READ);
    assert_true(poke(parent_reader.p));
    tevent_context_set_wait_timeout(ev, 5);
    assert_true(run_until(ev, &parent_reader.runs, 1));
    assert_int_equal(timer_runs, 0);
}

static int child_without_re_initialise(TALLOC_CTX *mem_ctx,
                                       struct tevent_context *ev,
                                       struct tevent_fd *fde,
                                       struct reader *inherited)
{
    unsigned timer_runs = 0;
    struct reader r = {.p = test_pipe(mem_ctx, 0)};

    /* The inherited fde fires in the child. */
    if (!poke(inherited->p)) {
        return 20;
    }
    if (!run_until(ev, &inherited->runs, 1)) {
        return 21;
    }
    /* New events work. */
    if (tevent_add_fd(ev, ev, r.p->rd, TEVENT_FD_READ, read_one, &r) == NULL ||
        !poke(r.p)) {
        return 22;
    }
    if (!run_until(ev, &r.runs, 1)) {
        return 23;
    }
    if (tevent_add_timer(ev, ev, tevent_timeval_current_ofs(0, 1000),
                         count_timer, &timer_runs) == NULL) {
        return 24;
    }
    if (!run_until(ev, &timer_runs, 1)) {
        return 25;
    }
    /* Changing and dropping the inherited registration must stay private
     * to the child. */
    tevent_fd_set_flags(fde, 0);
    tevent_fd_set_flags(fde, TEVENT_FD_READ);
    if (talloc_free(fde) != 0) {
        return 26;
    }
    return 0;
}

static void test_works_without_re_initialise(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct reader r = {.p = test_pipe(*state, 0)};
    struct tevent_fd *fde =
        tevent_add_fd(ev, *state, r.p->rd, TEVENT_FD_READ, read_one, &r);
    assert_non_null(fde);
    tevent_context_set_wait_timeout(ev, 5);

    /* Make sure the backend registered the fde before the fork. */
    assert_true(poke(r.p));
    assert_true(run_until(ev, &r.runs, 1));
    r.runs = 0;

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        _exit(child_without_re_initialise(*state, ev, fde, &r));
    }
    assert_int_equal(child_result(pid), 0);

    /* The parent's registration survived what the child did. */
    assert_true(poke(r.p));
    assert_true(run_until(ev, &r.runs, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_re_initialise_in_child, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_works_without_re_initialise, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
