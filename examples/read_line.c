/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Example: reading a line from a socket with a timeout, written as tevent
 * requests.
 *
 *   read_line_send/recv   reads until '\n'; fails with ETIMEDOUT if no full
 *                         line arrived by the given time, EPIPE on EOF.
 *   slow_write_send/recv  writes a list of chunks, pausing between them with
 *                         tevent_wakeup_send sub-requests.
 *
 * main() connects the two through a socketpair: the first line arrives in
 * pieces and is read completely; the second read times out because the
 * writer never sends the rest of the line.  Exit status 0 means both
 * outcomes were as expected.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* Maps a failed request to an errno value. */
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
/* read_line */

struct read_line_state {
    int fd;
    struct tevent_fd *fde;
    char *line; /* talloc string, grows as data arrives */
};

static void read_line_readable(struct tevent_context *ev, struct tevent_fd *fde,
                               uint16_t flags, void *private_data);

/* Stop watching the socket as soon as the request is over, however. */
static void read_line_cleanup(struct tevent_req *req,
                              enum tevent_req_state req_state)
{
    struct read_line_state *state =
        tevent_req_data(req, struct read_line_state);
    (void)req_state;
    TALLOC_FREE(state->fde);
}

static struct tevent_req *read_line_send(TALLOC_CTX *mem_ctx,
                                         struct tevent_context *ev, int fd,
                                         struct timeval give_up_at)
{
    struct read_line_state *state;
    struct tevent_req *req =
        tevent_req_create(mem_ctx, &state, struct read_line_state);
    if (req == NULL) {
        return NULL;
    }
    state->fd = fd;
    tevent_req_set_cleanup_fn(req, read_line_cleanup);

    state->line = talloc_strdup(state, "");
    if (tevent_req_nomem(state->line, req)) {
        return tevent_req_post(req, ev);
    }
    state->fde =
        tevent_add_fd(ev, state, fd, TEVENT_FD_READ, read_line_readable, req);
    if (tevent_req_nomem(state->fde, req)) {
        return tevent_req_post(req, ev);
    }
    if (!tevent_req_set_endtime(req, ev, give_up_at)) {
        return tevent_req_post(req, ev);
    }
    return req;
}

static void read_line_readable(struct tevent_context *ev, struct tevent_fd *fde,
                               uint16_t flags, void *private_data)
{
    struct tevent_req *req =
        talloc_get_type_abort(private_data, struct tevent_req);
    struct read_line_state *state =
        tevent_req_data(req, struct read_line_state);
    char buf[256];
    (void)ev;
    (void)fde;
    (void)flags;

    /* Peek first, so that nothing after the newline is consumed. */
    ssize_t n = recv(state->fd, buf, sizeof(buf), MSG_PEEK);
    if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n == -1) {
        tevent_req_error(req, errno);
        return;
    }
    if (n == 0) {
        tevent_req_error(req, EPIPE);
        return;
    }
    char *newline = memchr(buf, '\n', (size_t)n);
    size_t take = newline != NULL ? (size_t)(newline - buf) + 1 : (size_t)n;
    if (read(state->fd, buf, take) != (ssize_t)take) {
        tevent_req_error(req, EIO);
        return;
    }
    size_t text_len = newline != NULL ? take - 1 : take;
    state->line = talloc_strndup_append_buffer(state->line, buf, text_len);
    if (tevent_req_nomem(state->line, req)) {
        return;
    }
    if (newline != NULL) {
        tevent_req_done(req);
    }
}

static int read_line_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
                          char **line)
{
    struct read_line_state *state =
        tevent_req_data(req, struct read_line_state);
    int err = req_errno(req);
    if (err == 0) {
        *line = talloc_move(mem_ctx, &state->line);
    }
    tevent_req_received(req);
    return err;
}

/* ------------------------------------------------------------------ */
/* slow_write */

struct slow_write_state {
    struct tevent_context *ev;
    int fd;
    const char *const *chunks; /* NULL-terminated */
    uint32_t pause_usec;
};

static void slow_write_next(struct tevent_req *req);
static void slow_write_woke_up(struct tevent_req *subreq);

static struct tevent_req *slow_write_send(TALLOC_CTX *mem_ctx,
                                          struct tevent_context *ev, int fd,
                                          const char *const *chunks,
                                          uint32_t pause_usec)
{
    struct slow_write_state *state;
    struct tevent_req *req =
        tevent_req_create(mem_ctx, &state, struct slow_write_state);
    if (req == NULL) {
        return NULL;
    }
    *state = (struct slow_write_state){
        .ev = ev,
        .fd = fd,
        .chunks = chunks,
        .pause_usec = pause_usec,
    };
    slow_write_next(req);
    if (!tevent_req_is_in_progress(req)) {
        return tevent_req_post(req, ev);
    }
    return req;
}

/* Waits a little, then writes the next chunk; done after the last one. */
static void slow_write_next(struct tevent_req *req)
{
    struct slow_write_state *state =
        tevent_req_data(req, struct slow_write_state);
    if (*state->chunks == NULL) {
        tevent_req_done(req);
        return;
    }
    struct tevent_req *subreq = tevent_wakeup_send(
        state, state->ev, tevent_timeval_current_ofs(0, state->pause_usec));
    if (tevent_req_nomem(subreq, req)) {
        return;
    }
    tevent_req_set_callback(subreq, slow_write_woke_up, req);
}

static void slow_write_woke_up(struct tevent_req *subreq)
{
    struct tevent_req *req =
        tevent_req_callback_data(subreq, struct tevent_req);
    struct slow_write_state *state =
        tevent_req_data(req, struct slow_write_state);
    bool ok = tevent_wakeup_recv(subreq);
    TALLOC_FREE(subreq);
    if (!ok) {
        tevent_req_error(req, EIO);
        return;
    }
    const char *chunk = *state->chunks++;
    size_t len = strlen(chunk);
    if (write(state->fd, chunk, len) != (ssize_t)len) {
        tevent_req_error(req, errno != 0 ? errno : EIO);
        return;
    }
    slow_write_next(req);
}

static int slow_write_recv(struct tevent_req *req)
{
    int err = req_errno(req);
    tevent_req_received(req);
    return err;
}

/* ------------------------------------------------------------------ */

int main(void)
{
    TALLOC_CTX *mem_ctx = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem_ctx);
    int sv[2];
    int status = 1;

    if (ev == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        perror("setup");
        return 1;
    }
    fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK);

    static const char *const chunks[] = {"hel", "lo wo", "rld\npartial", NULL};
    struct tevent_req *writer =
        slow_write_send(mem_ctx, ev, sv[0], chunks, 10000);
    struct tevent_req *reader =
        read_line_send(mem_ctx, ev, sv[1], tevent_timeval_current_ofs(5, 0));
    if (writer == NULL || reader == NULL) {
        fprintf(stderr, "out of memory\n");
        goto out;
    }

    if (!tevent_req_poll(reader, ev)) {
        perror("tevent_req_poll");
        goto out;
    }
    char *line = NULL;
    int err = read_line_recv(reader, mem_ctx, &line);
    printf("first read: %s \"%s\"\n", strerror(err), line ? line : "");
    if (err != 0 || strcmp(line, "hello world") != 0) {
        goto out;
    }

    if (!tevent_req_poll(writer, ev) || slow_write_recv(writer) != 0) {
        fprintf(stderr, "writer failed\n");
        goto out;
    }

    /* "partial" is waiting in the socket, but its newline never comes. */
    reader = read_line_send(mem_ctx, ev, sv[1],
                            tevent_timeval_current_ofs(0, 50000));
    if (reader == NULL || !tevent_req_poll(reader, ev)) {
        fprintf(stderr, "second read failed to run\n");
        goto out;
    }
    err = read_line_recv(reader, mem_ctx, &line);
    printf("second read: %s\n", strerror(err));
    if (err == ETIMEDOUT) {
        status = 0;
    }

out:
    close(sv[0]);
    close(sv[1]);
    talloc_free(mem_ctx);
    return status;
}
