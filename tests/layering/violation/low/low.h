// SPDX-License-Identifier: MIT
// A lower layer that includes a higher one and a Qt module it does not link: two violations.
#pragma once
#include "high/high.h"
#include <QByteArray>
#include <QTcpSocket>
