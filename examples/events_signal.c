/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Example: signal events.
 *
 * A small daemon-style program handles three signals through its event
 * loop:
 *
 *   SIGUSR1  without SA_SIGINFO: several deliveries between two loop
 *            iterations come as one handler call with a count;
 *   SIGUSR2  with SA_SIGINFO: one handler call per delivery, each with its
 *            siginfo_t (which tells, among other things, who sent it);
 *   SIGTERM  shuts down: it frees the object that owns all signal events,
 *            and tevent_loop_wait(), which keeps running while any signal
 *            event exists, returns.
 *
 * The program sends the signals to itself before it enters the loop; they
 * wait there until the loop looks.  Pending signals are handled in the
 * order of their numbers.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

//! [handlers]
static void on_usr1(struct tevent_context *ev, struct tevent_signal *se,
                    int signum, int count, void *siginfo, void *private_data)
{
    (void)ev;
    (void)se;
    (void)signum;
    (void)siginfo; /* NULL without SA_SIGINFO */
    (void)private_data;
    printf("SIGUSR1: %d deliveries in one call\n", count);
}

static void on_usr2(struct tevent_context *ev, struct tevent_signal *se,
                    int signum, int count, void *siginfo, void *private_data)
{
    const siginfo_t *info = siginfo;
    (void)ev;
    (void)se;
    (void)signum;
    (void)private_data;
    printf("SIGUSR2: count %d, sent by %s\n", count,
           info->si_pid == getpid() ? "this process" : "another process");
}

/* The handlers run from the loop, not in signal context: anything goes. */
static void on_term(struct tevent_context *ev, struct tevent_signal *se,
                    int signum, int count, void *siginfo, void *private_data)
{
    TALLOC_CTX *signals = private_data;
    (void)ev;
    (void)se;
    (void)signum;
    (void)count;
    (void)siginfo;
    printf("SIGTERM: shutting down\n");
    /* All three signal events, this running one included. */
    talloc_free(signals);
}
//! [handlers]

int main(void)
{
    TALLOC_CTX *mem_ctx = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem_ctx);
    TALLOC_CTX *signals = talloc_new(mem_ctx);
    int ret;

    if (ev == NULL || signals == NULL) {
        return 1;
    }
    //! [add]
    if (tevent_add_signal(ev, signals, SIGUSR1, 0, on_usr1, NULL) == NULL ||
        tevent_add_signal(ev, signals, SIGUSR2, SA_SIGINFO, on_usr2, NULL) ==
            NULL ||
        tevent_add_signal(ev, signals, SIGTERM, 0, on_term, signals) == NULL) {
        perror("tevent_add_signal");
        return 1;
    }
    //! [add]

    //! [send]
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR2);
    raise(SIGUSR2);
    raise(SIGTERM);
    printf("sent SIGUSR1 three times, SIGUSR2 twice, then SIGTERM\n");
    //! [send]

    ret = tevent_loop_wait(ev);
    printf("loop: finished with %d\n", ret);
    talloc_free(mem_ctx);
    return ret == 0 ? 0 : 1;
}
