/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Example: serialising writers on one socket with a tevent_queue.
 *
 *   writev_send/recv  writes an iovec array completely to a non-blocking
 *                     socket, in as many writev(2) calls as it takes.  The
 *                     request waits in the socket's queue and only touches
 *                     the socket once the queue triggers it.
 *
 * main() starts several writers at once on one end of a socketpair.  Each
 * sends a few large messages (a header and a body in two pieces, many
 * times the socket buffer) and starts its next message when the previous
 * one is done.  A slow reader on the other end takes small bites and
 * checks that every message arrives whole, uninterleaved, and that each
 * writer's messages arrive in order.  Exit status 0 means all did.
 *
 * It prints a line when a message joins the queue, when the queue triggers
 * its request and when the writer frees the finished request: each free
 * is followed by the next trigger.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* ------------------------------------------------------------------ */
/* writev_send/recv */

struct writev_state {
    struct tevent_context *ev;
    struct tevent_queue *queue;
    int fd;
    struct iovec *iov; /* our copy; advanced as bytes go out */
    int count;
    size_t written;
    struct tevent_fd *fde;
};

static void writev_trigger(struct tevent_req *req, void *private_data);
static void writev_writable(struct tevent_context *ev, struct tevent_fd *fde,
                            uint16_t flags, void *private_data);

//! [send]
/*
 * The caller's buffers must stay valid until the request is done; the
 * iovec array itself is copied.
 */
static struct tevent_req *writev_send(TALLOC_CTX *mem_ctx,
                                      struct tevent_context *ev,
                                      struct tevent_queue *queue, int fd,
                                      const struct iovec *iov, int count)
{
    struct writev_state *state;
    struct tevent_req *req =
        tevent_req_create(mem_ctx, &state, struct writev_state);
    if (req == NULL) {
        return NULL;
    }
    state->ev = ev;
    state->queue = queue;
    state->fd = fd;
    state->count = count;
    state->iov = talloc_memdup(state, iov, sizeof(*iov) * count);
    if (tevent_req_nomem(state->iov, req)) {
        return tevent_req_post(req, ev);
    }

    /*
     * Do not touch the socket yet: another request may be half-way
     * through its data.  writev_trigger() runs when it is our turn.
     */
    if (!tevent_queue_add(queue, ev, req, writev_trigger, NULL)) {
        tevent_req_oom(req);
        return tevent_req_post(req, ev);
    }
    return req;
}
//! [send]

//! [trigger]
/*
 * Our turn: the socket belongs to this request until it is freed.  The
 * queue then triggers the next one.
 */
static void writev_trigger(struct tevent_req *req, void *private_data)
{
    struct writev_state *state = tevent_req_data(req, struct writev_state);
    size_t total = 0;
    int i;
    (void)private_data;

    for (i = 0; i < state->count; i++) {
        total += state->iov[i].iov_len;
    }
    printf("trigger: %zu bytes may go out now, queue length %zu\n", total,
           tevent_queue_length(state->queue));
    state->fde = tevent_add_fd(state->ev, state, state->fd, TEVENT_FD_WRITE,
                               writev_writable, req);
    /* On failure this finishes the request; the caller frees it. */
    tevent_req_nomem(state->fde, req);
}
//! [trigger]

static void writev_writable(struct tevent_context *ev, struct tevent_fd *fde,
                            uint16_t flags, void *private_data)
{
    struct tevent_req *req =
        talloc_get_type_abort(private_data, struct tevent_req);
    struct writev_state *state = tevent_req_data(req, struct writev_state);
    ssize_t n;
    (void)ev;
    (void)fde;
    (void)flags;

    n = writev(state->fd, state->iov, state->count);
    if (n == -1) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return; /* wait for the next writable event */
        }
        tevent_req_error(req, errno);
        return;
    }
    state->written += (size_t)n;

    /* Skip what went out: whole vectors, then part of the next one. */
    while (state->count > 0 && (size_t)n >= state->iov[0].iov_len) {
        n -= (ssize_t)state->iov[0].iov_len;
        state->iov += 1;
        state->count -= 1;
    }
    if (state->count > 0) {
        state->iov[0].iov_base = (char *)state->iov[0].iov_base + n;
        state->iov[0].iov_len -= (size_t)n;
        return;
    }

    TALLOC_FREE(state->fde);
    tevent_req_done(req);
}

/*
 * Returns the number of bytes written, or -1 with *perrno set.  The caller
 * then frees the request, which lets the next writer in the queue go.
 */
static ssize_t writev_recv(struct tevent_req *req, int *perrno)
{
    struct writev_state *state = tevent_req_data(req, struct writev_state);
    enum tevent_req_state req_state;
    uint64_t err;
    ssize_t written = (ssize_t)state->written;

    if (tevent_req_is_error(req, &req_state, &err)) {
        *perrno = req_state == TEVENT_REQ_USER_ERROR ? (int)err : ENOMEM;
        written = -1;
    }
    tevent_req_received(req);
    return written;
}

/* ------------------------------------------------------------------ */
/* The demonstration: several writers, one slow reader. */

#define NUM_WRITERS 4
#define MESSAGES_PER_WRITER 3
#define READ_BITE 1000 /* bytes the reader takes per wake-up */

struct msg_header {
    uint32_t writer;
    uint32_t seq;
    uint32_t body_len;
};

/* Bodies of different lengths, all far larger than the socket buffer. */
static uint32_t body_len(uint32_t writer, uint32_t seq)
{
    return 200000 + writer * 10007 + seq * 3001;
}

/* Content that differs per writer, message and position. */
static uint8_t body_byte(uint32_t writer, uint32_t seq, uint32_t offset)
{
    return (uint8_t)(writer * 61 + seq * 17 + offset * 7 + (offset >> 9));
}

struct program;

struct writer {
    struct program *prog;
    uint32_t id;
    uint32_t seq;
    struct msg_header header;
    uint8_t *body;
};

struct program {
    struct tevent_context *ev;
    struct tevent_queue *queue;
    int write_fd;
    int read_fd;
    int writers_active;
    bool failed;

    /* reader */
    struct tevent_fd *read_fde;
    struct msg_header header;
    size_t header_got;
    size_t body_got;
    uint32_t next_seq[NUM_WRITERS];
    int messages_read;
};

static void fail(struct program *prog, const char *what)
{
    fprintf(stderr, "queue_writev: %s\n", what);
    prog->failed = true;
}

static void writer_done(struct tevent_req *req);

static bool writer_send_next(struct writer *w)
{
    uint32_t len = body_len(w->id, w->seq);
    uint32_t half = len / 2;
    struct iovec iov[3];
    struct tevent_req *req;
    uint32_t i;

    TALLOC_FREE(w->body);
    w->body = talloc_array(w, uint8_t, len);
    if (w->body == NULL) {
        return false;
    }
    for (i = 0; i < len; i++) {
        w->body[i] = body_byte(w->id, w->seq, i);
    }
    w->header = (struct msg_header){w->id, w->seq, len};

    iov[0] = (struct iovec){&w->header, sizeof(w->header)};
    iov[1] = (struct iovec){w->body, half};
    iov[2] = (struct iovec){w->body + half, len - half};

    req =
        writev_send(w, w->prog->ev, w->prog->queue, w->prog->write_fd, iov, 3);
    if (req == NULL) {
        return false;
    }
    tevent_req_set_callback(req, writer_done, w);
    printf("writer %u: message %u (%zu bytes) queued, queue length %zu\n",
           w->id, w->seq, sizeof(w->header) + len,
           tevent_queue_length(w->prog->queue));
    return true;
}

//! [writer_done]
static void writer_done(struct tevent_req *req)
{
    struct writer *w = tevent_req_callback_data(req, struct writer);
    int err = 0;
    ssize_t n = writev_recv(req, &err);

    printf("writer %u: message %u written, freeing its request\n", w->id,
           w->seq);
    /* Freeing the request is what hands the socket to the next writer. */
    TALLOC_FREE(req);

    if (n != (ssize_t)(sizeof(w->header) + w->header.body_len)) {
        fprintf(stderr, "queue_writev: writer %u: %s\n", w->id,
                n == -1 ? strerror(err) : "short write");
        w->prog->failed = true;
        w->prog->writers_active--;
        return;
    }
    w->seq++;
    if (w->seq == MESSAGES_PER_WRITER) {
        w->prog->writers_active--;
        return;
    }
    if (!writer_send_next(w)) {
        fail(w->prog, "out of memory");
        w->prog->writers_active--;
    }
}
//! [writer_done]

/* Consumes one bite of the stream and checks it against the protocol. */
static void reader_readable(struct tevent_context *ev, struct tevent_fd *fde,
                            uint16_t flags, void *private_data)
{
    struct program *prog = private_data;
    uint8_t buf[READ_BITE];
    ssize_t n = read(prog->read_fd, buf, sizeof(buf));
    ssize_t i = 0;
    (void)ev;
    (void)fde;
    (void)flags;

    if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        fail(prog, "reader: socket closed or failed");
        return;
    }
    while (i < n && !prog->failed) {
        struct msg_header *h = &prog->header;

        if (prog->header_got < sizeof(*h)) {
            ((uint8_t *)h)[prog->header_got++] = buf[i++];
            if (prog->header_got < sizeof(*h)) {
                continue;
            }
            if (h->writer >= NUM_WRITERS ||
                h->seq != prog->next_seq[h->writer] ||
                h->body_len != body_len(h->writer, h->seq)) {
                fail(prog, "reader: bad header (interleaved data?)");
                return;
            }
            prog->body_got = 0;
            continue;
        }
        if (buf[i] != body_byte(h->writer, h->seq, (uint32_t)prog->body_got)) {
            fail(prog, "reader: corrupted body (interleaved data?)");
            return;
        }
        i++;
        if (++prog->body_got == h->body_len) {
            prog->next_seq[h->writer]++;
            prog->messages_read++;
            prog->header_got = 0;
        }
    }
}

static void give_up(struct tevent_context *ev, struct tevent_timer *te,
                    struct timeval now, void *private_data)
{
    (void)ev;
    (void)te;
    (void)now;
    fail(private_data, "timed out");
}

int main(void)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct program *prog = talloc_zero(mem, struct program);
    int fds[2] = {-1, -1};
    int sndbuf = 16384;
    socklen_t optlen = sizeof(sndbuf);
    int total_messages = NUM_WRITERS * MESSAGES_PER_WRITER;
    uint32_t i;
    int ret = 1;

    if (prog == NULL) {
        goto done;
    }
    prog->ev = tevent_context_init(prog);
    prog->queue = tevent_queue_create(prog, "socket writers");
    if (prog->ev == NULL || prog->queue == NULL) {
        goto done;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        perror("socketpair");
        goto done;
    }
    prog->write_fd = fds[0];
    prog->read_fd = fds[1];
    /* A small send buffer: every message needs many writev() calls. */
    if (setsockopt(prog->write_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
                   sizeof(sndbuf)) != 0 ||
        getsockopt(prog->write_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen) !=
            0 ||
        fcntl(prog->write_fd, F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(prog->read_fd, F_SETFL, O_NONBLOCK) != 0) {
        perror("socket setup");
        goto done;
    }
    if (body_len(0, 0) < 4 * (uint32_t)sndbuf) {
        fprintf(stderr, "queue_writev: socket buffer unexpectedly large\n");
        goto done;
    }

    /* All writers start at once; the queue decides who writes. */
    for (i = 0; i < NUM_WRITERS; i++) {
        struct writer *w = talloc_zero(prog, struct writer);
        if (w == NULL) {
            goto done;
        }
        w->prog = prog;
        w->id = i;
        if (!writer_send_next(w)) {
            goto done;
        }
        prog->writers_active++;
    }
    printf("queue_writev: %d writers queued, queue length %zu\n", NUM_WRITERS,
           tevent_queue_length(prog->queue));

    prog->read_fde = tevent_add_fd(prog->ev, prog, prog->read_fd,
                                   TEVENT_FD_READ, reader_readable, prog);
    if (prog->read_fde == NULL ||
        tevent_add_timer(prog->ev, prog, tevent_timeval_current_ofs(20, 0),
                         give_up, prog) == NULL) {
        goto done;
    }

    while (!prog->failed &&
           (prog->writers_active > 0 || prog->messages_read < total_messages)) {
        if (tevent_loop_once(prog->ev) != 0) {
            perror("tevent_loop_once");
            goto done;
        }
    }
    if (!prog->failed && tevent_queue_length(prog->queue) == 0 &&
        prog->header_got == 0) {
        printf("queue_writev: %d messages arrived whole and in order\n",
               prog->messages_read);
        ret = 0;
    }
done:
    talloc_free(mem); /* the fd events go before the sockets close */
    if (fds[0] != -1) {
        close(fds[0]);
        close(fds[1]);
    }
    return ret;
}
