/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Example: fd events, including TEVENT_FD_ERROR.
 *
 * A connection object owns one end of a socketpair and the fd event that
 * watches it.  main() plays the peer on the other end, step by step:
 *
 *   1. The connection wants to send: its event waits for TEVENT_FD_WRITE,
 *      sends a request, then stops asking for WRITE (a socket with buffer
 *      space is writable all the time) and asks for TEVENT_FD_ERROR only:
 *      it is not ready to read yet, but wants to hear if the peer goes.
 *   2. The peer answers.  The data is there, but an event that asks for
 *      TEVENT_FD_ERROR only is not called for data.
 *   3. The peer hangs up.  Now the ERROR event fires; the connection
 *      switches to TEVENT_FD_READ to collect what is still buffered.
 *   4. It reads the answer, then end of file, and frees itself from inside
 *      its own handler, which removes the event and closes the socket.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

//! [conn]
struct conn {
    int fd;
    struct tevent_fd *fde; /* a child of this struct */
    const char *request;
};

static void conn_handler(struct tevent_context *ev, struct tevent_fd *fde,
                         uint16_t flags, void *private_data);

static struct conn *conn_create(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
                                int fd, const char *request)
{
    struct conn *conn = talloc_zero(mem_ctx, struct conn);
    if (conn == NULL) {
        return NULL;
    }
    conn->fd = fd;
    conn->request = request;
    conn->fde =
        tevent_add_fd(ev, conn, fd, TEVENT_FD_WRITE, conn_handler, conn);
    if (conn->fde == NULL) {
        talloc_free(conn);
        return NULL;
    }
    /* Freeing the event (with the conn) closes the socket, after tevent
     * has stopped watching it. */
    tevent_fd_set_auto_close(conn->fde);
    return conn;
}
//! [conn]

static const char *flag_names(uint16_t flags)
{
    switch (flags) {
    case TEVENT_FD_READ:
        return "READ";
    case TEVENT_FD_WRITE:
        return "WRITE";
    case TEVENT_FD_ERROR:
        return "ERROR";
    default:
        return "a combination";
    }
}

//! [handler]
static void conn_handler(struct tevent_context *ev, struct tevent_fd *fde,
                         uint16_t flags, void *private_data)
{
    struct conn *conn = talloc_get_type_abort(private_data, struct conn);
    char buf[64];
    ssize_t n;
    (void)ev;

    printf("conn: called with %s\n", flag_names(flags));

    if (flags & TEVENT_FD_WRITE) {
        n = write(conn->fd, conn->request, strlen(conn->request));
        printf("conn: sent %zd bytes; now watching for errors only\n", n);
        TEVENT_FD_NOT_WRITEABLE(fde);
        TEVENT_FD_WANTERROR(fde);
        return;
    }
    if (flags & TEVENT_FD_ERROR) {
        /* The peer is gone, but what it sent before is still buffered. */
        printf("conn: the peer hung up; reading what is left\n");
        tevent_fd_set_flags(fde, TEVENT_FD_READ);
        return;
    }

    /* READ: data, end of file or an error; read() tells which. */
    n = read(conn->fd, buf, sizeof(buf));
    if (n > 0) {
        printf("conn: read \"%.*s\"\n", (int)n, buf);
        return;
    }
    printf("conn: %s; freeing the connection\n",
           n == 0 ? "end of file" : strerror(errno));
    /* This frees fde too, while its handler runs: tevent allows that and
     * releases the memory when the handler returns. */
    talloc_free(conn);
}
//! [handler]

int main(void)
{
    TALLOC_CTX *mem_ctx = talloc_new(NULL);
    struct tevent_context *ev = tevent_context_init(mem_ctx);
    struct conn *conn;
    char buf[64];
    int sv[2];
    int ret;

    if (ev == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        perror("setup");
        return 1;
    }
    conn = conn_create(mem_ctx, ev, sv[0], "ping");
    if (conn == NULL) {
        return 1;
    }

    /* 1. The socket is writable at once. */
    tevent_loop_once(ev);

    //! [peer]
    /* 2. The peer reads the request and answers. */
    ret = (int)read(sv[1], buf, sizeof(buf));
    printf("peer: got \"%.*s\", answers \"pong\"\n", ret, buf);
    if (write(sv[1], "pong", 4) != 4) {
        return 1;
    }
    /* Look without blocking: nothing is due, although data is waiting. */
    tevent_context_set_wait_timeout(ev, 0);
    ret = tevent_loop_once(ev);
    printf("loop: %s\n", ret == -1 && errno == EAGAIN
                             ? "nothing to do, the answer stays unread"
                             : "unexpected: something ran");
    tevent_context_set_wait_timeout(ev, 30);

    /* 3. The peer hangs up. */
    printf("peer: closes its end\n");
    close(sv[1]);
    //! [peer]

    /* 4. Run until the connection has freed itself and nothing is left. */
    ret = tevent_loop_wait(ev);
    printf("loop: finished with %d, no events left\n", ret);

    talloc_free(mem_ctx);
    return ret == 0 ? 0 : 1;
}
