// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Exported tevent_queue entry points.

#include "../queue.hpp"

// The header turns these names into macros that pass the trigger's name;
// the plain functions remain exported for binaries built before 0.15.
#undef tevent_queue_add
#undef tevent_queue_add_entry
#undef tevent_queue_add_optimize_empty

TEVENT_EXPORT struct tevent_queue *_tevent_queue_create(TALLOC_CTX *mem_ctx,
                                                        const char *name,
                                                        const char *location)
{
    return tev::queue_create(mem_ctx, name, location);
}

TEVENT_EXPORT bool tevent_queue_add(struct tevent_queue *queue,
                                    struct tevent_context *ev,
                                    struct tevent_req *req,
                                    tevent_queue_trigger_fn_t trigger,
                                    void *private_data)
{
    return tev::queue_add(queue, ev, req, trigger, nullptr, private_data,
                          false) != nullptr;
}

TEVENT_EXPORT bool
_tevent_queue_add(struct tevent_queue *queue, struct tevent_context *ev,
                  struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
                  const char *trigger_name, void *private_data)
{
    return tev::queue_add(queue, ev, req, trigger, trigger_name, private_data,
                          false) != nullptr;
}

TEVENT_EXPORT struct tevent_queue_entry *
tevent_queue_add_entry(struct tevent_queue *queue, struct tevent_context *ev,
                       struct tevent_req *req,
                       tevent_queue_trigger_fn_t trigger, void *private_data)
{
    return tev::queue_add(queue, ev, req, trigger, nullptr, private_data,
                          false);
}

TEVENT_EXPORT struct tevent_queue_entry *
_tevent_queue_add_entry(struct tevent_queue *queue, struct tevent_context *ev,
                        struct tevent_req *req,
                        tevent_queue_trigger_fn_t trigger,
                        const char *trigger_name, void *private_data)
{
    return tev::queue_add(queue, ev, req, trigger, trigger_name, private_data,
                          false);
}

TEVENT_EXPORT struct tevent_queue_entry *tevent_queue_add_optimize_empty(
    struct tevent_queue *queue, struct tevent_context *ev,
    struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
    void *private_data)
{
    return tev::queue_add(queue, ev, req, trigger, nullptr, private_data, true);
}

TEVENT_EXPORT struct tevent_queue_entry *_tevent_queue_add_optimize_empty(
    struct tevent_queue *queue, struct tevent_context *ev,
    struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
    const char *trigger_name, void *private_data)
{
    return tev::queue_add(queue, ev, req, trigger, trigger_name, private_data,
                          true);
}

TEVENT_EXPORT void
tevent_queue_entry_untrigger(struct tevent_queue_entry *entry)
{
    tev::queue_entry_untrigger(entry);
}

TEVENT_EXPORT void tevent_queue_start(struct tevent_queue *queue)
{
    tev::queue_start(queue);
}

TEVENT_EXPORT void tevent_queue_stop(struct tevent_queue *queue)
{
    tev::queue_stop(queue);
}

TEVENT_EXPORT size_t tevent_queue_length(struct tevent_queue *queue)
{
    return tev::queue_length(queue);
}

TEVENT_EXPORT bool tevent_queue_running(struct tevent_queue *queue)
{
    return tev::queue_running(queue);
}

TEVENT_EXPORT struct tevent_req *
tevent_queue_wait_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
                       struct tevent_queue *queue)
{
    return tev::queue_wait_send(mem_ctx, ev, queue);
}

TEVENT_EXPORT bool tevent_queue_wait_recv(struct tevent_req *req)
{
    return tev::queue_wait_recv(req);
}

TEVENT_EXPORT void tevent_queue_entry_set_tag(struct tevent_queue_entry *qe,
                                              uint64_t tag)
{
    tev::queue_entry_set_tag(qe, tag);
}

TEVENT_EXPORT uint64_t
tevent_queue_entry_get_tag(const struct tevent_queue_entry *qe)
{
    return tev::queue_entry_get_tag(qe);
}
