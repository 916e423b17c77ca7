/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * API-sequence fuzzer: the input bytes are a program of tevent calls --
 * add, free and update fd events, timers, immediates and signal events,
 * from outside and from inside their handlers; nested loops; requests and
 * queues; wrapper contexts; a threaded context; fork.  Only valid uses of
 * the API are generated, so any crash, sanitizer report, abort or hang is
 * a finding.
 *
 * Every input terminates: the loop is only run a bounded number of times,
 * a permanently writable "guard" fd event keeps any loop iteration from
 * blocking, handlers run at most a few operations, nesting is bounded, and
 * there is at most one fork per input.
 *
 * Built with libFuzzer (LLVMFuzzerTestOneInput), or with replay.c, which
 * runs the committed corpus and seeded random inputs in every build.
 * FUZZ_TRACE=1 prints each operation (to read a finding).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* The wrapper and nesting APIs are deprecated upstream, still supported. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_SLOTS 4
#define N_PIPES 3
#define N_WRAPPERS 2
#define MAX_OPS 256
#define MAX_DEPTH 3
#define HANDLER_OPS 3

/* Signals whose default action is harmless and that libFuzzer leaves alone
 * (it takes SIGUSR1/2); all are ignored while no event is registered. */
static int fuzz_signals[3];

/* Where an event lives: the main context (0) or wrapper 1..N_WRAPPERS. */
struct owner {
    int ctx;
    unsigned gen; /* the context's generation when the event was added */
};

struct fuzz {
    const uint8_t *data;
    size_t size, pos;
    int ops;
    int depth;
    bool forked;
    bool is_child;
    bool nesting;
    bool trace;
    TALLOC_CTX *root;
    struct tevent_context *ev;
    struct tevent_context *wrap[N_WRAPPERS + 1]; /* [0] unused */
    unsigned gen[N_WRAPPERS + 1];
    int pipes[N_PIPES][2];
    int guard[2];
    struct tevent_fd *fde[N_SLOTS];
    struct owner fde_owner[N_SLOTS];
    struct tevent_timer *te[N_SLOTS];
    struct owner te_owner[N_SLOTS];
    struct tevent_immediate *im[N_SLOTS];
    bool im_threaded[N_SLOTS]; /* handed to the threaded context */
    struct tevent_signal *se[N_SLOTS];
    struct owner se_owner[N_SLOTS];
    struct tevent_req *req[N_SLOTS];
    bool req_posted[N_SLOTS];
    struct tevent_queue *q[N_SLOTS];
    struct tevent_threaded_context *tctx;
};

static struct fuzz F;

static unsigned byte(void)
{
    return F.pos < F.size ? F.data[F.pos++] : 0;
}

static bool exhausted(void)
{
    return F.pos >= F.size || F.ops >= MAX_OPS;
}

static struct timeval deadline(unsigned kind)
{
    struct timeval tv = tevent_timeval_current();
    switch (kind % 3) {
    case 0:
        return tevent_timeval_zero();
    case 1:
        tv.tv_sec -= 1 + (long)(kind % 7);
        return tv;
    default:
        /* never reached while the input runs */
        tv.tv_sec += 1000;
        return tv;
    }
}

/* The context events are added to: the main one or a live wrapper. */
static struct owner pick_owner(unsigned b)
{
    int i = (int)(b % (N_WRAPPERS + 1));
    if (F.wrap[i] == NULL) {
        i = 0;
    }
    return (struct owner){i, F.gen[i]};
}

static struct tevent_context *owner_ctx(struct owner o)
{
    return o.ctx == 0 ? F.ev : F.wrap[o.ctx];
}

/* An event whose context was freed may only be freed. */
static bool owner_alive(struct owner o)
{
    return owner_ctx(o) != NULL && F.gen[o.ctx] == o.gen;
}

static void run_ops(int budget);

/* Handlers run a few operations of the input themselves. */
static void handler_ops(void)
{
    if (F.depth >= MAX_DEPTH) {
        return;
    }
    F.depth++;
    run_ops((int)(byte() % (HANDLER_OPS + 1)));
    F.depth--;
}

static void on_fd(struct tevent_context *ev, struct tevent_fd *fde,
                  uint16_t flags, void *p)
{
    (void)ev;
    (void)fde;
    if (flags & TEVENT_FD_READ) {
        /* drains a read end; on a write end it fails, which is fine */
        char buf[64];
        ssize_t n = read((int)(intptr_t)p, buf, sizeof(buf));
        (void)n;
    }
    handler_ops();
}

static void on_guard(struct tevent_context *ev, struct tevent_fd *fde,
                     uint16_t flags, void *p)
{
    (void)ev;
    (void)fde;
    (void)flags;
    (void)p;
}

static void on_close(struct tevent_context *ev, struct tevent_fd *fde, int fd,
                     void *p)
{
    (void)ev;
    (void)fde;
    (void)fd;
    (void)p;
}

static void on_timer(struct tevent_context *ev, struct tevent_timer *te,
                     struct timeval now, void *p)
{
    (void)ev;
    (void)now;
    int i = (int)(intptr_t)p;
    if (F.te[i] == te) {
        F.te[i] = NULL; /* a fired timer is freed */
    }
    handler_ops();
}

static void on_immediate(struct tevent_context *ev, struct tevent_immediate *im,
                         void *p)
{
    (void)ev;
    int i = (int)(intptr_t)p;
    if (F.im[i] == im) {
        F.im_threaded[i] = false;
    }
    handler_ops();
}

static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
                      int signum, int count, void *siginfo, void *p)
{
    (void)ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    (void)p;
    handler_ops();
}

struct req_state {
    int slot;
};

static void on_req_done(struct tevent_req *req)
{
    (void)req;
    handler_ops();
}

static void on_trigger(struct tevent_req *req, void *p)
{
    (void)req;
    (void)p;
    handler_ops();
}

static bool until_done(void *p)
{
    int *left = p;
    return (*left)-- <= 0;
}

/* ------------------------------------------------------------------ */
/* Wrapper hooks: all no-ops; before_use may refuse.                   */

static bool w_before_use(struct tevent_context *w, void *s,
                         struct tevent_context *m, const char *l)
{
    (void)w;
    (void)m;
    (void)l;
    return *(bool *)s;
}

static void w_after_use(struct tevent_context *w, void *s,
                        struct tevent_context *m, const char *l)
{
    (void)w;
    (void)s;
    (void)m;
    (void)l;
}

static void w_fd(struct tevent_context *w, void *s, struct tevent_context *m,
                 struct tevent_fd *fde, uint16_t flags, const char *h,
                 const char *l)
{
    (void)w;
    (void)s;
    (void)m;
    (void)fde;
    (void)flags;
    (void)h;
    (void)l;
}

static void w_timer(struct tevent_context *w, void *s, struct tevent_context *m,
                    struct tevent_timer *te, struct timeval rt,
                    struct timeval tt, const char *h, const char *l)
{
    (void)w;
    (void)s;
    (void)m;
    (void)te;
    (void)rt;
    (void)tt;
    (void)h;
    (void)l;
}

static void w_immediate(struct tevent_context *w, void *s,
                        struct tevent_context *m, struct tevent_immediate *im,
                        const char *h, const char *l)
{
    (void)w;
    (void)s;
    (void)m;
    (void)im;
    (void)h;
    (void)l;
}

static void w_signal(struct tevent_context *w, void *s,
                     struct tevent_context *m, struct tevent_signal *se,
                     int signum, int count, void *siginfo, const char *h,
                     const char *l)
{
    (void)w;
    (void)s;
    (void)m;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    (void)h;
    (void)l;
}

static const struct tevent_wrapper_ops wrapper_ops = {
    .name = "fuzz",
    .before_use = w_before_use,
    .after_use = w_after_use,
    .before_fd_handler = w_fd,
    .after_fd_handler = w_fd,
    .before_timer_handler = w_timer,
    .after_timer_handler = w_timer,
    .before_immediate_handler = w_immediate,
    .after_immediate_handler = w_immediate,
    .before_signal_handler = w_signal,
    .after_signal_handler = w_signal,
};

/* ------------------------------------------------------------------ */
/* Operations.                                                         */

static void op_fd(unsigned a, unsigned b)
{
    int i = (int)(a % N_SLOTS);
    switch (b % 4) {
    case 0: {
        if (F.fde[i] != NULL) {
            return;
        }
        struct owner o = pick_owner(b / 4);
        int p = (int)((b / 16) % N_PIPES);
        int end = (int)((a / N_SLOTS) % 2);
        F.fde[i] = tevent_add_fd(owner_ctx(o), F.root, F.pipes[p][end],
                                 (uint16_t)(1 + (a / 8) % 3), on_fd,
                                 (void *)(intptr_t)F.pipes[p][end]);
        F.fde_owner[i] = o;
        if (F.fde[i] != NULL && (b & 0x80)) {
            tevent_fd_set_close_fn(F.fde[i], on_close);
        }
        return;
    }
    case 1:
        TALLOC_FREE(F.fde[i]);
        return;
    case 2:
        if (F.fde[i] != NULL && owner_alive(F.fde_owner[i])) {
            tevent_fd_set_flags(F.fde[i], (uint16_t)((b / 4) % 4));
        }
        return;
    default: {
        int p = (int)((b / 4) % N_PIPES);
        if (write(F.pipes[p][1], "x", 1) < 0 && errno != EAGAIN) {
            abort();
        }
        return;
    }
    }
}

static void op_timer(unsigned a, unsigned b)
{
    int i = (int)(a % N_SLOTS);
    switch (b % 3) {
    case 0:
        if (F.te[i] == NULL) {
            struct owner o = pick_owner(b / 4);
            F.te[i] = tevent_add_timer(owner_ctx(o), F.root, deadline(a / 4),
                                       on_timer, (void *)(intptr_t)i);
            F.te_owner[i] = o;
        }
        return;
    case 1:
        TALLOC_FREE(F.te[i]);
        return;
    default:
        if (F.te[i] != NULL && owner_alive(F.te_owner[i])) {
            tevent_update_timer(F.te[i], deadline(b / 4));
        }
        return;
    }
}

static void op_immediate(unsigned a, unsigned b)
{
    int i = (int)(a % N_SLOTS);
    switch (b % 4) {
    case 0:
        if (F.im[i] == NULL) {
            F.im[i] = tevent_create_immediate(F.root);
        }
        return;
    case 1:
        /* one handed to the threaded context stays until it has run */
        if (!F.im_threaded[i]) {
            TALLOC_FREE(F.im[i]);
        }
        return;
    case 2:
        if (F.im[i] != NULL && !F.im_threaded[i]) {
            struct owner o = pick_owner(b / 4);
            tevent_schedule_immediate(F.im[i], owner_ctx(o),
                                      (b & 0x40) ? on_immediate : NULL,
                                      (void *)(intptr_t)i);
        }
        return;
    default:
        if (F.tctx == NULL && (b & 0x10)) {
            F.tctx = tevent_threaded_context_create(F.root, F.ev);
        } else if (F.tctx != NULL && (b & 0x20)) {
            TALLOC_FREE(F.tctx);
        } else if (F.tctx != NULL && F.im[i] != NULL && !F.im_threaded[i]) {
            /* only an immediate that is not scheduled elsewhere */
            TALLOC_FREE(F.im[i]);
            F.im[i] = tevent_create_immediate(F.root);
            if (F.im[i] != NULL) {
                tevent_threaded_schedule_immediate(
                    F.tctx, F.im[i], on_immediate, (void *)(intptr_t)i);
                F.im_threaded[i] = true;
            }
        }
        return;
    }
}

static void op_signal(unsigned a, unsigned b)
{
    int i = (int)(a % N_SLOTS);
    int signum = fuzz_signals[(b / 4) % 3];
    switch (b % 3) {
    case 0:
        if (F.se[i] == NULL) {
            struct owner o = pick_owner(b / 16);
            F.se[i] =
                tevent_add_signal(owner_ctx(o), F.root, signum,
                                  (b & 0x80) ? SA_SIGINFO : 0, on_signal, NULL);
            F.se_owner[i] = o;
        }
        return;
    case 1:
        TALLOC_FREE(F.se[i]);
        return;
    default:
        raise(signum);
        return;
    }
}

static void op_req(unsigned a, unsigned b)
{
    int i = (int)(a % N_SLOTS);
    struct tevent_req *req = F.req[i];
    struct req_state *state;
    switch (b % 8) {
    case 0:
        if (req == NULL) {
            F.req[i] = tevent_req_create(F.root, &state, struct req_state);
            if (F.req[i] != NULL) {
                state->slot = i;
                F.req_posted[i] = false;
                tevent_req_set_callback(F.req[i], on_req_done, NULL);
            }
        }
        return;
    case 1:
        TALLOC_FREE(F.req[i]);
        return;
    case 2:
        if (req != NULL && tevent_req_is_in_progress(req)) {
            if (b & 0x80) {
                tevent_req_error(req, (int)(b / 8) + 1);
            } else {
                tevent_req_done(req);
            }
        }
        return;
    case 3:
        /* the usual "finished in _send": done, then post, once; the
         * caller sets its callback only after _send returned */
        if (req != NULL && tevent_req_is_in_progress(req) && !F.req_posted[i]) {
            F.req_posted[i] = true;
            tevent_req_set_callback(req, NULL, NULL);
            tevent_req_done(req);
            tevent_req_post(req, F.ev);
            tevent_req_set_callback(req, on_req_done, NULL);
        }
        return;
    case 4:
        if (req != NULL && tevent_req_is_in_progress(req)) {
            tevent_req_set_endtime(req, F.ev, deadline(b / 8));
        }
        return;
    case 5:
        if (req != NULL && tevent_req_is_in_progress(req)) {
            tevent_req_defer_callback(req, F.ev);
        }
        return;
    case 6:
        if (req != NULL && !tevent_req_is_in_progress(req)) {
            tevent_req_received(req);
        }
        return;
    default: {
        struct tevent_queue *q = F.q[(b / 8) % N_SLOTS];
        if (req != NULL && q != NULL && tevent_req_is_in_progress(req)) {
            if (b & 0x80) {
                tevent_queue_add_optimize_empty(q, F.ev, req, on_trigger, NULL);
            } else {
                tevent_queue_add(q, F.ev, req, on_trigger, NULL);
            }
        }
        return;
    }
    }
}

static void op_queue(unsigned a, unsigned b)
{
    int i = (int)(a % N_SLOTS);
    switch (b % 5) {
    case 0:
        if (F.q[i] == NULL) {
            F.q[i] = tevent_queue_create(F.root, "fuzz");
        }
        return;
    case 1:
        TALLOC_FREE(F.q[i]);
        return;
    case 2:
        if (F.q[i] != NULL) {
            tevent_queue_stop(F.q[i]);
        }
        return;
    case 3:
        if (F.q[i] != NULL) {
            tevent_queue_start(F.q[i]);
        }
        return;
    default: {
        int r = (int)((b / 8) % N_SLOTS);
        if (F.q[i] != NULL && F.req[r] == NULL) {
            F.req[r] = tevent_queue_wait_send(F.root, F.ev, F.q[i]);
            F.req_posted[r] = true;
            if (F.req[r] != NULL) {
                tevent_req_set_callback(F.req[r], on_req_done, NULL);
            }
        }
        return;
    }
    }
}

static void op_wrapper(unsigned a, unsigned b)
{
    int i = 1 + (int)(a % N_WRAPPERS);
    switch (b % 3) {
    case 0:
        if (F.wrap[i] == NULL && !F.nesting) {
            bool *allow;
            F.wrap[i] = tevent_context_wrapper_create(
                F.ev, F.root, &wrapper_ops, &allow, bool);
            if (F.wrap[i] != NULL) {
                *allow = (b & 0x80) == 0;
                F.gen[i]++;
            }
        }
        return;
    case 1:
        /* also inside a handler of one of its events: deferred then */
        TALLOC_FREE(F.wrap[i]);
        return;
    default:
        /* not from a handler: that wrapper may be the one in use */
        if (F.depth == 0 && F.wrap[i] != NULL &&
            tevent_context_push_use(F.wrap[i])) {
            tevent_context_pop_use(F.wrap[i]);
        }
        return;
    }
}

static void child_exit(void)
{
    _exit(0);
}

static void op_loop(unsigned a, unsigned b)
{
    if (F.depth > 0 && !F.nesting) {
        return;
    }
    switch (b % 3) {
    case 0:
        tevent_loop_once(F.ev);
        return;
    case 1: {
        int left = (int)(a % 4);
        tevent_loop_until(F.ev, until_done, &left);
        return;
    }
    default:
        /* fork: the child runs the loop a little and leaves; no threads
         * exist (the threaded context has none of its own) */
        if (F.forked || F.is_child) {
            return;
        }
        F.forked = true;
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            return;
        }
        if (pid == 0) {
            F.is_child = true;
            for (unsigned n = a % 4; n > 0; n--) {
                tevent_loop_once(F.ev);
            }
            child_exit();
        }
        int status;
        while (waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR) {
                abort();
            }
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "fuzz: forked child failed, status %#x\n", status);
            abort();
        }
        return;
    }
}

static void run_ops(int budget)
{
    static const char *const names[] = {"fd",  "timer", "immediate", "signal",
                                        "req", "queue", "wrapper",   "loop"};
    while (budget-- > 0 && !exhausted()) {
        unsigned op = byte();
        unsigned a = byte();
        unsigned b = byte();
        F.ops++;
        if (F.trace) {
            fprintf(stderr, "%*s%s a=%u b=%u (case %u)\n", 2 * F.depth, "",
                    names[op % 8], a, b, b);
        }
        switch (op % 8) {
        case 0:
            op_fd(a, b);
            break;
        case 1:
            op_timer(a, b);
            break;
        case 2:
            op_immediate(a, b);
            break;
        case 3:
            op_signal(a, b);
            break;
        case 4:
            op_req(a, b);
            break;
        case 5:
            op_queue(a, b);
            break;
        case 6:
            op_wrapper(a, b);
            break;
        default:
            op_loop(a, b);
            break;
        }
    }
}

static void abort_fn(const char *reason)
{
    fprintf(stderr, "fuzz: tevent abort: %s\n", reason);
    abort();
}

static void setup_once(void)
{
    static bool done;
    if (done) {
        return;
    }
    done = true;
    fuzz_signals[0] = SIGURG;
    fuzz_signals[1] = SIGWINCH;
    fuzz_signals[2] = SIGRTMIN + 2;
    for (int i = 0; i < 3; i++) {
        signal(fuzz_signals[i], SIG_IGN);
    }
    tevent_set_abort_fn(abort_fn);
}

static const char *const backends[] = {"epoll", "poll", "poll_mt", "standard"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup_once();
    memset(&F, 0, sizeof(F));
    F.data = data;
    F.size = size;
    F.trace = getenv("FUZZ_TRACE") != NULL;
    unsigned mode = byte();
    F.root = talloc_new(NULL);
    F.ev = tevent_context_init_byname(F.root, backends[mode % 4]);
    if (F.ev == NULL) {
        abort();
    }
    /* nesting and wrappers exclude each other */
    F.nesting = (mode & 0x10) != 0;
    if (F.nesting) {
        tevent_loop_allow_nesting(F.ev);
    }
    for (int p = 0; p < N_PIPES; p++) {
        if (pipe2(F.pipes[p], O_NONBLOCK | O_CLOEXEC) != 0) {
            abort();
        }
    }
    if (pipe2(F.guard, O_NONBLOCK | O_CLOEXEC) != 0 ||
        tevent_add_fd(F.ev, F.root, F.guard[1], TEVENT_FD_WRITE, on_guard,
                      NULL) == NULL) {
        abort();
    }

    run_ops(MAX_OPS);

    /* Freeing the context first, or everything in allocation order.  An
     * immediate handed to the threaded context must not be freed before
     * it has run or its context is gone; a queue entry must not outlive
     * the context it was added with (upstream's rule too), so the queues
     * go first. */
    for (int i = 0; i < N_SLOTS; i++) {
        TALLOC_FREE(F.q[i]);
    }
    bool threaded_pending = false;
    for (int i = 0; i < N_SLOTS; i++) {
        threaded_pending |= F.im_threaded[i];
    }
    if ((mode & 0x20) || threaded_pending) {
        TALLOC_FREE(F.ev);
    }
    talloc_free(F.root);
    for (int p = 0; p < N_PIPES; p++) {
        close(F.pipes[p][0]);
        close(F.pipes[p][1]);
    }
    close(F.guard[0]);
    close(F.guard[1]);
    return 0;
}
