/* SPDX-License-Identifier: LGPL-3.0-or-later */
/* Workloads of requests and queues. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

/* The 8-byte state of every request here. */
struct req_state {
    uint64_t value;
};

/*
 * The 0.9.9 entry points (not the macros of newer headers), so that the
 * binary also runs on tevent 0.14.
 */
static struct tevent_req *create(TALLOC_CTX *mem)
{
    struct req_state *state;
    struct tevent_req *req =
        _tevent_req_create(mem, &state, sizeof(struct req_state),
                           "struct req_state", __location__);
    if (req == NULL) {
        die("tevent_req_create");
    }
    return req;
}

static void free_req(struct tevent_req *req)
{
    unsigned *left = tevent_req_callback_data_void(req);
    *left -= 1;
    talloc_free(req);
}

static void check_all_done(unsigned left)
{
    if (left != 0) {
        fprintf(stderr, "bench: %u requests left\n", left);
        exit(1);
    }
}

/* --- req_chain: one op = create, done, post, and the loop iteration whose
 * callback frees the request --- */

MEASURED void measured_req_chain(struct tevent_context *ev, TALLOC_CTX *mem,
                                 unsigned ops, unsigned *left)
{
    for (unsigned i = 0; i < ops; i++) {
        struct tevent_req *req = create(mem);
        tevent_req_done(req);
        tevent_req_post(req, ev);
        (tevent_req_set_callback)(req, free_req, left);
        tevent_loop_once(ev);
    }
}

double bench_req_chain(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    unsigned left = a->ops;

    double t = now_ns();
    measured_req_chain(ev, mem, a->ops, &left);
    t = now_ns() - t;
    check_all_done(left);
    talloc_free(mem);
    return t / a->ops;
}

/* --- queue: one op = a request created and added to one queue that holds
 * all ops of them; its trigger calls done, its callback frees it --- */

static void trigger_done(struct tevent_req *req, void *private_data)
{
    (void)private_data;
    tevent_req_done(req);
}

MEASURED void measured_queue(struct tevent_context *ev, TALLOC_CTX *mem,
                             struct tevent_queue *queue, unsigned ops,
                             unsigned *left)
{
    for (unsigned i = 0; i < ops; i++) {
        struct tevent_req *req = create(mem);
        (tevent_req_set_callback)(req, free_req, left);
        if (!(tevent_queue_add)(queue, ev, req, trigger_done, NULL)) {
            die("tevent_queue_add");
        }
    }
    while (*left > 0) {
        tevent_loop_once(ev);
    }
}

double bench_queue(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    struct tevent_context *ev = bench_context(mem, a->backend);
    struct tevent_queue *queue = tevent_queue_create(mem, "bench");
    unsigned left = a->ops;

    double t = now_ns();
    measured_queue(ev, mem, queue, a->ops, &left);
    t = now_ns() - t;
    check_all_done(left);
    talloc_free(mem);
    return t / a->ops;
}

/* --- req_bytes: malloc'ed bytes per pending request --- */

double bench_req_bytes(const struct bench_args *a)
{
    TALLOC_CTX *mem = talloc_new(NULL);

    size_t before = malloc_in_use();
    for (unsigned i = 0; i < a->ops; i++) {
        create(mem);
    }
    double bytes = (double)(malloc_in_use() - before) / a->ops;
    talloc_free(mem);
    return bytes;
}
