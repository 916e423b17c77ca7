/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * A small tour of tevent doing real work: a producer writes numbered lines
 * into a socketpair from a repeating timer, a consumer reads them through an
 * fd event, and SIGUSR1 (raised by the program itself half-way through) is
 * delivered as a tevent signal event.  It exits 0 when every line arrived in
 * order and the signal was seen, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#define LINES 20

struct demo {
    struct tevent_context *ev;
    int fds[2];
    int sent;
    int received;
    bool got_signal;
    char buf[256];
    size_t used;
    bool failed;
};

static void send_line(struct tevent_context *ev, struct tevent_timer *te,
                      struct timeval now, void *private_data);

static void schedule_send(struct demo *d)
{
    struct tevent_timer *te = tevent_add_timer(
        d->ev, d, tevent_timeval_current_ofs(0, 5000), send_line, d);
    if (te == NULL) {
        d->failed = true;
    }
}

static void send_line(struct tevent_context *ev, struct tevent_timer *te,
                      struct timeval now, void *private_data)
{
    struct demo *d = private_data;
    char line[32];
    int len = snprintf(line, sizeof(line), "line %d\n", d->sent);

    (void)ev;
    (void)te;
    (void)now;
    if (write(d->fds[0], line, (size_t)len) != len) {
        d->failed = true;
        return;
    }
    d->sent += 1;
    if (d->sent == LINES / 2) {
        printf("producer: raising SIGUSR1 after %d lines\n", d->sent);
        raise(SIGUSR1);
    }
    if (d->sent < LINES) {
        schedule_send(d);
    } else {
        shutdown(d->fds[0], SHUT_WR);
    }
}

static void consume(struct demo *d)
{
    char *nl;

    while ((nl = memchr(d->buf, '\n', d->used)) != NULL) {
        size_t len = (size_t)(nl - d->buf) + 1;
        char expect[32];

        snprintf(expect, sizeof(expect), "line %d\n", d->received);
        if (len != strlen(expect) || memcmp(d->buf, expect, len) != 0) {
            fprintf(stderr, "consumer: out of order: %.*s", (int)len, d->buf);
            d->failed = true;
        }
        d->received += 1;
        memmove(d->buf, d->buf + len, d->used - len);
        d->used -= len;
    }
}

static void readable(struct tevent_context *ev, struct tevent_fd *fde,
                     uint16_t flags, void *private_data)
{
    struct demo *d = private_data;
    ssize_t n;

    (void)ev;
    (void)flags;
    n = read(d->fds[1], d->buf + d->used, sizeof(d->buf) - d->used);
    if (n < 0 && errno == EAGAIN) {
        return;
    }
    if (n <= 0) {
        printf("consumer: end of stream after %d lines\n", d->received);
        talloc_free(fde); /* the loop ends when nothing is left to do */
        return;
    }
    d->used += (size_t)n;
    consume(d);
}

static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
                      int signum, int count, void *siginfo, void *private_data)
{
    struct demo *d = private_data;

    (void)ev;
    (void)siginfo;
    printf("signal: %s delivered %d time(s) through the loop\n",
           strsignal(signum), count);
    d->got_signal = true;
    talloc_free(se); /* one is enough; lets tevent_loop_wait() finish */
}

int main(void)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct demo *d = talloc_zero(mem, struct demo);
    struct tevent_fd *fde;
    const char **backends;
    int ret;

    d->ev = tevent_context_init(mem);
    if (d->ev == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, d->fds) != 0) {
        perror("setup");
        return 1;
    }
    fcntl(d->fds[1], F_SETFL, O_NONBLOCK);
    backends = tevent_backend_list(mem);
    printf("backends:");
    for (size_t i = 0; backends[i] != NULL; i++) {
        printf(" %s", backends[i]);
    }
    printf("\n");

    fde = tevent_add_fd(d->ev, d, d->fds[1], TEVENT_FD_READ, readable, d);
    if (fde == NULL ||
        tevent_add_signal(d->ev, d, SIGUSR1, 0, on_signal, d) == NULL) {
        perror("tevent_add_*");
        return 1;
    }
    schedule_send(d);

    ret = tevent_loop_wait(d->ev);
    printf("loop finished (%d): sent %d, received %d, signal %s\n", ret,
           d->sent, d->received, d->got_signal ? "seen" : "missing");
    ret = (ret == 0 && !d->failed && d->received == LINES && d->got_signal) ? 0
                                                                            : 1;
    close(d->fds[0]);
    close(d->fds[1]);
    talloc_free(mem);
    printf("%s\n", ret == 0 ? "demo: OK" : "demo: FAILED");
    return ret;
}
