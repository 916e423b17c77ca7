/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Example: writing and using tevent requests.
 *
 *   read_exact_send/recv   reads exactly n bytes from a non-blocking fd.
 *                          A cleanup function removes its fd event as soon
 *                          as the request is over; a cancel function lets
 *                          the caller stop it.
 *   read_record_send/recv  reads a record: a length byte, then that many
 *                          bytes of text.  It is built from two read_exact
 *                          subrequests, one after the other.
 *   read_record_sync       the same for callers without an event loop.
 *
 * main() reads records from pipes in four ways: synchronously; with a
 * callback that starts the next read; with a deadline that passes; and
 * cancelled by a timer.  In the last two cases the record never arrives
 * completely, so the outcome does not depend on how fast the machine is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* Maps a failed request to an errno value, 0 if it succeeded. */
static int req_errno(struct tevent_req *req)
{
    enum tevent_req_state state;
    uint64_t err;

    if (!tevent_req_is_error(req, &state, &err)) {
        return 0;
    }
    switch (state) {
    case TEVENT_REQ_USER_ERROR:
        return (int)err;
    case TEVENT_REQ_TIMED_OUT:
        return ETIMEDOUT;
    case TEVENT_REQ_NO_MEMORY:
        return ENOMEM;
    default:
        return EINVAL;
    }
}

/* ------------------------------------------------------------------ */
//! [read_exact]
struct read_exact_state {
    int fd;
    uint8_t *buf;
    size_t size;
    size_t got;
    struct tevent_fd *fde;
};

static void read_exact_readable(struct tevent_context *ev,
                                struct tevent_fd *fde, uint16_t flags,
                                void *private_data);
static void read_exact_cleanup(struct tevent_req *req,
                               enum tevent_req_state req_state);
static bool read_exact_cancel(struct tevent_req *req);

static struct tevent_req *read_exact_send(TALLOC_CTX *mem_ctx,
                                          struct tevent_context *ev, int fd,
                                          size_t size)
{
    struct read_exact_state *state;
    struct tevent_req *req;

    /* The state is zeroed, a child of req, and named after its type. */
    req = tevent_req_create(mem_ctx, &state, struct read_exact_state);
    if (req == NULL) {
        return NULL;
    }
    state->fd = fd;
    state->size = size;
    state->buf = talloc_array(state, uint8_t, size);
    if (tevent_req_nomem(state->buf, req)) {
        return tevent_req_post(req, ev);
    }
    if (size == 0) {
        /* Done already.  The caller has no callback set yet: post the
         * request, so that the callback runs from the loop. */
        tevent_req_done(req);
        return tevent_req_post(req, ev);
    }
    state->fde =
        tevent_add_fd(ev, state, fd, TEVENT_FD_READ, read_exact_readable, req);
    if (tevent_req_nomem(state->fde, req)) {
        return tevent_req_post(req, ev);
    }
    tevent_req_set_cleanup_fn(req, read_exact_cleanup);
    tevent_req_set_cancel_fn(req, read_exact_cancel);
    return req;
}

static void read_exact_readable(struct tevent_context *ev,
                                struct tevent_fd *fde, uint16_t flags,
                                void *private_data)
{
    struct tevent_req *req =
        talloc_get_type_abort(private_data, struct tevent_req);
    struct read_exact_state *state =
        tevent_req_data(req, struct read_exact_state);
    ssize_t n;
    (void)ev;
    (void)fde;
    (void)flags;

    n = read(state->fd, state->buf + state->got, state->size - state->got);
    if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        tevent_req_error(req, n == 0 ? EPIPE : errno);
        return;
    }
    state->got += (size_t)n;
    if (state->got == state->size) {
        tevent_req_done(req);
    }
}

/* However the request ends (done, error, timeout, freed), stop watching
 * the fd right then, not only when the caller gets round to freeing it. */
static void read_exact_cleanup(struct tevent_req *req,
                               enum tevent_req_state req_state)
{
    struct read_exact_state *state =
        tevent_req_data(req, struct read_exact_state);
    (void)req_state;
    TALLOC_FREE(state->fde);
}

/* Nothing is half-done between two reads, so stopping is always safe. */
static bool read_exact_cancel(struct tevent_req *req)
{
    tevent_req_error(req, ECANCELED);
    return true;
}

/* On success, *buf is moved to mem_ctx. */
static int read_exact_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
                           uint8_t **buf)
{
    struct read_exact_state *state =
        tevent_req_data(req, struct read_exact_state);
    int err = req_errno(req);

    if (err == 0) {
        *buf = talloc_move(mem_ctx, &state->buf);
    }
    /* Frees the state; the caller still frees req. */
    tevent_req_received(req);
    return err;
}
//! [read_exact]

/* ------------------------------------------------------------------ */
//! [read_record]
struct read_record_state {
    struct tevent_context *ev;
    int fd;
    struct tevent_req *subreq; /* the read in progress, or NULL */
    char *text;
};

static void read_record_got_length(struct tevent_req *subreq);
static void read_record_got_text(struct tevent_req *subreq);
static void read_record_cleanup(struct tevent_req *req,
                                enum tevent_req_state req_state);
static bool read_record_cancel(struct tevent_req *req);

static struct tevent_req *read_record_send(TALLOC_CTX *mem_ctx,
                                           struct tevent_context *ev, int fd)
{
    struct read_record_state *state;
    struct tevent_req *req =
        tevent_req_create(mem_ctx, &state, struct read_record_state);
    if (req == NULL) {
        return NULL;
    }
    state->ev = ev;
    state->fd = fd;

    /* Subrequests live on our state, so they go away with it. */
    state->subreq = read_exact_send(state, ev, fd, 1);
    if (tevent_req_nomem(state->subreq, req)) {
        return tevent_req_post(req, ev);
    }
    tevent_req_set_callback(state->subreq, read_record_got_length, req);
    tevent_req_set_cleanup_fn(req, read_record_cleanup);
    tevent_req_set_cancel_fn(req, read_record_cancel);
    return req;
}

static void read_record_got_length(struct tevent_req *subreq)
{
    struct tevent_req *req =
        tevent_req_callback_data(subreq, struct tevent_req);
    struct read_record_state *state =
        tevent_req_data(req, struct read_record_state);
    uint8_t *length = NULL;
    int err = read_exact_recv(subreq, state, &length);

    TALLOC_FREE(subreq);
    state->subreq = NULL;
    if (tevent_req_error(req, err)) {
        return; /* err != 0: the request failed, our caller is told */
    }
    state->subreq = read_exact_send(state, state->ev, state->fd, *length);
    if (tevent_req_nomem(state->subreq, req)) {
        return;
    }
    tevent_req_set_callback(state->subreq, read_record_got_text, req);
}

static void read_record_got_text(struct tevent_req *subreq)
{
    struct tevent_req *req =
        tevent_req_callback_data(subreq, struct tevent_req);
    struct read_record_state *state =
        tevent_req_data(req, struct read_record_state);
    uint8_t *bytes = NULL;
    int err = read_exact_recv(subreq, state, &bytes);
    size_t len = talloc_get_size(bytes);

    TALLOC_FREE(subreq);
    state->subreq = NULL;
    if (tevent_req_error(req, err)) {
        return;
    }
    state->text = talloc_strndup(state, (const char *)bytes, len);
    if (tevent_req_nomem(state->text, req)) {
        return;
    }
    tevent_req_done(req);
}

/* A timeout finishes us while a read is in progress: stop it now. */
static void read_record_cleanup(struct tevent_req *req,
                                enum tevent_req_state req_state)
{
    struct read_record_state *state =
        tevent_req_data(req, struct read_record_state);

    if (state->subreq != NULL) {
        printf("  read_record: %s, stopping the read in progress\n",
               req_state == TEVENT_REQ_TIMED_OUT ? "timed out" : "finished");
        TALLOC_FREE(state->subreq);
    }
}

/* Cancelling the read in progress makes it fail with ECANCELED, and
 * read_record_got_*() pass that on. */
static bool read_record_cancel(struct tevent_req *req)
{
    struct read_record_state *state =
        tevent_req_data(req, struct read_record_state);
    return tevent_req_cancel(state->subreq);
}

static int read_record_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
                            char **text)
{
    struct read_record_state *state =
        tevent_req_data(req, struct read_record_state);
    int err = req_errno(req);

    if (err == 0) {
        *text = talloc_move(mem_ctx, &state->text);
    }
    tevent_req_received(req);
    return err;
}
//! [read_record]

/* ------------------------------------------------------------------ */
//! [sync]
/* For callers without an event loop: a private context, run until the
 * request is over.  The context is new, so no handler of it can be
 * running: tevent_req_poll() cannot nest here. */
static int read_record_sync(TALLOC_CTX *mem_ctx, int fd, char **text)
{
    TALLOC_CTX *frame = talloc_new(mem_ctx);
    struct tevent_context *ev = tevent_context_init(frame);
    struct tevent_req *req;
    int err = ENOMEM;

    if (ev == NULL) {
        goto done;
    }
    req = read_record_send(frame, ev, fd);
    if (req == NULL) {
        goto done;
    }
    if (!tevent_req_poll(req, ev)) {
        err = errno;
        goto done;
    }
    err = read_record_recv(req, mem_ctx, text);
done:
    talloc_free(frame); /* the request and the context */
    return err;
}
//! [sync]

/* ------------------------------------------------------------------ */
//! [caller]
struct reader {
    const char *label;
    struct tevent_context *ev;
    int fd;
    int records_left;
};

static void reader_done(struct tevent_req *req);

static struct tevent_req *reader_next(struct reader *r)
{
    struct tevent_req *req = read_record_send(r, r->ev, r->fd);
    if (req != NULL) {
        tevent_req_set_callback(req, reader_done, r);
    }
    return req;
}

static void reader_done(struct tevent_req *req)
{
    struct reader *r = tevent_req_callback_data(req, struct reader);
    char *text = NULL;
    int err = read_record_recv(req, r, &text);

    TALLOC_FREE(req);
    if (err != 0) {
        printf("%s: failed: %s\n", r->label, strerror(err));
        return;
    }
    printf("%s: \"%s\"\n", r->label, text);
    TALLOC_FREE(text);
    if (--r->records_left > 0 && reader_next(r) == NULL) {
        printf("%s: out of memory\n", r->label);
    }
}
//! [caller]

//! [cancel]
static void give_up(struct tevent_context *ev, struct tevent_timer *te,
                    struct timeval now, void *private_data)
{
    struct tevent_req *req =
        talloc_get_type_abort(private_data, struct tevent_req);
    (void)ev;
    (void)te;
    (void)now;
    printf("cancel: giving up\n");
    /* The request finishes (and its callback runs) inside this call. */
    if (!tevent_req_cancel(req)) {
        printf("cancel: the request cannot be cancelled\n");
    }
}
//! [cancel]

/* A pipe with a non-blocking read end, holding `len` bytes of `data`. */
static int filled_pipe(int fds[2], const char *data, size_t len)
{
    if (pipe(fds) != 0) {
        return -1;
    }
    if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0 ||
        write(fds[1], data, len) != (ssize_t)len) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    return 0;
}

int main(void)
{
    TALLOC_CTX *mem_ctx = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem_ctx);
    struct reader *r = talloc_zero(mem_ctx, struct reader);
    struct tevent_req *req;
    char *text = NULL;
    int p[4][2];
    int err, i;

    /* Records: a length byte, then the text.  The last two never
     * complete: their writers stay silent. */
    if (ev == NULL || r == NULL || filled_pipe(p[0], "\5hello", 6) != 0 ||
        filled_pipe(p[1], "\5world\0\3bye", 11) != 0 ||
        filled_pipe(p[2], "\5ab", 3) != 0 || filled_pipe(p[3], "", 0) != 0) {
        perror("setup");
        return 1;
    }

    //! [main_sync]
    err = read_record_sync(mem_ctx, p[0][0], &text);
    if (err != 0) {
        printf("sync: failed: %s\n", strerror(err));
        return 1;
    }
    printf("sync: \"%s\"\n", text);
    //! [main_sync]

    //! [main_async]
    *r = (struct reader){"async", ev, p[1][0], 3};
    if (reader_next(r) == NULL) {
        return 1;
    }
    /* Returns when the reader has stopped: no events are left. */
    tevent_loop_wait(ev);
    //! [main_async]

    //! [main_endtime]
    *r = (struct reader){"endtime", ev, p[2][0], 1};
    req = reader_next(r);
    if (req == NULL || !tevent_req_set_endtime(
                           req, ev, tevent_timeval_current_ofs(0, 50000))) {
        return 1;
    }
    tevent_loop_wait(ev);
    //! [main_endtime]

    //! [main_cancel]
    *r = (struct reader){"cancel", ev, p[3][0], 1};
    req = reader_next(r);
    /* A child of req: if the request ends first, the timer goes too. */
    if (req == NULL ||
        tevent_add_timer(ev, req, tevent_timeval_current_ofs(0, 10000), give_up,
                         req) == NULL) {
        return 1;
    }
    tevent_loop_wait(ev);
    //! [main_cancel]

    for (i = 0; i < 4; i++) {
        close(p[i][0]);
        close(p[i][1]);
    }
    talloc_free(mem_ctx);
    return 0;
}
