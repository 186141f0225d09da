// SPDX-License-Identifier: MIT
// A higher layer including a lower one: allowed.
#pragma once
#include "low/low.h"
#include <QByteArray>
