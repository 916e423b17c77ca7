/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Example: the event context and the loop.
 *
 * For every backend tevent offers, main() creates a context with that
 * backend and runs the same small program on it:
 *
 *   - An fd event, a timer and an immediate event are all ready at once.
 *     Three tevent_loop_once() calls run them one at a time, always in the
 *     order immediate, timer, fd.
 *   - tevent_loop_wait() then runs until no event is left.
 *
 * Then, on a context with the default backend: with a wait timeout of 0,
 * an idle tevent_loop_once() returns at once instead of blocking.
 *
 * Finally a child process shows what happens when a handler runs the loop
 * of its own context again: tevent aborts the process.
 *
 * The output is the same on every run and every backend.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* What one backend's run has seen; the handlers report into it. */
struct run {
    int read_fd;
    const char *ran; /* what the last handler was */
    int countdown;
};

//! [handlers]
static void on_readable(struct tevent_context *ev, struct tevent_fd *fde,
                        uint16_t flags, void *private_data)
{
    struct run *run = private_data;
    char byte;
    (void)ev;
    (void)flags;

    if (read(run->read_fd, &byte, 1) != 1) {
        run->ran = "the fd handler, but read() failed";
        return;
    }
    run->ran = "the fd handler";
    /*
     * Nothing more to read: without this the fd event would stay and
     * keep tevent_loop_wait() running.  Freeing an event from its own
     * handler is allowed.
     */
    talloc_free(fde);
}

static void on_timer(struct tevent_context *ev, struct tevent_timer *te,
                     struct timeval now, void *private_data)
{
    struct run *run = private_data;
    (void)ev;
    (void)te;
    (void)now;
    run->ran = "the timer";
    /* A timer fires once; tevent frees it when this handler returns. */
}

static void on_immediate(struct tevent_context *ev, struct tevent_immediate *im,
                         void *private_data)
{
    struct run *run = private_data;
    (void)ev;
    (void)im;
    run->ran = "the immediate";
}
//! [handlers]

//! [countdown]
/* Reschedules itself until the countdown reaches zero, then stops. */
static void count_down(struct tevent_context *ev, struct tevent_immediate *im,
                       void *private_data)
{
    struct run *run = private_data;

    printf("  loop_wait: countdown %d\n", run->countdown);
    run->countdown -= 1;
    if (run->countdown > 0) {
        tevent_schedule_immediate(im, ev, count_down, run);
    }
}
//! [countdown]

static int run_backend(TALLOC_CTX *mem_ctx, const char *backend)
{
    TALLOC_CTX *frame = talloc_new(mem_ctx);
    struct run *run = talloc_zero(frame, struct run);
    struct tevent_context *ev;
    struct tevent_immediate *im;
    int *fds;
    int i, ret;

    //! [init]
    ev = tevent_context_init_byname(frame, backend);
    if (ev == NULL) {
        fprintf(stderr, "no backend \"%s\"\n", backend);
        talloc_free(frame);
        return -1;
    }
    //! [init]
    printf("backend \"%s\":\n", backend);

    //! [ready]
    /* A pipe with one byte in it: its read end is readable. */
    fds = talloc_array(frame, int, 2);
    if (fds == NULL || pipe(fds) != 0 || write(fds[1], "x", 1) != 1) {
        talloc_free(frame);
        return -1;
    }
    run->read_fd = fds[0];
    /* All three events belong to `fds`, so freeing it would cancel them. */
    im = tevent_create_immediate(fds);
    if (im == NULL ||
        tevent_add_fd(ev, fds, fds[0], TEVENT_FD_READ, on_readable, run) ==
            NULL ||
        tevent_add_timer(ev, fds, tevent_timeval_current_ofs(0, 0), on_timer,
                         run) == NULL) {
        talloc_free(frame);
        return -1;
    }
    tevent_schedule_immediate(im, ev, on_immediate, run);

    /* One handler per call, however many events are ready. */
    for (i = 1; i <= 3; i++) {
        run->ran = "nothing";
        ret = tevent_loop_once(ev);
        printf("  loop_once #%d returned %d and ran %s\n", i, ret, run->ran);
    }
    //! [ready]

    //! [wait]
    run->countdown = 3;
    tevent_schedule_immediate(im, ev, count_down, run);
    ret = tevent_loop_wait(ev);
    printf("  loop_wait returned %d: no events left\n", ret);
    //! [wait]

    /* Events first, then the context, then the pipe they watched. */
    talloc_free(ev);
    close(fds[0]);
    close(fds[1]);
    talloc_free(frame);
    return 0;
}

//! [nowait]
/* With a wait timeout of 0 the loop never blocks: it runs what is ready. */
static int poll_idle_context(TALLOC_CTX *mem_ctx)
{
    struct tevent_context *ev = tevent_context_init(mem_ctx);
    int ret;

    if (ev == NULL) {
        return -1;
    }
    tevent_context_set_wait_timeout(ev, 0);
    ret = tevent_loop_once(ev);
    printf("wait timeout 0: an idle loop_once returned %d (%s)\n", ret,
           ret == -1 && errno == EAGAIN ? "EAGAIN" : "unexpected");
    talloc_free(ev);
    return ret == -1 && errno == EAGAIN ? 0 : -1;
}
//! [nowait]

//! [nesting]
static void nest(struct tevent_context *ev, struct tevent_immediate *im,
                 void *private_data)
{
    (void)im;
    (void)private_data;
    /* Wrong: this handler is already running inside tevent_loop_once(ev). */
    tevent_loop_once(ev);
}

/* Runs in a child process, because it does not survive. */
static void run_nested_loop(void)
{
    struct tevent_context *ev = tevent_context_init(NULL);
    struct tevent_immediate *im = tevent_create_immediate(ev);
    struct rlimit no_core = {0, 0};

    setrlimit(RLIMIT_CORE, &no_core);
    tevent_set_debug_stderr(ev); /* tevent says why on stderr */
    tevent_schedule_immediate(im, ev, nest, NULL);
    tevent_loop_once(ev);
}
//! [nesting]

int main(void)
{
    TALLOC_CTX *mem_ctx = talloc_new(NULL);
    const char **backends = tevent_backend_list(mem_ctx);
    int status = 0;
    int child_status;
    pid_t child;
    size_t i;

    if (backends == NULL) {
        return 1;
    }
    for (i = 0; backends[i] != NULL; i++) {
        if (run_backend(mem_ctx, backends[i]) != 0) {
            status = 1;
        }
    }

    if (poll_idle_context(mem_ctx) != 0) {
        status = 1;
    }

    printf("nesting: a handler calls tevent_loop_once() on its own context\n");
    fflush(stdout); /* or the child would print the buffer again */
    child = fork();
    if (child == 0) {
        run_nested_loop();
        _exit(0);
    }
    if (child == -1 || waitpid(child, &child_status, 0) != child) {
        perror("fork");
        return 1;
    }
    if (WIFSIGNALED(child_status) && WTERMSIG(child_status) == SIGABRT) {
        printf("nesting: the process was aborted\n");
    } else {
        printf("nesting: the process survived\n");
        status = 1;
    }

    talloc_free(mem_ctx);
    return status;
}
