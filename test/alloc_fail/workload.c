/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Allocation-failure test.  Runs under inject.c (LD_PRELOAD).  For each
 * workload below, a first child counts the allocations the workload makes
 * (K); then for every N in 1..K one child fails the Nth allocation only and
 * one fails every allocation from the Nth on.  Each child must finish its
 * workload (the workload checks every return and copes with NULL / -1),
 * free everything and exit 0, or end in tevent's abort path with one of
 * upstream's texts.  A crash, a hang (alarm), an unexpected abort, a talloc
 * chunk left on the NULL context, or a sanitizer / valgrind report (they
 * change the exit status) fails the test.
 *
 * Usage: alloc_fail BACKEND [WORKLOAD...]
 * ALLOC_FAIL_ONLY=N runs only N (to look into a failure, together with
 * the injector's ALLOC_FAIL_BACKTRACE).
 * ALLOC_FAIL_STRIDE=S runs only every Sth N (and always the last one);
 * under valgrind the default is VALGRIND_STRIDE instead of 1, which keeps
 * the four backends at about a minute each there.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#ifdef HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

/* The wrapper API is deprecated upstream, and still supported. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* From inject.c, resolved when it is preloaded. */
void alloc_fail_arm(long n, bool from) __attribute__((weak));
long alloc_fail_disarm(void) __attribute__((weak));
void alloc_fail_thread_enter(void) __attribute__((weak));

static const char *backend;

#define ABORT_EXIT 3
#define MAX_SPINS 10
#define VALGRIND_STRIDE 3

/* Upstream's abort texts that may follow a failed allocation. */
static const char *const accepted_aborts[] = {
    "tevent_common_invoke_timer_handler() failed",
    "tevent_common_invoke_immediate_handler() failed",
    "tevent_common_invoke_signal_handler() failed",
};

static void abort_hook(const char *reason)
{
    for (size_t i = 0; i < sizeof(accepted_aborts) / sizeof(accepted_aborts[0]);
         i++) {
        if (strcmp(reason, accepted_aborts[i]) == 0) {
            _exit(ABORT_EXIT);
        }
    }
    fprintf(stderr, "unexpected tevent abort: %s\n", reason);
    abort();
}

/* ------------------------------------------------------------------ */
/* Handlers shared by the workloads: each counts into an int.          */

static void count_fd(struct tevent_context *ev, struct tevent_fd *fde,
                     uint16_t flags, void *p)
{
    (void)ev;
    (void)fde;
    (void)flags;
    (*(int *)p)++;
}

static void count_timer(struct tevent_context *ev, struct tevent_timer *te,
                        struct timeval now, void *p)
{
    (void)ev;
    (void)te;
    (void)now;
    (*(int *)p)++;
}

static void count_immediate(struct tevent_context *ev,
                            struct tevent_immediate *im, void *p)
{
    (void)ev;
    (void)im;
    (*(int *)p)++;
}

static void count_signal(struct tevent_context *ev, struct tevent_signal *se,
                         int signum, int count, void *siginfo, void *p)
{
    (void)ev;
    (void)se;
    (void)signum;
    (void)siginfo;
    *(int *)p += count;
}

/* Runs the loop until *fired reaches `want`, a bounded number of times;
 * only called when every awaited event exists, so no call blocks for
 * long. */
static void spin(struct tevent_context *ev, const int *fired, int want)
{
    for (int i = 0; i < MAX_SPINS && *fired < want; i++) {
        if (tevent_loop_once(ev) != 0) {
            return;
        }
    }
}

static struct timeval past(void)
{
    struct timeval tv = tevent_timeval_current();
    tv.tv_sec -= 10;
    return tv;
}

/* ------------------------------------------------------------------ */
/* Workloads.                                                          */

static void wl_init(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    talloc_free(ev);
    ev = tevent_context_init(mem);
    talloc_free(ev);
    const char **list = tevent_backend_list(mem);
    talloc_free(list);
}

static void wl_fd(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    int sv[2];
    int fired = 0;

    if (ev == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        return;
    }
    if (write(sv[1], "x", 1) != 1) {
        abort();
    }
    struct tevent_fd *fde = tevent_add_fd(
        ev, mem, sv[0], TEVENT_FD_READ | TEVENT_FD_WRITE, count_fd, &fired);
    if (fde != NULL) {
        tevent_fd_set_auto_close(fde);
        spin(ev, &fired, 1);
        tevent_fd_set_flags(fde, TEVENT_FD_WRITE);
        spin(ev, &fired, 2);
        talloc_free(fde); /* closes sv[0] */
    } else {
        close(sv[0]);
    }
    close(sv[1]);

    /* Two fd events on one fd (a live socket: writable, not readable). */
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        talloc_free(ev);
        return;
    }
    struct tevent_fd *a =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_WRITE, count_fd, &fired);
    struct tevent_fd *b =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, count_fd, &fired);
    if (a != NULL) {
        spin(ev, &fired, fired + 1);
    }
    talloc_free(b);
    talloc_free(a);
    close(sv[0]);
    close(sv[1]);
    talloc_free(ev);
}

static void wl_timer(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    int fired = 0, want = 0;

    if (ev == NULL) {
        return;
    }
    struct tevent_timer *far = tevent_add_timer(
        ev, mem, tevent_timeval_current_ofs(100, 0), count_timer, &fired);
    struct tevent_timer *te =
        tevent_add_timer(ev, mem, tevent_timeval_zero(), count_timer, &fired);
    want += te != NULL;
    te = tevent_add_timer(ev, mem, tevent_timeval_current_ofs(50, 0),
                          count_timer, &fired);
    if (te != NULL) {
        tevent_update_timer(te, past());
        want++;
    }
    spin(ev, &fired, want);
    talloc_free(far);
    talloc_free(ev);
}

static void resched_immediate(struct tevent_context *ev,
                              struct tevent_immediate *im, void *p)
{
    if (++*(int *)p == 1) {
        tevent_schedule_immediate(im, ev, resched_immediate, p);
    }
}

static void wl_immediate(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    int fired = 0;

    if (ev == NULL) {
        return;
    }
    struct tevent_immediate *im = tevent_create_immediate(mem);
    if (im != NULL) {
        tevent_schedule_immediate(im, ev, resched_immediate, &fired);
        spin(ev, &fired, 2);
    }
    struct tevent_immediate *unused = tevent_create_immediate(ev);
    if (unused != NULL) {
        tevent_schedule_immediate(unused, ev, count_immediate, &fired);
    }
    talloc_free(ev); /* with one immediate still scheduled */
    talloc_free(im);
}

static void signal_workload(TALLOC_CTX *mem, int signum, int sa_flags)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    int fired = 0;

    if (ev == NULL) {
        return;
    }
    struct tevent_signal *se =
        tevent_add_signal(ev, mem, signum, sa_flags, count_signal, &fired);
    if (se != NULL) {
        raise(signum);
        raise(signum);
        spin(ev, &fired, 2);
    }
    talloc_free(se);
    talloc_free(ev);
}

static void wl_signal(TALLOC_CTX *mem)
{
    signal_workload(mem, SIGUSR1, 0);
}

static void wl_signal_siginfo(TALLOC_CTX *mem)
{
    signal_workload(mem, SIGUSR2, SA_SIGINFO);
}

struct wl_state {
    int value;
};

static void req_done(struct tevent_req *req)
{
    int *fired = tevent_req_callback_data_void(req);
    (*fired)++;
}

static void wl_req(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    struct wl_state *state;
    int fired = 0;

    if (ev == NULL) {
        return;
    }
    /* done, then post */
    struct tevent_req *req = tevent_req_create(mem, &state, struct wl_state);
    if (req != NULL) {
        tevent_req_set_callback(req, req_done, &fired);
        tevent_req_done(req);
        if (tevent_req_post(req, ev) != NULL) {
            spin(ev, &fired, 1);
        }
        tevent_req_received(req);
        talloc_free(req);
    }
    /* an expired endtime */
    fired = 0;
    req = tevent_req_create(mem, &state, struct wl_state);
    if (req != NULL) {
        tevent_req_set_callback(req, req_done, &fired);
        if (tevent_req_set_endtime(req, ev, past())) {
            spin(ev, &fired, 1);
        }
        talloc_free(req);
    }
    /* a deferred callback, and a failed allocation reported as such */
    fired = 0;
    req = tevent_req_create(mem, &state, struct wl_state);
    if (req != NULL) {
        tevent_req_set_callback(req, req_done, &fired);
        tevent_req_defer_callback(req, ev);
        if (tevent_req_nomem(talloc_size(req, 16), req)) {
            spin(ev, &fired, 1);
        } else {
            tevent_req_done(req);
            spin(ev, &fired, 1);
        }
        talloc_free(req);
    }
    talloc_free(ev);
}

/* A done request leaves the queue when it is freed. */
static void free_req(struct tevent_req *req)
{
    talloc_free(req);
}

static void queue_trigger(struct tevent_req *req, void *p)
{
    (*(int *)p)++;
    tevent_req_set_callback(req, free_req, NULL);
    tevent_req_done(req);
}

/* The wait request blocks the queue until it is freed. */
static void wait_done(struct tevent_req *req)
{
    int *fired = tevent_req_callback_data_void(req);
    if (tevent_queue_wait_recv(req)) {
        (*fired)++;
    }
    talloc_free(req);
}

static void wl_queue(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    struct tevent_queue *q;
    struct wl_state *state;
    int fired = 0, want = 0;

    if (ev == NULL || (q = tevent_queue_create(mem, "wl")) == NULL) {
        talloc_free(ev);
        return;
    }
    for (int i = 0; i < 2; i++) {
        struct tevent_req *req = tevent_req_create(q, &state, struct wl_state);
        if (req != NULL &&
            tevent_queue_add(q, ev, req, queue_trigger, &fired)) {
            want++;
        }
    }
    struct tevent_req *wait = tevent_queue_wait_send(mem, ev, q);
    if (wait != NULL) {
        tevent_req_set_callback(wait, wait_done, &fired);
        want++;
    }
    struct tevent_req *direct = tevent_req_create(q, &state, struct wl_state);
    if (direct != NULL &&
        tevent_queue_add_optimize_empty(q, ev, direct, queue_trigger, &fired)) {
        want++;
    }
    spin(ev, &fired, want);
    talloc_free(q);
    talloc_free(ev);
}

struct thread_arg {
    struct tevent_threaded_context *tctx;
    struct tevent_immediate *im;
    struct tevent_thread_proxy *proxy;
    int *fired;
    bool taken;
};

static void *threaded_sender(void *p)
{
    struct thread_arg *a = p;
    alloc_fail_thread_enter();
    tevent_threaded_schedule_immediate(a->tctx, a->im, count_immediate,
                                       a->fired);
    return NULL;
}

static void wl_threaded(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    int fired = 0;
    struct thread_arg a = {.fired = &fired};
    pthread_t t;

    if (ev == NULL) {
        return;
    }
    a.tctx = tevent_threaded_context_create(mem, ev);
    a.im = tevent_create_immediate(mem);
    if (a.tctx != NULL && a.im != NULL &&
        pthread_create(&t, NULL, threaded_sender, &a) == 0) {
        pthread_join(t, NULL);
        spin(ev, &fired, 1);
    }
    talloc_free(a.tctx);
    talloc_free(a.im);
    talloc_free(ev);
}

static void proxied(struct tevent_context *ev, struct tevent_immediate *im,
                    void *p)
{
    (void)ev;
    (void)im;
    (**(int **)p)++;
}

static void *proxy_sender_proxied(void *p)
{
    struct thread_arg *a = p;
    alloc_fail_thread_enter();
    struct tevent_immediate *im = tevent_create_immediate(NULL);
    int **data = talloc(NULL, int *);

    if (im == NULL || data == NULL) {
        talloc_free(im);
        talloc_free(data);
        return NULL;
    }
    *data = a->fired;
    tevent_thread_proxy_schedule(a->proxy, &im, proxied, &data);
    a->taken = im == NULL;
    talloc_free(im);
    talloc_free(data);
    return NULL;
}

static void wl_proxy(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    int fired = 0;
    struct thread_arg a = {.fired = &fired};
    pthread_t t;

    if (ev == NULL) {
        return;
    }
    a.proxy = tevent_thread_proxy_create(ev);
    if (a.proxy != NULL &&
        pthread_create(&t, NULL, proxy_sender_proxied, &a) == 0) {
        pthread_join(t, NULL);
        if (a.taken) {
            spin(ev, &fired, 1);
        }
    }
    /* A second one left pending when the context goes. */
    if (a.proxy != NULL &&
        pthread_create(&t, NULL, proxy_sender_proxied, &a) == 0) {
        pthread_join(t, NULL);
    }
    talloc_free(ev);
}

static bool wrap_before_use(struct tevent_context *wrap_ev, void *state,
                            struct tevent_context *main_ev,
                            const char *location)
{
    (void)wrap_ev;
    (void)state;
    (void)main_ev;
    (void)location;
    return true;
}

static void wrap_after_use(struct tevent_context *wrap_ev, void *state,
                           struct tevent_context *main_ev, const char *location)
{
    (void)wrap_ev;
    (void)state;
    (void)main_ev;
    (void)location;
}

static void wrap_fd(struct tevent_context *wrap_ev, void *state,
                    struct tevent_context *main_ev, struct tevent_fd *fde,
                    uint16_t flags, const char *handler_name,
                    const char *location)
{
    (void)wrap_ev;
    (void)state;
    (void)main_ev;
    (void)fde;
    (void)flags;
    (void)handler_name;
    (void)location;
}

static void wrap_timer(struct tevent_context *wrap_ev, void *state,
                       struct tevent_context *main_ev, struct tevent_timer *te,
                       struct timeval requested_time,
                       struct timeval trigger_time, const char *handler_name,
                       const char *location)
{
    (void)wrap_ev;
    (void)state;
    (void)main_ev;
    (void)te;
    (void)requested_time;
    (void)trigger_time;
    (void)handler_name;
    (void)location;
}

static void wrap_immediate(struct tevent_context *wrap_ev, void *state,
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
}

static void wrap_signal(struct tevent_context *wrap_ev, void *state,
                        struct tevent_context *main_ev,
                        struct tevent_signal *se, int signum, int count,
                        void *siginfo, const char *handler_name,
                        const char *location)
{
    (void)wrap_ev;
    (void)state;
    (void)main_ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    (void)handler_name;
    (void)location;
}

/* Upstream calls every hook unconditionally. */
static const struct tevent_wrapper_ops wrap_ops = {
    .name = "alloc_fail",
    .before_use = wrap_before_use,
    .after_use = wrap_after_use,
    .before_fd_handler = wrap_fd,
    .after_fd_handler = wrap_fd,
    .before_timer_handler = wrap_timer,
    .after_timer_handler = wrap_timer,
    .before_immediate_handler = wrap_immediate,
    .after_immediate_handler = wrap_immediate,
    .before_signal_handler = wrap_signal,
    .after_signal_handler = wrap_signal,
};

static void wl_wrapper(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    struct wl_state *state;
    int sv[2];
    int fired = 0, want = 0;

    if (ev == NULL) {
        return;
    }
    struct tevent_context *wrap = tevent_context_wrapper_create(
        ev, mem, &wrap_ops, &state, struct wl_state);
    if (wrap == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        talloc_free(ev);
        return;
    }
    struct tevent_fd *fde =
        tevent_add_fd(wrap, mem, sv[0], TEVENT_FD_WRITE, count_fd, &fired);
    want += fde != NULL;
    want += tevent_add_timer(wrap, mem, past(), count_timer, &fired) != NULL;
    struct tevent_immediate *im = tevent_create_immediate(mem);
    if (im != NULL) {
        tevent_schedule_immediate(im, wrap, count_immediate, &fired);
        want++;
    }
    if (tevent_context_push_use(wrap)) {
        tevent_context_pop_use(wrap);
    }
    spin(ev, &fired, want);
    talloc_free(fde);
    talloc_free(wrap);
    close(sv[0]);
    close(sv[1]);
    talloc_free(ev);
}

static const struct {
    const char *name;
    void (*fn)(TALLOC_CTX *mem);
} workloads[] = {
    {"init", wl_init},         {"fd", wl_fd},
    {"timer", wl_timer},       {"immediate", wl_immediate},
    {"signal", wl_signal},     {"signal_siginfo", wl_signal_siginfo},
    {"req", wl_req},           {"queue", wl_queue},
    {"threaded", wl_threaded}, {"proxy", wl_proxy},
    {"wrapper", wl_wrapper},
};

/* ------------------------------------------------------------------ */
/* The driver.                                                         */

/* Top-level talloc chunks, except what tevent keeps for the life of the
 * process: the backend registrations and, once a signal event was added,
 * the signal state. */
static void count_top_level(const void *ptr, int depth, int max_depth,
                            int is_ref, void *p)
{
    (void)max_depth;
    (void)is_ref;
    const char *name = talloc_get_name(ptr);
    if (depth == 1 && strcmp(name, "struct tevent_sig_state") != 0 &&
        strcmp(name, "struct tevent_ops_list") != 0) {
        (*(int *)p)++;
    }
}

static int top_level_chunks(void)
{
    int n = 0;
    talloc_report_depth_cb(NULL, 0, 1, count_top_level, &n);
    return n;
}

/* In a child: runs the workload with allocation n failing (0: none). */
static long run_child_workload(size_t w, long n, bool from)
{
    talloc_enable_null_tracking();
    int before = top_level_chunks();
    alloc_fail_arm(n, from);
    TALLOC_CTX *mem = talloc_new(NULL);
    if (mem != NULL) {
        workloads[w].fn(mem);
        talloc_free(mem);
    }
    long count = alloc_fail_disarm();
    int after = top_level_chunks();
    if (after != before) {
        fprintf(stderr, "%s: %d talloc chunks left on the NULL context\n",
                workloads[w].name, after - before);
        talloc_report_full(NULL, stderr);
        exit(1);
    }
    /* valgrind would count the NULL context itself as a leak */
    talloc_disable_null_tracking();
    return count;
}

/* Returns how many allocations workload w makes, or -1. */
static long count_allocations(size_t w, unsigned alarm_s)
{
    int fds[2];
    long count = -1;
    if (pipe(fds) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        alarm(alarm_s);
        count = run_child_workload(w, 0, false);
        if (write(fds[1], &count, sizeof(count)) != sizeof(count)) {
            _exit(1);
        }
        exit(0);
    }
    close(fds[1]);
    if (pid < 0 || read(fds[0], &count, sizeof(count)) != sizeof(count)) {
        count = -1;
    }
    close(fds[0]);
    int status;
    if (pid > 0 && (waitpid(pid, &status, 0) != pid || status != 0)) {
        fprintf(stderr, "counting run: wait status %#x\n", status);
        count = -1;
    }
    return count;
}

/* Runs workload w with allocation n failing; false on a bad outcome. */
static bool run_failing(size_t w, long n, bool from, unsigned alarm_s)
{
    pid_t pid = fork();
    if (pid == 0) {
        alarm(alarm_s);
        run_child_workload(w, n, from);
        exit(0);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        fprintf(stderr, "fork/wait failed: %s\n", strerror(errno));
        return false;
    }
    if (WIFEXITED(status) &&
        (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == ABORT_EXIT)) {
        return true;
    }
    fprintf(stderr, "%s/%s: allocation %ld failing%s: ", backend,
            workloads[w].name, n, from ? " and every later one" : " once");
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "%s\n",
                WTERMSIG(status) == SIGALRM ? "hang"
                                            : strsignal(WTERMSIG(status)));
    } else {
        fprintf(stderr, "exit status %d\n", WEXITSTATUS(status));
    }
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s BACKEND [WORKLOAD...]\n", argv[0]);
        return 2;
    }
    if (alloc_fail_arm == NULL || alloc_fail_disarm == NULL ||
        alloc_fail_thread_enter == NULL) {
        fprintf(stderr, "the injector is not preloaded\n");
        return 1;
    }
    backend = argv[1];
    const char *stride_env = getenv("ALLOC_FAIL_STRIDE");
    long stride = stride_env != NULL    ? atol(stride_env)
                  : RUNNING_ON_VALGRIND ? VALGRIND_STRIDE
                                        : 1;
    if (stride < 1) {
        stride = 1;
    }
    const char *alarm_env = getenv("ALLOC_FAIL_ALARM");
    unsigned alarm_s = alarm_env != NULL ? (unsigned)atoi(alarm_env) : 20;

    talloc_set_log_stderr();
    tevent_set_abort_fn(abort_hook);
    setvbuf(stdout, NULL, _IONBF, 0);

    int failures = 0;
    for (size_t w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
        bool selected = argc == 2;
        for (int i = 2; i < argc; i++) {
            selected |= strcmp(argv[i], workloads[w].name) == 0;
        }
        if (!selected) {
            continue;
        }
        long k = count_allocations(w, alarm_s);
        if (k <= 0) {
            fprintf(stderr, "%s/%s: the counting run failed\n", backend,
                    workloads[w].name);
            failures++;
            continue;
        }
        int runs = 0;
        /* N = 1 and N = k always; the stride thins out the middle. */
        const char *only = getenv("ALLOC_FAIL_ONLY");
        for (long n = only != NULL ? atol(only) : 1;; n += stride) {
            if (n > k) {
                n = k;
            }
            failures += !run_failing(w, n, false, alarm_s);
            failures += !run_failing(w, n, true, alarm_s);
            runs += 2;
            if (n >= k || only != NULL) {
                break;
            }
        }
        printf("%s/%s: %ld allocations, %d runs\n", backend, workloads[w].name,
               k, runs);
    }
    if (failures != 0) {
        fprintf(stderr, "%d failing runs\n", failures);
        return 1;
    }
    return 0;
}
