/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Differential test program: built against Debian's tevent 0.14.1 header
 * (so it only uses entry points that both libraries export), it prints a
 * log of what it observes -- dispatch order, handler arguments, trace
 * points, request states and callbacks, queue triggers, return values.
 * run_differential.sh runs it against our library and against Debian's and
 * requires identical logs.  Pointers never reach the log: objects are named.
 *
 * The two runs are separate processes on a loaded machine, so no line may
 * depend on wall time: deadlines are in the past, or the scenario loops
 * until an event it owns has fired and logs nothing that depends on how
 * many iterations that took; the loop's wait trace points are logged only
 * where the wait is certain (a ready fd, no timer).
 *
 * Usage: diff_behaviour <backend>
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

static const char *backend;

static struct tevent_context *new_ev(TALLOC_CTX *mem)
{
    struct tevent_context *ev = tevent_context_init_byname(mem, backend);
    if (ev == NULL) {
        printf("init_byname(%s) failed\n", backend);
        exit(1);
    }
    return ev;
}

/* --- one loop iteration runs one handler, in priority order --- */

static void log_timer(struct tevent_context *ev, struct tevent_timer *te,
                      struct timeval now, void *p)
{
    (void)ev;
    (void)te;
    printf("  timer %s (zero time: %s)\n", (const char *)p,
           (now.tv_sec == 0 && now.tv_usec == 0) ? "yes" : "no");
}

static void log_immediate(struct tevent_context *ev,
                          struct tevent_immediate *im, void *p)
{
    (void)ev;
    (void)im;
    printf("  immediate %s\n", (const char *)p);
}

static void log_fd(struct tevent_context *ev, struct tevent_fd *fde,
                   uint16_t flags, void *p)
{
    (void)ev;
    (void)fde;
    printf("  fd %s flags=%u\n", (const char *)p, flags);
}

static void scenario_priorities(void)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = new_ev(mem);
    int sv[2];
    struct timeval past = tevent_timeval_current_ofs(0, 0);

    printf("priorities:\n");
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if (write(sv[1], "x", 1) != 1) {
        exit(1);
    }
    past.tv_sec -= 10;
    tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ | TEVENT_FD_WRITE, log_fd,
                  "sock");
    tevent_add_timer(ev, mem, past, log_timer, "past-1");
    tevent_add_timer(ev, mem, tevent_timeval_zero(), log_timer, "zero-1");
    tevent_add_timer(ev, mem, past, log_timer, "past-2");
    tevent_add_timer(ev, mem, tevent_timeval_zero(), log_timer, "zero-2");
    tevent_schedule_immediate(tevent_create_immediate(mem), ev, log_immediate,
                              "im-1");
    tevent_schedule_immediate(tevent_create_immediate(mem), ev, log_immediate,
                              "im-2");
    for (int i = 0; i < 8; i++) {
        printf(" iteration %d ret=%d\n", i, tevent_loop_once(ev));
    }
    close(sv[0]);
    close(sv[1]);
    talloc_free(mem);
}

/* --- timers: equal deadlines keep insertion order; update_timer --- */

static void scenario_timers(void)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = new_ev(mem);
    struct timeval base = tevent_timeval_current();
    static const char *names[] = {"a", "b", "c", "d", "e", "f"};
    static const int offsets[] = {3, 1, 3, 2, 1, 3};
    struct tevent_timer *t[6];

    printf("timers:\n");
    base.tv_sec -= 100;
    for (int i = 0; i < 6; i++) {
        struct timeval tv = base;
        tv.tv_sec += offsets[i];
        t[i] = tevent_add_timer(ev, mem, tv, log_timer, (void *)names[i]);
    }
    /* move "b" behind the other deadline-3 timers */
    struct timeval tv3 = base;
    tv3.tv_sec += 3;
    tevent_update_timer(t[1], tv3);
    for (int i = 0; i < 6; i++) {
        tevent_loop_once(ev);
    }
    talloc_free(mem);
}

/* --- trace points of timers and immediates --- */

static const char *tp_name(enum tevent_event_trace_point tp)
{
    switch (tp) {
    case TEVENT_EVENT_TRACE_ATTACH:
        return "attach";
    case TEVENT_EVENT_TRACE_DETACH:
        return "detach";
    case TEVENT_EVENT_TRACE_BEFORE_HANDLER:
        return "before_handler";
    }
    return "?";
}

static void trace_timer(struct tevent_timer *te,
                        enum tevent_event_trace_point tp, void *p)
{
    (void)p;
    printf("  trace timer tag=%llu %s\n",
           (unsigned long long)tevent_timer_get_tag(te), tp_name(tp));
}

static void trace_im(struct tevent_immediate *im,
                     enum tevent_event_trace_point tp, void *p)
{
    (void)p;
    printf("  trace immediate tag=%llu %s\n",
           (unsigned long long)tevent_immediate_get_tag(im), tp_name(tp));
}

static void trace_loop(enum tevent_trace_point tp, void *p)
{
    static const char *n[] = {"before_wait", "after_wait", "before_loop_once",
                              "after_loop_once"};
    (void)p;
    printf("  trace loop %s\n", n[tp]);
}

static int im_runs;

static void im_resched(struct tevent_context *ev, struct tevent_immediate *im,
                       void *p)
{
    (void)p;
    printf("  immediate tag=%llu run %d\n",
           (unsigned long long)tevent_immediate_get_tag(im), im_runs);
    if (++im_runs == 1) {
        tevent_schedule_immediate(im, ev, im_resched, NULL);
    } else {
        printf("  free in own handler: %d\n", talloc_free(im));
    }
}

static bool timer_fired;

static void flag_timer(struct tevent_context *ev, struct tevent_timer *te,
                       struct timeval now, void *p)
{
    log_timer(ev, te, now, p);
    timer_fired = true;
}

static void scenario_trace(void)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = new_ev(mem);
    struct tevent_immediate *im = tevent_create_immediate(mem);
    struct tevent_timer *te;
    struct timeval past = tevent_timeval_current();
    int sv[2];

    printf("trace:\n");
    past.tv_sec -= 10;
    tevent_set_trace_timer_callback(ev, trace_timer, NULL);
    tevent_set_trace_immediate_callback(ev, trace_im, NULL);
    tevent_set_trace_callback(ev, trace_loop, NULL);
    tevent_immediate_set_tag(im, 7);
    tevent_schedule_immediate(im, ev, im_resched, NULL);
    te = tevent_add_timer(ev, mem, past, log_timer, "t");
    tevent_timer_set_tag(te, 9);
    te = tevent_add_timer(ev, mem, tevent_timeval_current_ofs(100, 0),
                          log_timer, "freed");
    tevent_timer_set_tag(te, 10);
    talloc_free(te);
    /* two immediate runs, then the expired timer without waiting */
    for (int i = 0; i < 3; i++) {
        tevent_loop_once(ev);
    }

    /* A ready fd and no timer: the loop waits (and returns at once). */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if (write(sv[1], "x", 1) != 1) {
        exit(1);
    }
    struct tevent_fd *fde =
        tevent_add_fd(ev, mem, sv[0], TEVENT_FD_READ, log_fd, "ready");
    tevent_loop_once(ev);
    talloc_free(fde);
    close(sv[0]);
    close(sv[1]);

    /*
     * A timer that is not due yet: whether, and how often, the loop waits
     * for it depends on the machine's load, so the loop trace is off and
     * the loop runs until the timer has fired.
     */
    tevent_set_trace_callback(ev, NULL, NULL);
    timer_fired = false;
    te = tevent_add_timer(ev, mem, tevent_timeval_current_ofs(0, 1000),
                          flag_timer, "future");
    tevent_timer_set_tag(te, 11);
    while (!timer_fired) {
        tevent_loop_once(ev);
    }
    talloc_free(mem);
}

/* --- signals: accumulated count, SA_SIGINFO per delivery --- */

static void log_signal(struct tevent_context *ev, struct tevent_signal *se,
                       int signum, int count, void *siginfo, void *p)
{
    (void)ev;
    (void)se;
    printf("  signal %s signum=%d count=%d siginfo=%s", (const char *)p, signum,
           count, siginfo ? "yes" : "no");
    if (siginfo != NULL) {
        printf(" si_signo=%d", ((siginfo_t *)siginfo)->si_signo);
    }
    printf("\n");
}

static void scenario_signals(void)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = new_ev(mem);

    printf("signals:\n");
    tevent_add_signal(ev, mem, SIGUSR1, 0, log_signal, "usr1");
    tevent_add_signal(ev, mem, SIGUSR2, SA_SIGINFO, log_signal, "usr2");
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR2);
    raise(SIGUSR2);
    printf(" ret=%d\n", tevent_loop_once(ev));
    errno = 0;
    struct tevent_signal *se =
        tevent_add_signal(ev, mem, 68, 0, log_signal, "x");
    printf(" signum 68 -> %s errno=%s\n", se ? "event" : "NULL",
           errno == EINVAL ? "EINVAL" : "other");
    talloc_free(mem);
}

/* --- requests --- */

struct diff_state {
    int value;
};

static const char *state_name(enum tevent_req_state s)
{
    static const char *n[] = {"INIT",       "IN_PROGRESS", "DONE",
                              "USER_ERROR", "TIMED_OUT",   "NO_MEMORY",
                              "RECEIVED"};
    return n[s];
}

static void req_cleanup(struct tevent_req *req, enum tevent_req_state s)
{
    (void)req;
    printf("  cleanup %s\n", state_name(s));
}

static void req_cb(struct tevent_req *req)
{
    enum tevent_req_state s = TEVENT_REQ_INIT;
    uint64_t err = 0;
    bool is_err = tevent_req_is_error(req, &s, &err);
    printf("  callback %s is_error=%d state=%s err=%llu in_progress=%d\n",
           (const char *)tevent_req_callback_data_void(req), is_err,
           is_err ? state_name(s) : "-", (unsigned long long)err,
           tevent_req_is_in_progress(req));
}

static struct tevent_req *new_req(TALLOC_CTX *mem, const char *name)
{
    struct diff_state *state;
    struct tevent_req *req = tevent_req_create(mem, &state, struct diff_state);
    tevent_req_set_cleanup_fn(req, req_cleanup);
    tevent_req_set_callback(req, req_cb, (void *)name);
    printf("  created %s data-name=%s\n", name,
           talloc_get_name(_tevent_req_data(req)));
    return req;
}

static void scenario_req(void)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = new_ev(mem);
    struct tevent_req *r1, *r2, *r3, *r4;

    printf("requests:\n");
    r1 = new_req(mem, "done-then-post");
    tevent_req_done(r1);
    tevent_req_post(r1, ev);
    tevent_loop_once(ev);
    talloc_free(r1);

    r2 = new_req(mem, "error");
    printf("  error(0)=%d\n", tevent_req_error(r2, 0));
    printf("  error(5)=%d\n", tevent_req_error(r2, 5));
    tevent_req_received(r2);
    printf("  data after received: %s\n",
           _tevent_req_data(r2) ? "set" : "NULL");
    talloc_free(r2);

    r3 = new_req(mem, "timeout");
    tevent_req_set_endtime(r3, ev, tevent_timeval_current_ofs(0, 1000));
    while (tevent_req_is_in_progress(r3)) {
        tevent_loop_once(ev);
    }
    talloc_free(r3);

    r4 = new_req(mem, "freed-in-progress");
    talloc_free(r4);

    r4 = new_req(mem, "defer");
    tevent_req_defer_callback(r4, ev);
    tevent_req_done(r4);
    printf("  after done (deferred)\n");
    tevent_loop_once(ev);
    talloc_free(r4);
    talloc_free(mem);
}

/* --- queues --- */

static void q_trigger(struct tevent_req *req, void *p)
{
    printf("  trigger %s\n", (const char *)p);
    (void)req;
}

static void scenario_queue(void)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = new_ev(mem);
    struct tevent_queue *q = tevent_queue_create(mem, "q");
    struct tevent_req *r[3];
    static const char *names[] = {"q0", "q1", "q2"};

    printf("queue:\n");
    for (int i = 0; i < 3; i++) {
        struct diff_state *state;
        r[i] = tevent_req_create(mem, &state, struct diff_state);
        tevent_queue_add(q, ev, r[i], q_trigger, (void *)names[i]);
    }
    printf("  length=%zu running=%d\n", tevent_queue_length(q),
           tevent_queue_running(q));
    tevent_loop_once(ev);
    tevent_req_done(r[0]);
    printf("  done q0, length=%zu\n", tevent_queue_length(q));
    talloc_free(r[0]);
    printf("  freed q0, length=%zu\n", tevent_queue_length(q));
    tevent_queue_stop(q);
    tevent_loop_once(ev);
    printf("  stopped, running=%d\n", tevent_queue_running(q));
    tevent_queue_start(q);
    tevent_loop_once(ev);
    talloc_free(r[2]);
    talloc_free(r[1]);
    printf("  length=%zu\n", tevent_queue_length(q));
    talloc_free(mem);
}

/* --- debug output at the default levels --- */

static void log_debug(void *ctx, enum tevent_debug_level level, const char *fmt,
                      va_list ap)
{
    (void)ctx;
    if (level <= TEVENT_DEBUG_WARNING) {
        printf("  debug level=%d: ", level);
        vprintf(fmt, ap);
    }
}

static void scenario_debug(void)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = new_ev(mem);

    printf("debug:\n");
    tevent_set_debug(ev, log_debug, NULL);
    tevent_add_timer(ev, mem, tevent_timeval_zero(), log_timer, "only");
    printf("  loop_wait=%d\n", tevent_loop_wait(ev));
    talloc_free(mem);
}

int main(int argc, char **argv)
{
    const char **list;

    if (argc != 2) {
        fprintf(stderr, "usage: %s <backend>\n", argv[0]);
        return 2;
    }
    backend = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    list = tevent_backend_list(NULL);
    printf("backends:");
    for (size_t i = 0; list[i] != NULL; i++) {
        printf(" %s", list[i]);
    }
    printf("\n");
    talloc_free(list);

    scenario_priorities();
    scenario_timers();
    scenario_trace();
    scenario_signals();
    scenario_req();
    scenario_queue();
    scenario_debug();
    return 0;
}
