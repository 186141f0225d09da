// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHostAddress>

// Who is on the other end of a loopback TCP connection: the kernel knows which user owns the
// client's socket (its sock_diag netlink interface answers for one socket by its addresses and
// ports), as an identd would say. Only loopback: for a remote peer the owner is another
// machine's business. Empty when it cannot be told.
namespace LocalUser {
struct Owner {
    bool known = false;
    uint uid = 0;
    QByteArray name; // the login name, or the uid in digits when it has none
};
Owner ofConnection(const QHostAddress &peer, quint16 peerPort, const QHostAddress &local, quint16 localPort);
} // namespace LocalUser
