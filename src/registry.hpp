// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The backend registry (registry.cpp).
#pragma once

#include "core.hpp"

namespace tev
{

bool register_backend(const char *name, const tevent_ops *ops);
void set_default_backend(const char *name);
const tevent_ops *find_ops_byname(const char *name);
const char **backend_list(TALLOC_CTX *mem_ctx);

} // namespace tev
