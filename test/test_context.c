/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Contexts and backends: the backend registry, a custom backend built on
 * the exported tevent_common_* functions, talloc names and parents of the
 * objects, freeing a context with pending events or from inside one of
 * its handlers, tevent_cached_getpid and the timeval helpers.
 */
#include "test_util.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * The backend-writer interface, declared here as an out-of-tree backend
 * does (upstream keeps these prototypes in an uninstalled header).
 */
struct tevent_fd *
tevent_common_add_fd(struct tevent_context *ev, TALLOC_CTX *mem_ctx, int fd,
                     uint16_t flags, tevent_fd_handler_t handler,
                     void *private_data, const char *handler_name,
                     const char *location);
void tevent_common_fd_set_close_fn(struct tevent_fd *fde,
                                   tevent_fd_close_fn_t close_fn);
uint16_t tevent_common_fd_get_flags(struct tevent_fd *fde);
void tevent_common_fd_set_flags(struct tevent_fd *fde, uint16_t flags);
struct tevent_timer *
tevent_common_add_timer_v2(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
                           struct timeval next_event,
                           tevent_timer_handler_t handler, void *private_data,
                           const char *handler_name, const char *location);
struct timeval tevent_common_loop_timer_delay(struct tevent_context *ev);
void tevent_common_schedule_immediate(struct tevent_immediate *im,
                                      struct tevent_context *ev,
                                      tevent_immediate_handler_t handler,
                                      void *private_data,
                                      const char *handler_name,
                                      const char *location);
bool tevent_common_loop_immediate(struct tevent_context *ev);
int tevent_common_loop_wait(struct tevent_context *ev, const char *location);
int tevent_common_context_destructor(struct tevent_context *ev);

#define ID(c) ((void *)(intptr_t)(c))

static char g_runs[64];
static size_t g_nruns;
static struct tevent_context *g_handler_ev;

static void note(int c)
{
    assert_true(g_nruns + 1 < sizeof(g_runs));
    g_runs[g_nruns++] = (char)c;
    g_runs[g_nruns] = '\0';
}

static void timer_handler(struct tevent_context *ev, struct tevent_timer *te,
                          struct timeval current_time, void *private_data)
{
    (void)te;
    (void)current_time;
    g_handler_ev = ev;
    note((int)(intptr_t)private_data);
}

static void imm_handler(struct tevent_context *ev, struct tevent_immediate *im,
                        void *private_data)
{
    (void)im;
    g_handler_ev = ev;
    note((int)(intptr_t)private_data);
}

static void fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
                       uint16_t flags, void *private_data)
{
    (void)fde;
    (void)flags;
    g_handler_ev = ev;
    note((int)(intptr_t)private_data);
}

static int setup(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    assert_non_null(mem);
    g_nruns = 0;
    g_runs[0] = '\0';
    g_handler_ev = NULL;
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

/* ---------------------------------------------------------------------
 * A custom backend made of the common functions.
 */

static unsigned g_custom_inits;
static bool g_custom_init_fails;
static const char *g_custom_location;

static int custom_context_init(struct tevent_context *ev)
{
    (void)ev;
    g_custom_inits += 1;
    return g_custom_init_fails ? -1 : 0;
}

/* One iteration: one immediate, else one due timer, else sleep until the
 * next timer is due. */
static int custom_loop_once(struct tevent_context *ev, const char *location)
{
    g_custom_location = location;
    if (tevent_common_loop_immediate(ev)) {
        return 0;
    }
    struct timeval delay = tevent_common_loop_timer_delay(ev);
    if (tevent_timeval_is_zero(&delay)) {
        return 0;
    }
    if (delay.tv_sec == 0 && delay.tv_usec == INT32_MAX) {
        /* The wait timeout is 0: do not block. */
        errno = EAGAIN;
        return -1;
    }
    struct timespec ts = {delay.tv_sec, delay.tv_usec * 1000};
    nanosleep(&ts, NULL);
    return 0;
}

static const struct tevent_ops custom_ops = {
    .context_init = custom_context_init,
    .add_fd = tevent_common_add_fd,
    .set_fd_close_fn = tevent_common_fd_set_close_fn,
    .get_fd_flags = tevent_common_fd_get_flags,
    .set_fd_flags = tevent_common_fd_set_flags,
    .add_timer = tevent_common_add_timer_v2,
    .schedule_immediate = tevent_common_schedule_immediate,
    .add_signal = NULL,
    .loop_once = custom_loop_once,
    .loop_wait = tevent_common_loop_wait,
};

static void test_custom_backend(void **state)
{
    struct tevent_context *ev;
    struct tevent_immediate *im = tevent_create_immediate(*state);
    unsigned inits = g_custom_inits;
    assert_non_null(im);

    ev = tevent_context_init_ops(*state, &custom_ops, NULL);
    assert_non_null(ev);
    assert_int_equal(g_custom_inits, inits + 1);
    assert_false(tevent_signal_support(ev));

    assert_non_null(tevent_add_timer(
        ev, ev, tevent_timeval_current_ofs(0, 5000), timer_handler, ID('T')));
    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_zero(),
                                     timer_handler, ID('Z')));
    tevent_schedule_immediate(im, ev, imm_handler, ID('I'));

    const char *location;
    assert_int_equal((location = __location__, tevent_loop_once(ev)), 0);
    assert_string_equal(g_custom_location, location);
    assert_ptr_equal(g_handler_ev, ev);
    assert_int_equal(tevent_loop_wait(ev), 0);
    assert_string_equal(g_runs, "IZT");
    assert_ptr_equal(g_handler_ev, ev);

    /* The common fd bookkeeping works, too (no OS registration). */
    struct tevent_fd *fde =
        tevent_add_fd(ev, ev, 0, TEVENT_FD_READ, fd_handler, NULL);
    assert_non_null(fde);
    assert_int_equal(tevent_fd_get_flags(fde), TEVENT_FD_READ);
    tevent_fd_set_flags(fde, TEVENT_FD_WRITE);
    assert_int_equal(tevent_fd_get_flags(fde), TEVENT_FD_WRITE);
    assert_null(tevent_add_fd(ev, ev, -1, TEVENT_FD_READ, fd_handler, NULL));

    /* The wait timeout reaches the backend as {0, INT32_MAX}. */
    tevent_context_set_wait_timeout(ev, 0);
    errno = 0;
    assert_int_equal(tevent_loop_once(ev), -1);
    assert_int_equal(errno, EAGAIN);
}

static void test_custom_backend_init_fails(void **state)
{
    size_t blocks = talloc_total_blocks(*state);

    g_custom_init_fails = true;
    assert_null(tevent_context_init_ops(*state, &custom_ops, NULL));
    g_custom_init_fails = false;
    /* Nothing left behind. */
    assert_int_equal(talloc_total_blocks(*state), blocks);
}

/* ---------------------------------------------------------------------
 * The registry
 */

static void test_backend_list(void **state)
{
    const char **list = tevent_backend_list(*state);
    const char *expected[] = {"standard", "epoll", "poll_mt", "poll"};
    assert_non_null(list);
    assert_ptr_equal(talloc_parent(list), *state);
    for (size_t i = 0; i < 4; i++) {
        assert_non_null(list[i]);
        assert_string_equal(list[i], expected[i]);
        /* Copies owned by the list. */
        assert_ptr_equal(talloc_parent(list[i]), list);
    }
    assert_null(list[4]);
}

static void test_init_byname(void **state)
{
    const char *names[] = {"standard", "epoll", "poll_mt", "poll"};
    for (size_t i = 0; i < 4; i++) {
        struct tevent_context *ev =
            tevent_context_init_byname(*state, names[i]);
        assert_non_null(ev);
        assert_int_equal(talloc_free(ev), 0);
        assert_non_null(tevent_find_ops_byname(names[i]));
    }
    errno = 12345;
    assert_null(tevent_context_init_byname(*state, "no-such-backend"));
    assert_int_equal(errno, 12345);
    assert_null(tevent_find_ops_byname("no-such-backend"));
    /* NULL means the default: "standard". */
    assert_ptr_equal(tevent_find_ops_byname(NULL),
                     tevent_find_ops_byname("standard"));
}

static void test_register_backend(void **state)
{
    const struct tevent_ops *poll_ops = tevent_find_ops_byname("poll");
    char name[] = "custom";
    assert_non_null(poll_ops);

    /* A taken name keeps its old entry, and that counts as success. */
    assert_true(tevent_register_backend("poll", &custom_ops));
    assert_ptr_equal(tevent_find_ops_byname("poll"), poll_ops);

    assert_true(tevent_register_backend("custom", &custom_ops));
    assert_ptr_equal(tevent_find_ops_byname("custom"), &custom_ops);
    assert_true(tevent_register_backend("custom", poll_ops));
    assert_ptr_equal(tevent_find_ops_byname("custom"), &custom_ops);

    /* Newest first, once. */
    const char **list = tevent_backend_list(*state);
    const char *expected[] = {"custom", "standard", "epoll", "poll_mt", "poll"};
    for (size_t i = 0; i < 5; i++) {
        assert_non_null(list[i]);
        assert_string_equal(list[i], expected[i]);
    }
    assert_null(list[5]);

    unsigned inits = g_custom_inits;
    struct tevent_context *ev = tevent_context_init_byname(*state, "custom");
    assert_non_null(ev);
    assert_int_equal(g_custom_inits, inits + 1);

    /* The default backend name is copied. */
    tevent_set_default_backend(name);
    memset(name, 'x', sizeof(name) - 1);
    assert_ptr_equal(tevent_find_ops_byname(NULL), &custom_ops);
    ev = tevent_context_init(*state);
    assert_non_null(ev);
    assert_int_equal(g_custom_inits, inits + 2);
    tevent_set_default_backend(NULL);
    assert_ptr_equal(tevent_find_ops_byname(NULL),
                     tevent_find_ops_byname("standard"));
    ev = tevent_context_init(*state);
    assert_non_null(ev);
    assert_int_equal(g_custom_inits, inits + 2);
}

/* Built-in backends free the additional data handed to init_ops. */
static void test_init_ops_frees_additional_data(void **state)
{
    const struct tevent_ops *ops = tevent_find_ops_byname(test_backend());
    void *data = talloc_new(*state);
    bool freed;
    assert_non_null(ops);
    assert_non_null(data);
    watch_free(data, &freed);

    struct tevent_context *ev = tevent_context_init_ops(*state, ops, data);
    assert_non_null(ev);
    assert_true(freed);
    /* And the context works. */
    assert_non_null(tevent_add_timer(ev, ev, tevent_timeval_zero(),
                                     timer_handler, ID('T')));
    assert_int_equal(tevent_loop_once(ev), 0);
    assert_string_equal(g_runs, "T");
}

/* ---------------------------------------------------------------------
 * talloc names and parents
 */

static void test_talloc_names_and_parents(void **state)
{
    TALLOC_CTX *other = talloc_new(*state);
    struct tevent_context *ev = test_context(*state);
    int fds[2];
    assert_int_equal(pipe(fds), 0);

    assert_string_equal(talloc_get_name(ev), "struct tevent_context");
    assert_ptr_equal(talloc_parent(ev), *state);

    struct tevent_timer *te1 = tevent_add_timer(
        ev, other, tevent_timeval_zero(), timer_handler, ID('T'));
    struct tevent_timer *te2 = tevent_add_timer(ev, NULL, tevent_timeval_zero(),
                                                timer_handler, ID('U'));
    assert_non_null(talloc_get_type(te1, struct tevent_timer));
    assert_non_null(talloc_get_type(te2, struct tevent_timer));
    assert_ptr_equal(talloc_parent(te1), other);
    assert_ptr_equal(talloc_parent(te2), ev);

    struct tevent_immediate *im = tevent_create_immediate(other);
    assert_non_null(talloc_get_type(im, struct tevent_immediate));
    assert_ptr_equal(talloc_parent(im), other);
    tevent_schedule_immediate(im, ev, imm_handler, ID('I'));
    assert_ptr_equal(talloc_parent(im), other);

    struct tevent_fd *fde1 =
        tevent_add_fd(ev, other, fds[0], TEVENT_FD_READ, fd_handler, NULL);
    struct tevent_fd *fde2 =
        tevent_add_fd(ev, NULL, fds[1], TEVENT_FD_WRITE, fd_handler, NULL);
    assert_non_null(talloc_get_type(fde1, struct tevent_fd));
    assert_non_null(talloc_get_type(fde2, struct tevent_fd));
    assert_ptr_equal(talloc_parent(fde1), other);
    assert_ptr_equal(talloc_parent(fde2), ev);

    assert_int_equal(talloc_free(ev), 0);
    close(fds[0]);
    close(fds[1]);
}

/* ---------------------------------------------------------------------
 * Context lifetime
 */

struct closed {
    unsigned calls;
    struct tevent_context *ev;
    int fd;
    void *private_data;
};

static void record_close(struct tevent_context *ev, struct tevent_fd *fde,
                         int fd, void *private_data)
{
    struct closed *c =
        talloc_get_type_abort(talloc_parent(talloc_parent(fde)), struct closed);
    c->calls += 1;
    c->ev = ev;
    c->fd = fd;
    c->private_data = private_data;
}

static void test_free_context_with_pending_events(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct closed *c = talloc_zero(*state, struct closed);
    TALLOC_CTX *other = talloc_new(c);
    int fds[2];
    bool te_on_ev_freed, im_on_ev_freed, fde_on_ev_freed;
    assert_non_null(c);
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);

    /* Events living elsewhere... */
    struct tevent_timer *te = tevent_add_timer(ev, other, tevent_timeval_zero(),
                                               timer_handler, ID('T'));
    struct tevent_immediate *im = tevent_create_immediate(other);
    struct tevent_fd *fde =
        tevent_add_fd(ev, other, fds[0], TEVENT_FD_READ, fd_handler, ID('F'));
    assert_non_null(te);
    assert_non_null(im);
    assert_non_null(fde);
    tevent_schedule_immediate(im, ev, imm_handler, ID('I'));
    tevent_fd_set_close_fn(fde, record_close);
    /* ...and on the context itself. */
    watch_free(
        tevent_add_timer(ev, ev, tevent_timeval_zero(), timer_handler, ID('t')),
        &te_on_ev_freed);
    struct tevent_immediate *im2 = tevent_create_immediate(ev);
    tevent_schedule_immediate(im2, ev, imm_handler, ID('i'));
    watch_free(im2, &im_on_ev_freed);
    watch_free(
        tevent_add_fd(ev, ev, fds[1], TEVENT_FD_WRITE, fd_handler, ID('f')),
        &fde_on_ev_freed);

    assert_int_equal(talloc_free(ev), 0);
    assert_true(te_on_ev_freed);
    assert_true(im_on_ev_freed);
    assert_true(fde_on_ev_freed);

    /* The survivors are inert. */
    assert_int_equal(tevent_fd_get_flags(fde), 0);
    tevent_fd_set_flags(fde, TEVENT_FD_READ);
    assert_int_equal(tevent_fd_get_flags(fde), 0);
    assert_int_equal(c->calls, 0);

    /* The close fn still runs when the fde is freed, without context. */
    assert_int_equal(talloc_free(fde), 0);
    assert_int_equal(c->calls, 1);
    assert_null(c->ev);
    assert_int_equal(c->fd, fds[0]);
    assert_ptr_equal(c->private_data, ID('F'));
    assert_int_equal(talloc_free(te), 0);

    /* The immediate can be scheduled on a live context. */
    struct tevent_context *ev2 = test_context(*state);
    tevent_schedule_immediate(im, ev2, imm_handler, ID('J'));
    assert_int_equal(tevent_loop_once(ev2), 0);
    assert_string_equal(g_runs, "J");
    assert_ptr_equal(g_handler_ev, ev2);
    close(fds[0]);
    close(fds[1]);
}

static struct tevent_context *g_doomed;

static void free_context_timer(struct tevent_context *ev,
                               struct tevent_timer *te,
                               struct timeval current_time, void *private_data)
{
    (void)te;
    (void)current_time;
    assert_ptr_equal(ev, g_doomed);
    note((int)(intptr_t)private_data);
    assert_int_equal(talloc_free(ev), 0);
    g_doomed = NULL;
}

static void free_context_immediate(struct tevent_context *ev,
                                   struct tevent_immediate *im,
                                   void *private_data)
{
    (void)im;
    assert_ptr_equal(ev, g_doomed);
    note((int)(intptr_t)private_data);
    assert_int_equal(talloc_free(ev), 0);
    g_doomed = NULL;
}

static void free_context_fd(struct tevent_context *ev, struct tevent_fd *fde,
                            uint16_t flags, void *private_data)
{
    (void)fde;
    (void)flags;
    assert_ptr_equal(ev, g_doomed);
    note((int)(intptr_t)private_data);
    assert_int_equal(talloc_free(ev), 0);
    g_doomed = NULL;
}

/* The context to free, allocated on mem_ctx; the events whose handlers
 * free it go on the context itself or, with `elsewhere`, on other. */
static TALLOC_CTX *doomed_context(TALLOC_CTX *mem_ctx, TALLOC_CTX *other,
                                  bool elsewhere, bool *freed)
{
    g_doomed = test_context(mem_ctx);
    watch_free(g_doomed, freed);
    return elsewhere ? other : (TALLOC_CTX *)g_doomed;
}

/* Each handler kind frees the context it runs on, while further events
 * are pending; the loop returns and touches nothing of it afterwards. */
static void test_free_context_in_handler(void **state)
{
    TALLOC_CTX *other = talloc_new(*state);
    int fds[2], idle[2];
    bool freed;
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(pipe(idle), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);

    for (int elsewhere = 0; elsewhere < 2; elsewhere++) {
        TALLOC_CTX *parent = doomed_context(*state, other, elsewhere, &freed);
        assert_non_null(tevent_add_timer(g_doomed, parent,
                                         tevent_timeval_zero(),
                                         free_context_timer, ID('T')));
        assert_non_null(tevent_add_timer(g_doomed, other, tevent_timeval_zero(),
                                         timer_handler, ID('X')));
        assert_int_equal(tevent_loop_once(g_doomed), 0);
        assert_null(g_doomed);
        assert_true(freed);

        parent = doomed_context(*state, other, elsewhere, &freed);
        struct tevent_immediate *im = tevent_create_immediate(parent);
        assert_non_null(im);
        tevent_schedule_immediate(im, g_doomed, free_context_immediate,
                                  ID('I'));
        struct tevent_immediate *im2 = tevent_create_immediate(other);
        assert_non_null(im2);
        tevent_schedule_immediate(im2, g_doomed, imm_handler, ID('X'));
        assert_int_equal(tevent_loop_once(g_doomed), 0);
        assert_null(g_doomed);
        assert_true(freed);

        parent = doomed_context(*state, other, elsewhere, &freed);
        assert_non_null(tevent_add_fd(g_doomed, parent, fds[0], TEVENT_FD_READ,
                                      free_context_fd, ID('F')));
        assert_non_null(tevent_add_fd(g_doomed, other, idle[0], TEVENT_FD_READ,
                                      fd_handler, ID('X')));
        assert_int_equal(tevent_loop_once(g_doomed), 0);
        assert_null(g_doomed);
        assert_true(freed);

        /* tevent_loop_wait stops once its context is gone. */
        parent = doomed_context(*state, other, elsewhere, &freed);
        assert_non_null(tevent_add_timer(g_doomed, parent,
                                         tevent_timeval_zero(),
                                         free_context_timer, ID('W')));
        assert_non_null(tevent_add_timer(g_doomed, other, tevent_timeval_zero(),
                                         timer_handler, ID('X')));
        assert_int_equal(tevent_loop_wait(g_doomed), 0);
        assert_null(g_doomed);
        assert_true(freed);
    }

    /* The other events never ran and are inert leftovers. */
    assert_string_equal(g_runs, "TIFWTIFW");
    assert_int_equal(talloc_free(other), 0);
    close(fds[0]);
    close(fds[1]);
    close(idle[0]);
    close(idle[1]);
}

/* ---------------------------------------------------------------------
 * tevent_cached_getpid
 */

static void test_cached_getpid(void **state)
{
    int status;

    assert_int_equal(tevent_cached_getpid(), getpid());
    pid_t parent = getpid();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        pid_t cached = tevent_cached_getpid();
        /* valgrind checks the child for leaks too when it exits. */
        talloc_free(*state);
        _exit(cached == getpid() && cached != parent ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(tevent_cached_getpid(), parent);
}

/* ---------------------------------------------------------------------
 * The common teardown refused on a wrapper
 */

static const struct tevent_wrapper_ops refusal_ops = {
    .name = "refusal",
    .before_use = test_wrapper_before_use,
    .after_use = test_wrapper_after_use,
};

struct refusal_state {
    int unused;
};

static void set_ran(struct tevent_context *ev, struct tevent_immediate *im,
                    void *private_data)
{
    (void)ev;
    (void)im;
    *(bool *)private_data = true;
}

/* A wrapper never joined the process-wide context list: the refused
 * teardown (the abort hook returns) must not take the other contexts off
 * it, or a fork child would keep the parent's threaded contexts. */
static void test_common_destructor_on_wrapper(void **state)
{
    struct tevent_context *ev = test_context(*state);
    struct tevent_threaded_context *tctx =
        tevent_threaded_context_create(*state, ev);
    struct refusal_state *rs;
    /* The wrapper API is deprecated upstream, and still supported. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    struct tevent_context *wrap = tevent_context_wrapper_create(
        ev, *state, &refusal_ops, &rs, struct refusal_state);
    int status = 0;
    assert_non_null(tctx);
    assert_non_null(wrap);

    tevent_common_context_destructor(wrap);
    assert_string_equal(g_abort_reason,
                        "tevent_common_context_destructor() active on wrapper");
    g_abort_reason = NULL;

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        bool ran = false;
        struct tevent_immediate *im = tevent_create_immediate(*state);
        /* The producer threads are gone: nothing is handed over. */
        tevent_threaded_schedule_immediate(tctx, im, set_ran, &ran);
        tevent_context_set_wait_timeout(ev, 0);
        for (int i = 0; i < 3; i++) {
            tevent_loop_once(ev);
        }
        talloc_free(*state);
        _exit(ran ? 1 : 0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---------------------------------------------------------------------
 * timeval helpers
 */

static void assert_tv(struct timeval tv, long sec, long usec)
{
    assert_int_equal(tv.tv_sec, sec);
    assert_int_equal(tv.tv_usec, usec);
}

static void test_timeval_helpers(void **state)
{
    struct timeval a, b;
    (void)state;

    assert_tv(tevent_timeval_zero(), 0, 0);
    /* No normalisation in _set. */
    assert_tv(tevent_timeval_set(5, 2000000), 5, 2000000);

    a = tevent_timeval_set(0, 0);
    assert_true(tevent_timeval_is_zero(&a));
    a = tevent_timeval_set(0, 1);
    assert_false(tevent_timeval_is_zero(&a));
    a = tevent_timeval_set(1, 0);
    assert_false(tevent_timeval_is_zero(&a));

    a = tevent_timeval_set(1, 0);
    b = tevent_timeval_set(1, 1);
    assert_int_equal(tevent_timeval_compare(&a, &b), -1);
    assert_int_equal(tevent_timeval_compare(&b, &a), 1);
    assert_int_equal(tevent_timeval_compare(&a, &a), 0);
    a = tevent_timeval_set(2, 0);
    b = tevent_timeval_set(1, 999999);
    assert_int_equal(tevent_timeval_compare(&a, &b), 1);
    assert_int_equal(tevent_timeval_compare(&b, &a), -1);

    /* Carry of microseconds into seconds. */
    a = tevent_timeval_set(1, 999999);
    assert_tv(tevent_timeval_add(&a, 0, 1), 2, 0);
    a = tevent_timeval_set(1, 500000);
    assert_tv(tevent_timeval_add(&a, 2, 2600000), 6, 100000);
    a = tevent_timeval_set(0, 0);
    assert_tv(tevent_timeval_add(&a, 0, 4000000000u), 4000, 0);
    a = tevent_timeval_set(10, 0);
    assert_tv(tevent_timeval_add(&a, 0, 0), 10, 0);

    /* tv2 - tv1 with borrow; never negative. */
    a = tevent_timeval_set(5, 900000);
    b = tevent_timeval_set(7, 100000);
    assert_tv(tevent_timeval_until(&a, &b), 1, 200000);
    assert_tv(tevent_timeval_until(&b, &a), 0, 0);
    assert_tv(tevent_timeval_until(&a, &a), 0, 0);
    a = tevent_timeval_set(5, 100000);
    b = tevent_timeval_set(7, 900000);
    assert_tv(tevent_timeval_until(&a, &b), 2, 800000);
    a = tevent_timeval_set(5, 999999);
    b = tevent_timeval_set(6, 0);
    assert_tv(tevent_timeval_until(&a, &b), 0, 1);

    /* current / current_ofs follow the clock. */
    struct timeval before, now, after, ofs;
    gettimeofday(&before, NULL);
    now = tevent_timeval_current();
    ofs = tevent_timeval_current_ofs(1, 500000);
    gettimeofday(&after, NULL);
    assert_true(tevent_timeval_compare(&before, &now) <= 0);
    assert_true(tevent_timeval_compare(&now, &after) <= 0);
    assert_true(ofs.tv_usec < 1000000);
    struct timeval lo = tevent_timeval_add(&before, 1, 500000);
    struct timeval hi = tevent_timeval_add(&after, 1, 500000);
    assert_true(tevent_timeval_compare(&lo, &ofs) <= 0);
    assert_true(tevent_timeval_compare(&ofs, &hi) <= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_backend_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_byname, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_backend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_backend_init_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_register_backend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_ops_frees_additional_data,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_talloc_names_and_parents, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_free_context_with_pending_events,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_context_in_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cached_getpid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_common_destructor_on_wrapper,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeval_helpers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
