/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Example: immediate events.
 *
 * Workers split their work into chunks and do one chunk per immediate
 * event, rescheduling the same immediate for the next chunk.  Since an
 * immediate scheduled from a handler goes to the back of the line and the
 * loop runs one immediate per iteration, the workers take turns.
 *
 * A timer that is already due when the workers start runs only after them:
 * a loop iteration runs a timer only when no immediate is pending.
 *
 * Two more workers never run: one immediate is cancelled with
 * tevent_reset_immediate(), the other goes away with the worker that owns
 * it.
 */
#include <stdio.h>

#include <talloc.h>
#include <tevent.h>

//! [worker]
struct worker {
    const char *name;
    int chunks;
    int done;
    struct tevent_immediate *im; /* a child of this struct, reused */
};

static void work_chunk(struct tevent_context *ev, struct tevent_immediate *im,
                       void *private_data)
{
    struct worker *w = talloc_get_type_abort(private_data, struct worker);

    w->done += 1;
    printf("%s: chunk %d of %d\n", w->name, w->done, w->chunks);
    if (w->done < w->chunks) {
        /* Back of the line: whoever else is waiting goes first. */
        tevent_schedule_immediate(im, ev, work_chunk, w);
        return;
    }
    printf("%s: done\n", w->name);
}

static struct worker *worker_start(TALLOC_CTX *mem_ctx,
                                   struct tevent_context *ev, const char *name,
                                   int chunks)
{
    struct worker *w = talloc_zero(mem_ctx, struct worker);
    if (w == NULL) {
        return NULL;
    }
    w->name = name;
    w->chunks = chunks;
    w->im = tevent_create_immediate(w);
    if (w->im == NULL) {
        talloc_free(w);
        return NULL;
    }
    tevent_schedule_immediate(w->im, ev, work_chunk, w);
    return w;
}
//! [worker]

static void on_timer(struct tevent_context *ev, struct tevent_timer *te,
                     struct timeval now, void *private_data)
{
    (void)ev;
    (void)te;
    (void)now;
    (void)private_data;
    printf("timer: ran once no immediate was pending\n");
}

int main(void)
{
    TALLOC_CTX *mem_ctx = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem_ctx);
    struct worker *a, *b, *c, *d;
    int ret;

    /* A deadline long past: the timer is due from the start. */
    if (ev == NULL || tevent_add_timer(ev, mem_ctx, tevent_timeval_set(1, 0),
                                       on_timer, NULL) == NULL) {
        return 1;
    }
    //! [start]
    c = worker_start(mem_ctx, ev, "C", 1);
    a = worker_start(mem_ctx, ev, "A", 3);
    b = worker_start(mem_ctx, ev, "B", 2);
    d = worker_start(mem_ctx, ev, "D", 1);
    if (a == NULL || b == NULL || c == NULL || d == NULL) {
        return 1;
    }
    printf("scheduled C, A, B and D; a timer is due as well\n");

    tevent_reset_immediate(c->im); /* unscheduled, can be scheduled again */
    talloc_free(d);                /* its immediate goes with it */
    printf("cancelled C, freed D\n");
    //! [start]

    ret = tevent_loop_wait(ev);
    printf("loop: finished with %d\n", ret);
    talloc_free(mem_ctx);
    return ret == 0 ? 0 : 1;
}
