// SPDX-License-Identifier: MIT
#include "localuser.h"

#include <cstring>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace LocalUser {
namespace {
// The address as the kernel keeps it: IPv4 (a v4-mapped one too) or IPv6.
bool toKernel(const QHostAddress &address, int *family, __be32 out[4])
{
    std::memset(out, 0, 4 * sizeof(__be32));
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4) {
        *family = AF_INET;
        out[0] = htonl(v4);
        return true;
    }
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return false;
    *family = AF_INET6;
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    std::memcpy(out, v6.c, 16);
    return true;
}

QByteArray loginName(uint uid)
{
    passwd pw {};
    passwd *found = nullptr;
    char buffer[4096];
    if (::getpwuid_r(uid, &pw, buffer, sizeof buffer, &found) == 0 && found && found->pw_name && *found->pw_name)
        return QByteArray(found->pw_name);
    return QByteArray::number(uid);
}
} // namespace

Owner ofConnection(const QHostAddress &peer, quint16 peerPort, const QHostAddress &local, quint16 localPort)
{
    Owner owner;
    bool mapped = false;
    const quint32 v4 = peer.toIPv4Address(&mapped);
    const QHostAddress plainPeer = mapped ? QHostAddress(v4) : peer;
    if (!plainPeer.isLoopback())
        return owner;
    int family = 0, localFamily = 0;
    struct {
        nlmsghdr header;
        inet_diag_req_v2 request;
    } message {};
    // The client's socket: its source is the peer, its destination this server's end.
    if (!toKernel(peer, &family, message.request.id.idiag_src)
        || !toKernel(local, &localFamily, message.request.id.idiag_dst) || family != localFamily)
        return owner;
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST;
    message.request.sdiag_family = quint8(family);
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = ~0u;
    message.request.id.idiag_sport = htons(peerPort);
    message.request.id.idiag_dport = htons(localPort);
    message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

    const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return owner;
    sockaddr_nl kernel {};
    kernel.nl_family = AF_NETLINK;
    timeval timeout {1, 0}; // the kernel answers at once; never hang a worker thread on it
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::sendto(fd, &message, sizeof message, 0, reinterpret_cast<sockaddr *>(&kernel), sizeof kernel)
        == ssize_t(sizeof message)) {
        alignas(nlmsghdr) char buffer[8192];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        // One socket asked for, one answer (or an error message, NLMSG_ERROR, when it is gone).
        const auto *h = reinterpret_cast<const nlmsghdr *>(buffer);
        if (n > 0 && NLMSG_OK(h, unsigned(n)) && h->nlmsg_type == SOCK_DIAG_BY_FAMILY
            && h->nlmsg_len >= NLMSG_LENGTH(sizeof(inet_diag_msg))) {
            const auto *diag = static_cast<const inet_diag_msg *>(NLMSG_DATA(h));
            owner.known = true;
            owner.uid = diag->idiag_uid;
        }
    }
    ::close(fd);
    if (owner.known)
        owner.name = loginName(owner.uid);
    return owner;
}
} // namespace LocalUser
