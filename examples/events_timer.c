/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Example: timers.
 *
 * Timer deadlines are absolute times.  This example uses deadlines long in
 * the past, counted in seconds after the epoch, so that every timer is due
 * at once and the program never waits; what it shows is the order:
 *
 *   - timers run by deadline, and timers with equal deadlines in the order
 *     they were added;
 *   - freeing a timer cancels it; tevent_update_timer() moves it;
 *   - a timer fires once and is freed after its handler, so a repeating
 *     timer adds its successor, computed from its own deadline;
 *   - a job owns a watchdog timer an hour in the future; when the job is
 *     done, freeing the job cancels the watchdog, and tevent_loop_wait()
 *     returns instead of waiting an hour.
 */
#include <stdio.h>

#include <talloc.h>
#include <tevent.h>

#define BASE 1000 /* seconds after the epoch: long past */

struct named_timer {
    const char *name;
    struct timeval deadline;
    struct tevent_timer *te; /* a child of this struct while pending */
};

static void on_named(struct tevent_context *ev, struct tevent_timer *te,
                     struct timeval now, void *private_data)
{
    struct named_timer *t = private_data;
    (void)ev;
    (void)te;
    (void)now; /* the current time: not printed, it differs on every run */

    t->te = NULL; /* tevent frees the timer when this handler returns */
    printf("timer %s (deadline BASE+%ld.%01ld)\n", t->name,
           (long)(t->deadline.tv_sec - BASE),
           (long)t->deadline.tv_usec / 100000);
}

static struct named_timer *add_named(struct tevent_context *ev,
                                     TALLOC_CTX *mem_ctx, const char *name,
                                     struct timeval deadline)
{
    struct named_timer *t = talloc_zero(mem_ctx, struct named_timer);
    if (t == NULL) {
        return NULL;
    }
    t->name = name;
    t->deadline = deadline;
    /* A child of t: freeing t cancels the timer. */
    t->te = tevent_add_timer(ev, t, deadline, on_named, t);
    if (t->te == NULL) {
        talloc_free(t);
        return NULL;
    }
    return t;
}

//! [repeat]
struct job {
    struct tevent_timer *watchdog;
};

struct ticker {
    struct tevent_timer *te; /* NULL while no tick is pending */
    struct timeval next;
    int ticks_left;
    struct job *job;
};

static void on_tick(struct tevent_context *ev, struct tevent_timer *te,
                    struct timeval now, void *private_data)
{
    struct ticker *ticker = private_data;
    (void)te;
    (void)now;

    /* tevent frees te after this handler: forget the pointer now. */
    ticker->te = NULL;
    printf("tick (deadline BASE+%ld)\n", (long)(ticker->next.tv_sec - BASE));

    if (--ticker->ticks_left == 0) {
        printf("ticker: last tick, the job is done\n");
        /* Freeing the job frees its watchdog timer: it never fires. */
        TALLOC_FREE(ticker->job);
        return;
    }
    /* One second after the previous deadline, not after "now": a late
     * tick does not shift all later ones. */
    ticker->next = tevent_timeval_add(&ticker->next, 1, 0);
    ticker->te = tevent_add_timer(ev, ticker, ticker->next, on_tick, ticker);
}
//! [repeat]

static void on_watchdog(struct tevent_context *ev, struct tevent_timer *te,
                        struct timeval now, void *private_data)
{
    (void)ev;
    (void)te;
    (void)now;
    (void)private_data;
    printf("watchdog: the job took too long\n");
}

int main(void)
{
    TALLOC_CTX *mem_ctx = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem_ctx);
    struct named_timer *dropped, *moved;
    struct ticker *ticker;
    int ret;

    if (ev == NULL) {
        return 1;
    }

    //! [order]
    /* Added out of order; they run sorted by deadline. */
    if (add_named(ev, mem_ctx, "c", tevent_timeval_set(BASE + 3, 0)) == NULL ||
        add_named(ev, mem_ctx, "a", tevent_timeval_set(BASE + 1, 0)) == NULL ||
        add_named(ev, mem_ctx, "b1", tevent_timeval_set(BASE + 2, 0)) == NULL ||
        add_named(ev, mem_ctx, "b2", tevent_timeval_set(BASE + 2, 0)) == NULL) {
        return 1;
    }
    dropped = add_named(ev, mem_ctx, "dropped", tevent_timeval_set(BASE, 0));
    moved = add_named(ev, mem_ctx, "moved", tevent_timeval_set(BASE + 9, 0));
    if (dropped == NULL || moved == NULL) {
        return 1;
    }
    /* Cancel one, and move the other in front of "a". */
    talloc_free(dropped);
    moved->deadline = tevent_timeval_set(BASE, 500000);
    tevent_update_timer(moved->te, moved->deadline);
    //! [order]
    printf("added c, a, b1, b2, dropped, moved; "
           "freed dropped, moved moved to BASE+0.5\n");

    //! [watchdog]
    ticker = talloc_zero(mem_ctx, struct ticker);
    if (ticker == NULL) {
        return 1;
    }
    ticker->job = talloc_zero(mem_ctx, struct job);
    ticker->ticks_left = 3;
    ticker->next = tevent_timeval_set(BASE + 4, 0);
    if (ticker->job == NULL) {
        return 1;
    }
    ticker->job->watchdog =
        tevent_add_timer(ev, ticker->job, tevent_timeval_current_ofs(3600, 0),
                         on_watchdog, NULL);
    ticker->te = tevent_add_timer(ev, ticker, ticker->next, on_tick, ticker);
    if (ticker->job->watchdog == NULL || ticker->te == NULL) {
        return 1;
    }
    //! [watchdog]

    ret = tevent_loop_wait(ev);
    printf("loop: finished with %d, no timers left\n", ret);
    talloc_free(mem_ctx);
    return ret == 0 ? 0 : 1;
}
