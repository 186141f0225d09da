// SPDX-License-Identifier: MIT
#pragma once

#include "latencyhistogram.h"

#include <QByteArray>
#include <QMutex>
#include <array>

// Where a relayed message's time (PRIVMSG, NOTICE) goes on its way through the server, stage by
// stage, for the whole run:
// each thread records its own stages in histograms of its own, and adds them here once, as it
// finishes; the server logs the sum when it stops. The stamps cost two clock reads per message
// and one per batch, and nothing per receiver.
class DeliveryStages {
public:
    enum Stage {
        ToHub,     // a worker thread parsed the line -> the hub takes it up (the hand-off)
        InHub,     // the hub takes the line up -> hands its frames to the worker threads
        ToWorker,  // handed over -> a worker thread takes the batch up (the hand-off back)
        ToSockets, // taken up -> that thread's flush has written it to every receiver's socket
        StageCount
    };
    using Histograms = std::array<LatencyHistogram, StageCount>;

    void add(const Histograms &local);
    // One line for the log: each stage's p50, p99 and maximum in microseconds, over the messages
    // relayed; empty if none was.
    QByteArray summary() const;

private:
    mutable QMutex m_mutex;
    Histograms m_total;
};
