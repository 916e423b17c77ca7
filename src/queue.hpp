// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Request queues (queue.cpp).  The queue and entry layouts are private to
// queue.cpp; everything else only sees the opaque C types.
#pragma once

#include "core.hpp"

namespace tev
{

tevent_queue *queue_create(TALLOC_CTX *mem_ctx, const char *name,
                           const char *location);

// Appends req.  With allow_direct, an idle running queue calls the trigger
// inside this call instead of through the queue's immediate.
tevent_queue_entry *queue_add(tevent_queue *queue, tevent_context *ev,
                              tevent_req *req,
                              tevent_queue_trigger_fn_t trigger,
                              const char *trigger_name, void *private_data,
                              bool allow_direct);

void queue_entry_untrigger(tevent_queue_entry *entry);
void queue_start(tevent_queue *queue);
void queue_stop(tevent_queue *queue);
size_t queue_length(const tevent_queue *queue);
bool queue_running(const tevent_queue *queue);

tevent_req *queue_wait_send(TALLOC_CTX *mem_ctx, tevent_context *ev,
                            tevent_queue *queue);
bool queue_wait_recv(tevent_req *req);

void queue_entry_set_tag(tevent_queue_entry *entry, uint64_t tag);
uint64_t queue_entry_get_tag(const tevent_queue_entry *entry);

} // namespace tev
