/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Example: worker threads reporting to an event loop.
 *
 * A tevent context belongs to the thread that runs its loop.  Other
 * threads must not add events to it or touch its events; what they can do
 * is ask it to run an immediate handler for them.  There are two ways:
 *
 *   tevent_threaded_context   The loop thread prepares the immediate event
 *                             and the data; the worker only schedules it,
 *                             with tevent_threaded_schedule_immediate().
 *   tevent_thread_proxy       The worker allocates an immediate and a
 *                             message itself and hands both over with
 *                             tevent_thread_proxy_schedule(); the loop
 *                             thread becomes their owner.
 *
 * main() starts four workers that each add up a range of numbers; two
 * report through a threaded context, two through a thread proxy.  The
 * handlers run in the main thread (they check that) and store the
 * results.  Results arrive in any order, so main() prints them in job
 * order once all are in.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <talloc.h>
#include <tevent.h>

#define NUM_JOBS 4

struct program;

struct job {
    struct program *prog;
    int id;
    long from, to;
    pthread_t thread;

    /* Written by the worker before it reports. */
    long sum;
    /* Prepared by the main thread, for workers that use tctx. */
    struct tevent_immediate *im;

    /* Written by the handler, in the main thread. */
    bool reported;
    bool handled_in_main_thread;
    const char *via;
};

struct program {
    struct tevent_context *ev;
    struct tevent_threaded_context *tctx;
    struct tevent_thread_proxy *proxy;
    pthread_t main_thread;
    struct job jobs[NUM_JOBS];
    int reported;
};

static long sum_range(long from, long to)
{
    long sum = 0;
    for (long i = from; i <= to; i++) {
        sum += i;
    }
    return sum;
}

static void job_reported(struct program *prog, struct job *job, const char *via)
{
    job->reported = true;
    job->via = via;
    job->handled_in_main_thread =
        pthread_equal(pthread_self(), prog->main_thread);
    prog->reported += 1;
}

//! [tctx]
/* Runs in the main thread, from its loop. */
static void tctx_handler(struct tevent_context *ev, struct tevent_immediate *im,
                         void *private_data)
{
    struct job *job = private_data;
    (void)ev;
    (void)im; /* job->im, owned by the main thread: reusable */
    job_reported(job->prog, job, "threaded context");
}

/* Runs in a worker thread: computes, then only schedules. */
static void *tctx_worker(void *arg)
{
    struct job *job = arg;

    job->sum = sum_range(job->from, job->to);
    tevent_threaded_schedule_immediate(job->prog->tctx, job->im, tctx_handler,
                                       job);
    return NULL;
}
//! [tctx]

//! [proxy]
/* What a proxy worker sends: allocated by the worker, on its own. */
struct result {
    struct job *job;
    long sum;
};

/* Runs in the main thread.  After it returns, the proxy frees `im` and
 * `private_data`; talloc_steal() what you want to keep. */
static void proxy_handler(struct tevent_context *ev,
                          struct tevent_immediate *im, void *private_data)
{
    struct result *res = talloc_get_type_abort(private_data, struct result);
    struct job *job = res->job;
    (void)ev;
    (void)im;
    job->sum = res->sum;
    job_reported(job->prog, job, "thread proxy");
}

/* Runs in a worker thread. */
static void *proxy_worker(void *arg)
{
    struct job *job = arg;
    /* On the NULL context: this thread's own talloc trees. */
    struct tevent_immediate *im = tevent_create_immediate(NULL);
    struct result *res = talloc(NULL, struct result);

    if (im == NULL || res == NULL) {
        /* No way to report, and main() waits for every job. */
        fprintf(stderr, "worker %d: out of memory\n", job->id);
        abort();
    }
    res->job = job;
    res->sum = sum_range(job->from, job->to);
    /* Takes over both; on return im and res are NULL. */
    tevent_thread_proxy_schedule(job->prog->proxy, &im, proxy_handler, &res);
    return NULL;
}
//! [proxy]

int main(void)
{
    struct program *prog;
    int status = 0;
    int i;

    //! [setup]
    /* Before anything else: allocations on the NULL context must not be
     * tracked, or threads allocating there would share the tracker. */
    talloc_disable_null_tracking();

    prog = talloc_zero(NULL, struct program);
    if (prog == NULL) {
        return 1;
    }
    prog->main_thread = pthread_self();
    /* The proxy's documentation asks for a context on the NULL context. */
    prog->ev = tevent_context_init(NULL);
    if (prog->ev == NULL) {
        return 1;
    }
    prog->tctx = tevent_threaded_context_create(prog, prog->ev);
    prog->proxy = tevent_thread_proxy_create(prog->ev);
    if (prog->tctx == NULL || prog->proxy == NULL) {
        return 1;
    }
    //! [setup]

    //! [start]
    for (i = 0; i < NUM_JOBS; i++) {
        struct job *job = &prog->jobs[i];
        bool use_tctx = i % 2 == 0;

        job->prog = prog;
        job->id = i;
        job->from = 1 + i * 1000000L;
        job->to = (i + 1) * 1000000L;
        if (use_tctx) {
            /* Prepared here, in the thread that owns the talloc tree. */
            job->im = tevent_create_immediate(prog);
            if (job->im == NULL) {
                return 1;
            }
        }
        if (pthread_create(&job->thread, NULL,
                           use_tctx ? tctx_worker : proxy_worker, job) != 0) {
            return 1;
        }
    }
    //! [start]

    //! [loop]
    /* Not tevent_loop_wait(): the proxy's own fd event would keep it
     * running, and reports still on their way are no events yet. */
    while (prog->reported < NUM_JOBS) {
        if (tevent_loop_once(prog->ev) != 0) {
            perror("tevent_loop_once");
            return 1;
        }
    }
    //! [loop]

    for (i = 0; i < NUM_JOBS; i++) {
        struct job *job = &prog->jobs[i];

        pthread_join(job->thread, NULL);
        printf("job %d: %ld..%ld add up to %ld (%s, handled in the %s "
               "thread)\n",
               job->id, job->from, job->to, job->sum, job->via,
               job->handled_in_main_thread ? "main" : "WRONG");
        if (!job->handled_in_main_thread) {
            status = 1;
        }
    }

    //! [teardown]
    /* Workers are gone: now the threaded context and the context (and
     * the proxy with it) can go. */
    talloc_free(prog->tctx);
    talloc_free(prog->ev);
    //! [teardown]
    talloc_free(prog);
    return status;
}
