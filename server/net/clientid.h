// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

// A connection's identity for its whole life. Handed across threads instead of pointers, so a
// delivery to a connection that has just gone away finds nothing instead of freed memory.
using ClientId = quint64;
