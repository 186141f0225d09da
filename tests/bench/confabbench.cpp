// SPDX-License-Identifier: MIT
// confab-bench: IRC server benchmark. See --help, docs/performance.md and
// resources/scripts/bench.sh. Loopback only, every workload bounded in count and time.

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <functional>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace {

using Ns = long long;
Ns now()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return Ns(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
double cpuSeconds()
{
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct Options {
    std::string host = "127.0.0.1";
    int port = 6667;
    std::string workload = "all";
    std::string label = "server";
    int serverPid = 0;
    // Nodes of one cluster (--port P1,P2 and --server-pid A,B): connection i goes to ports[i %
    // n], and the servers' CPU time is theirs together. --redis-pid: Redis's CPU time too.
    std::vector<int> ports;
    std::vector<int> serverPids;
    int redisPid = 0;
    double duration = 10; // fanout and saturation, seconds
    int fanoutClients = 500;
    int fanoutSenders = 10;
    int fanoutRate = 20; // messages per second per sender
    int saturationClients = 100;
    int window = 8;
    int idleClients = 5000;
    int connectWindow = 200; // registrations in flight at once
    long historyMessages = 1'000'000;
    int stormLogins = 200;        // loginstorm: SASL logins started at once a quarter into the fanout run
    int reconnectClients = 5000;  // reconnect: clients that all connect at once
    int bigChannelMembers = 5000; // bigchannel: members of the one channel
    int bigChannelRounds = 100;   // bigchannel: JOIN/PART pairs, WHOs and messages timed
    std::string databaseFile;     // the server's history database, to report its size
    bool progress = true;
    bool tls = false;         // every connection speaks TLS (the server's --tls-listen port)
    int handshakeWindow = 50; // handshakes: new connections in flight at once
};

struct Conn {
    int fd = -1;
    SSL *ssl = nullptr;       // with --tls
    bool handshaking = false; // TLS handshake not finished yet
    int index = 0;
    std::string in;
    std::string out;
    size_t outPos = 0;
    bool registered = false;
    bool joined = false;
    bool closed = false;
    int error = 0; // errno when closed by an error
};

// Latency samples in microseconds.
struct Stats {
    std::vector<double> us;
    void add(Ns ns) { us.push_back(double(ns) / 1000.0); }
    double pct(double p)
    {
        if (us.empty())
            return 0;
        const size_t k = std::min(us.size() - 1, size_t(p / 100.0 * double(us.size())));
        std::nth_element(us.begin(), us.begin() + long(k), us.end());
        return us[k];
    }
    double mean() const
    {
        double s = 0;
        for (double v : us)
            s += v;
        return us.empty() ? 0 : s / double(us.size());
    }
    double max() const { return us.empty() ? 0 : *std::max_element(us.begin(), us.end()); }
};

// A numeric field of /proc/PID/status ("VmRSS:", "Threads:"), or -1.
long procStatusField(int pid, const char *field)
{
    if (pid <= 0)
        return -1;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    long value = -1;
    const size_t n = std::strlen(field);
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, field, n) == 0)
            value = std::atol(line + n);
    std::fclose(f);
    return value;
}

// The CPU time (user and system) the process has used so far, in seconds, or -1.
double processCpuSeconds(int pid);

// The CPU time of every server the bench drives (one, or a cluster's nodes); -1 if any is unknown.
double serversCpuSeconds(const Options &o)
{
    if (o.serverPids.empty())
        return processCpuSeconds(o.serverPid);
    double total = 0;
    for (int pid : o.serverPids) {
        const double one = processCpuSeconds(pid);
        if (one < 0)
            return -1;
        total += one;
    }
    return total;
}

double processCpuSeconds(int pid)
{
    if (pid <= 0)
        return -1;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char buf[1024];
    const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    // The command name is in parentheses and may hold spaces: fields count from the last ')'.
    const char *p = std::strrchr(buf, ')');
    if (!p)
        return -1;
    unsigned long utime = 0, stime = 0;
    // Fields 3 to 13 are skipped; 14 and 15 are utime and stime, in clock ticks.
    if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// The event loop: every connection non-blocking in one epoll set; writes are buffered and
// flushed once per pass.
class Loop {
public:
    using LineHandler = std::function<void(Conn &, std::string_view)>;

    explicit Loop(const Options &o)
        : m_opt(o)
    {
        m_ep = epoll_create1(EPOLL_CLOEXEC);
        for (int port : o.ports.empty() ? std::vector<int> {o.port} : o.ports) {
            sockaddr_in addr;
            std::memset(&addr, 0, sizeof addr);
            addr.sin_family = AF_INET;
            addr.sin_port = htons(uint16_t(port));
            inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr);
            m_addrs.push_back(addr);
        }
        if (o.tls) {
            // The server's certificate is a throw-away one: not verified, as a benchmark of the
            // transport, not of trust.
            m_tls = SSL_CTX_new(TLS_client_method());
            SSL_CTX_set_verify(m_tls, SSL_VERIFY_NONE, nullptr);
        }
    }
    ~Loop()
    {
        closeAll();
        ::close(m_ep);
        if (m_tls)
            SSL_CTX_free(m_tls);
    }

    // Called when a connection's TLS handshake has ended (with --tls).
    std::function<void(Conn &)> onSecured;

    std::vector<Conn> conns;
    LineHandler onLine;

    // One more connection, after prepare(); its index.
    int add()
    {
        conns.emplace_back();
        conns.back().index = int(conns.size()) - 1;
        m_dirtyFlag.push_back(false);
        return conns.back().index;
    }

    void prepare(int n)
    {
        conns.assign(size_t(n), Conn());
        for (int i = 0; i < n; ++i)
            conns[size_t(i)].index = i;
        m_dirtyFlag.assign(conns.size(), false);
    }

    bool start(int i)
    {
        {
            Conn &c = conns[size_t(i)];
            c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (c.fd < 0) {
                std::fprintf(stderr, "socket: %s\n", std::strerror(errno));
                return false;
            }
            const int one = 1;
            setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            // A thousand connections per source address (127.0.0.10 and up): with tens of
            // thousands from one address to one port, the kernel's search for a free source port
            // in connect() takes longer with every connection, and the bench, not the server,
            // became what the idle workload measured (7 s of its own system time for 20,000).
            // The port is still chosen at connect() (IP_BIND_ADDRESS_NO_PORT).
            const sockaddr_in &addr = m_addrs[size_t(i) % m_addrs.size()];
            if (addr.sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
                sockaddr_in source {};
                source.sin_family = AF_INET;
                source.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 9 + uint32_t(i / 1000));
                setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
                if (::bind(c.fd, reinterpret_cast<sockaddr *>(&source), sizeof source) < 0) {
                    std::fprintf(stderr, "bind: %s\n", std::strerror(errno));
                    return false;
                }
            }
            if (::connect(c.fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) < 0 && errno != EINPROGRESS) {
                std::fprintf(stderr, "connect: %s\n", std::strerror(errno));
                return false;
            }
            if (m_tls) {
                c.ssl = SSL_new(m_tls);
                SSL_set_fd(c.ssl, c.fd);
                SSL_set_connect_state(c.ssl);
                // A write may be retried with more data behind it, and may end part-way.
                SSL_set_mode(c.ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
                c.handshaking = true;
            }
            epoll_event ev {};
            ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
            ev.data.u32 = uint32_t(i);
            epoll_ctl(m_ep, EPOLL_CTL_ADD, c.fd, &ev);
        }
        return true;
    }

    // Closes one connection (its slot stays, marked closed by us, not by the server).
    void drop(Conn &c)
    {
        if (c.ssl) {
            SSL_free(c.ssl);
            c.ssl = nullptr;
        }
        if (c.fd >= 0) {
            epoll_ctl(m_ep, EPOLL_CTL_DEL, c.fd, nullptr);
            ::close(c.fd);
            c.fd = -1;
        }
    }

    std::string firstError() const
    {
        for (const Conn &c : conns)
            if (c.closed)
                return c.error ? std::strerror(c.error) : "closed by the server";
        return {};
    }

    void closeAll()
    {
        for (Conn &c : conns)
            drop(c);
        conns.clear();
    }

    void send(Conn &c, std::string_view data)
    {
        c.out.append(data);
        if (c.fd >= 0 && !m_dirtyFlag[size_t(c.index)]) {
            m_dirtyFlag[size_t(c.index)] = true;
            m_dirty.push_back(c.index);
        }
    }

    // For latency measurements: the message's time stamp is taken as it is formatted, so it is
    // written at once rather than at the end of this pass, after every other ready socket has
    // been read. Otherwise the bench's own pass would count as the server's latency.
    void sendNow(Conn &c, std::string_view data)
    {
        c.out.append(data);
        if (c.fd >= 0)
            writeSome(c);
    }

    // One pass: wait up to timeoutMs for events, read and dispatch every complete line, flush.
    void pass(int timeoutMs)
    {
        flush();
        epoll_event events[256];
        const int n = epoll_wait(m_ep, events, 256, timeoutMs);
        for (int k = 0; k < n; ++k) {
            Conn &c = conns[events[k].data.u32];
            if (c.fd < 0)
                continue;
            // A handshake's end may close the connection (the handshakes workload).
            if (c.handshaking && (!handshake(c) || c.fd < 0))
                continue;
            if (events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                readAll(c);
            if (events[k].events & EPOLLOUT)
                writeSome(c);
        }
        flush();
    }

    int closedCount() const
    {
        int n = 0;
        for (const Conn &c : conns)
            n += c.closed;
        return n;
    }

private:
    void flush()
    {
        for (int i : m_dirty) {
            m_dirtyFlag[size_t(i)] = false;
            writeSome(conns[size_t(i)]);
        }
        m_dirty.clear();
    }

    // Moves a TLS handshake on; true once it has ended.
    bool handshake(Conn &c)
    {
        const int r = SSL_do_handshake(c.ssl);
        if (r == 1) {
            c.handshaking = false;
            if (onSecured)
                onSecured(c);
            return true;
        }
        const int e = SSL_get_error(c.ssl, r);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            c.closed = true;
            c.error = ECONNRESET;
            ERR_clear_error();
        }
        return false;
    }

    // send() or SSL_write(): bytes written, 0 to wait for the socket, -1 for the end.
    ssize_t sendSome(Conn &c, const char *data, size_t size)
    {
        if (!c.ssl) {
            const ssize_t w = ::send(c.fd, data, size, MSG_NOSIGNAL);
            if (w < 0 && (errno == EAGAIN || errno == ENOTCONN))
                return 0;
            if (w <= 0)
                c.error = w < 0 ? errno : 0;
            return w <= 0 ? -1 : w;
        }
        if (c.handshaking && !handshake(c))
            return c.closed ? -1 : 0;
        const int w = SSL_write(c.ssl, data, int(std::min<size_t>(size, 1 << 30)));
        if (w > 0)
            return w;
        const int e = SSL_get_error(c.ssl, w);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
            return 0;
        ERR_clear_error();
        c.error = ECONNRESET;
        return -1;
    }

    // recv() or SSL_read(): bytes read, 0 when nothing waits, -1 for the end.
    ssize_t receiveSome(Conn &c, char *buf, size_t size)
    {
        if (!c.ssl) {
            const ssize_t r = ::recv(c.fd, buf, size, 0);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return 0;
            if (r <= 0)
                c.error = r < 0 ? errno : 0;
            return r <= 0 ? -1 : r;
        }
        if (c.handshaking && !handshake(c))
            return c.closed ? -1 : 0;
        const int r = SSL_read(c.ssl, buf, int(size));
        if (r > 0)
            return r;
        const int e = SSL_get_error(c.ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
            return 0;
        ERR_clear_error();
        c.error = e == SSL_ERROR_ZERO_RETURN ? 0 : ECONNRESET;
        return -1;
    }

    void writeSome(Conn &c)
    {
        while (c.outPos < c.out.size() && !c.closed) {
            const ssize_t w = sendSome(c, c.out.data() + c.outPos, c.out.size() - c.outPos);
            if (w == 0)
                return; // EPOLLOUT will call again
            if (w < 0) {
                c.closed = true;
                return;
            }
            c.outPos += size_t(w);
        }
        if (c.outPos == c.out.size()) {
            c.out.clear();
            c.outPos = 0;
        }
    }

    void readAll(Conn &c)
    {
        char buf[65536];
        for (;;) {
            const ssize_t r = receiveSome(c, buf, sizeof buf);
            if (r > 0) {
                c.in.append(buf, size_t(r));
                continue;
            }
            if (r < 0)
                c.closed = true;
            break;
        }
        size_t start = 0;
        for (;;) {
            const size_t nl = c.in.find('\n', start);
            if (nl == std::string::npos)
                break;
            size_t len = nl - start;
            if (len > 0 && c.in[start + len - 1] == '\r')
                --len;
            const std::string_view line(c.in.data() + start, len);
            if (line.size() > 5 && line.compare(0, 5, "PING ") == 0) {
                std::string pong = "PONG ";
                pong.append(line.substr(5));
                pong += "\r\n";
                send(c, pong);
            } else if (onLine) {
                onLine(c, line);
            }
            start = nl + 1;
        }
        c.in.erase(0, start);
    }

    const Options &m_opt;
    SSL_CTX *m_tls = nullptr;
    int m_ep;
    std::vector<sockaddr_in> m_addrs; // one per node
    std::vector<int> m_dirty;
    std::vector<bool> m_dirtyFlag;
};

// Registers n connections (and joins #bench when asked); returns seconds taken, or -1.
double connectAndRegister(Loop &loop, int n, bool join, double timeoutS, int window)
{
    const Ns t0 = now();
    loop.prepare(n);
    // A fresh nick prefix per workload: the server may still be retiring the last one's clients.
    static int generation = 0;
    const std::string prefix = "b" + std::to_string(++generation) + "x";
    int started = 0;
    auto startMore = [&](int ready) {
        // At most `window` registrations in flight: a burst larger than a server's accept
        // queue would measure its backlog, not its speed.
        while (started < n && started - ready < window) {
            Conn &c = loop.conns[size_t(started)];
            if (!loop.start(started))
                return false;
            const std::string nick = prefix + std::to_string(c.index);
            loop.send(c, "NICK " + nick + "\r\nUSER " + nick + " 0 * :bench\r\n");
            ++started;
        }
        return true;
    };
    int registered = 0, joined = 0;
    loop.onLine = [&](Conn &c, std::string_view line) {
        // ":server 001 nick ..." and ":server 366 nick #bench ..."
        const size_t sp = line.find(' ');
        if (sp == std::string_view::npos)
            return;
        const std::string_view rest = line.substr(sp + 1);
        if (!c.registered && rest.compare(0, 4, "001 ") == 0) {
            c.registered = true;
            ++registered;
            if (join)
                loop.send(c, "JOIN #bench\r\n");
        } else if (join && !c.joined && rest.compare(0, 4, "366 ") == 0
                   && rest.find("#bench") != std::string_view::npos) {
            c.joined = true;
            ++joined;
        }
    };
    const Ns deadline = t0 + Ns(timeoutS * 1e9);
    while ((join ? joined : registered) < n && now() < deadline) {
        if (!startMore(join ? joined : registered))
            return -1;
        loop.pass(50);
        if (loop.closedCount() > 0) {
            std::fprintf(stderr, "\n%d connections closed during registration (%s)\n", loop.closedCount(),
                         loop.firstError().c_str());
            return -1;
        }
    }
    if ((join ? joined : registered) < n) {
        std::fprintf(stderr, "\nonly %d of %d registered in time\n", join ? joined : registered, n);
        return -1;
    }
    loop.onLine = nullptr;
    return double(now() - t0) / 1e9;
}

// "... PRIVMSG #bench :S Q T" -> sender, seq, timestamp. Only live messages: a server that
// replays a channel's last lines to whoever joins marks them ("[HH:MM] ..."), and they are not
// deliveries of this run.
bool parseBenchMessage(std::string_view line, int *sender, long *seq, Ns *stamp)
{
    const size_t p = line.find(" PRIVMSG #bench :");
    if (p == std::string_view::npos)
        return false;
    const char *s = line.data() + p + 17;
    const char *end = line.data() + line.size();
    if (s >= end || *s < '0' || *s > '9')
        return false;
    char *e = nullptr;
    *sender = int(std::strtol(s, &e, 10));
    if (e >= end)
        return false;
    *seq = std::strtol(e + 1, &e, 10);
    if (e >= end)
        return false;
    *stamp = std::strtoll(e + 1, &e, 10);
    return true;
}

std::string benchMessage(int sender, long seq)
{
    char buf[128];
    const int n = std::snprintf(
        buf, sizeof buf, "PRIVMSG #bench :%d %ld %lld padding-to-a-realistic-chat-line-length\r\n", sender, seq, now());
    return std::string(buf, size_t(n));
}

struct Result {
    std::string workload;
    std::string json;
    std::string table;
};

// Nodes of a cluster learn of each other's joins through Redis: the first messages would miss
// members another node has not applied yet, and be counted lost. A second settles it.
void settle(const Options &o, Loop &loop)
{
    if (o.ports.size() < 2)
        return;
    const Ns end = now() + 1'000'000'000;
    while (now() < end)
        loop.pass(10);
}

void progress(const Options &o, const char *name, double elapsed, long deliveries)
{
    if (!o.progress)
        return;
    std::fprintf(stderr, "\r[%s] %-10s %6.1f s  %11ld deliveries  %9.0f/s   ", o.label.c_str(), name, elapsed,
                 deliveries, elapsed > 0 ? double(deliveries) / elapsed : 0.0);
    std::fflush(stderr);
}

// seed 003's benchmark (docs/origins.md): users x messages; each user sends its next message only once every
// other user has received the previous one.
Result runSeed(const Options &o, int users, int messages)
{
    Loop loop(o);
    Result r;
    char name[32];
    std::snprintf(name, sizeof name, "seed-%dx%d", users, messages);
    r.workload = name;
    if (connectAndRegister(loop, users, true, 60, o.connectWindow) < 0)
        return r;
    std::vector<long> nextSeq(size_t(users), 0);
    std::vector<int> pendingReceivers(size_t(users), 0);
    Stats lat;
    long deliveries = 0;
    int done = 0;
    auto sendNext = [&](int u) {
        if (nextSeq[size_t(u)] >= messages) {
            ++done;
            return;
        }
        pendingReceivers[size_t(u)] = users - 1;
        loop.sendNow(loop.conns[size_t(u)], benchMessage(u, nextSeq[size_t(u)]++));
    };
    loop.onLine = [&](Conn &, std::string_view line) {
        int s;
        long q;
        Ns t;
        if (!parseBenchMessage(line, &s, &q, &t))
            return;
        lat.add(now() - t);
        ++deliveries;
        if (--pendingReceivers[size_t(s)] == 0)
            sendNext(s);
    };
    const double cpu0 = cpuSeconds();
    const Ns t0 = now();
    for (int u = 0; u < users; ++u)
        sendNext(u);
    const Ns deadline = t0 + Ns(120e9);
    Ns lastProgress = t0;
    while (done < users && now() < deadline) {
        loop.pass(20);
        if (now() - lastProgress > 500'000'000) {
            progress(o, name, double(now() - t0) / 1e9, deliveries);
            lastProgress = now();
        }
    }
    const double total = double(now() - t0) / 1e9;
    const double cpu = (cpuSeconds() - cpu0) / total * 100;
    const long expected = long(users) * messages * (users - 1);
    char json[512], table[256];
    std::snprintf(json, sizeof json,
                  "{\"server\":\"%s\",\"workload\":\"%s\",\"users\":%d,\"messages\":%d,\"total_s\":%.4f,"
                  "\"deliveries\":%ld,\"expected\":%ld,\"mean_ms\":%.3f,\"p99_ms\":%.3f,\"bench_cpu_pct\":%.0f}",
                  o.label.c_str(), name, users, messages, total, deliveries, expected, lat.mean() / 1000,
                  lat.pct(99) / 1000, cpu);
    std::snprintf(table, sizeof table,
                  "%-18s total %8.3f s   mean %7.3f ms   p99 %7.3f ms   %ld/%ld delivered   bench cpu %3.0f%%", name,
                  total, lat.mean() / 1000, lat.pct(99) / 1000, deliveries, expected, cpu);
    r.json = json;
    r.table = table;
    return r;
}

std::string base64(std::string_view in)
{
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = unsigned(uint8_t(in[i])) << 16 | unsigned(uint8_t(in[i + 1])) << 8 | uint8_t(in[i + 2]);
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i + 1 == in.size()) {
        const unsigned v = unsigned(uint8_t(in[i])) << 16;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        const unsigned v = unsigned(uint8_t(in[i])) << 16 | unsigned(uint8_t(in[i + 1])) << 8;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

// Registers the account the login storm logs in to (an existing one with that password will do).
bool registerStormAccount(Loop &loop, const std::string &account, const std::string &password)
{
    const int i = loop.add();
    if (!loop.start(i))
        return false;
    bool done = false, ok = false;
    loop.onLine = [&](Conn &c, std::string_view line) {
        if (c.index != i)
            return;
        if (line.find(" 001 ") != std::string_view::npos)
            loop.send(c, "REGISTER * * :" + password + "\r\n");
        else if (line.find("REGISTER SUCCESS") != std::string_view::npos
                 || line.find("ACCOUNT_EXISTS") != std::string_view::npos)
            done = ok = true;
        else if (line.find(" FAIL REGISTER ") != std::string_view::npos)
            done = true;
    };
    loop.send(loop.conns[size_t(i)], "NICK " + account + "\r\nUSER " + account + " 0 * :bench\r\n");
    const Ns deadline = now() + Ns(30e9);
    while (!done && now() < deadline)
        loop.pass(50);
    loop.onLine = nullptr;
    if (!ok)
        std::fprintf(stderr, "\ncannot register the storm's account (does the server keep accounts?)\n");
    return ok;
}

// 500 clients in one channel; 10 of them send at a fixed rate. With `storm`, a quarter into the
// run `o.stormLogins` new connections log in with SASL PLAIN at once (each costs the server a
// key derivation), and the fanout's latency is measured all the same.
Result runFanout(const Options &o, bool storm = false)
{
    Loop loop(o);
    Result r;
    r.workload = storm ? "fanout-loginstorm" : "fanout";
    const int n = o.fanoutClients;
    if (connectAndRegister(loop, n, true, 120, o.connectWindow) < 0)
        return r;
    const std::string account = "stormacct", password = "storm-password";
    if (storm && !registerStormAccount(loop, account, password))
        return r;
    settle(o, loop);
    const int firstStorm = int(loop.conns.size());
    const std::string payload = base64(account + '\0' + account + '\0' + password);
    std::vector<Ns> stormStarted;
    Stats loginLat;
    int loggedIn = 0, loginFailed = 0;
    Ns lastLogin = 0;
    Stats lat;
    long deliveries = 0;
    loop.onLine = [&](Conn &c, std::string_view line) {
        if (c.index >= firstStorm) {
            if (line.size() >= 15 && line.substr(line.size() - 15) == " AUTHENTICATE +") {
                loop.send(c, "AUTHENTICATE " + payload + "\r\nCAP END\r\n");
            } else if (line.find(" 903 ") != std::string_view::npos) {
                lastLogin = now();
                loginLat.add(lastLogin - stormStarted[size_t(c.index - firstStorm)]);
                ++loggedIn;
            } else if (line.find(" 904 ") != std::string_view::npos) {
                ++loginFailed;
            }
            return;
        }
        int s;
        long q;
        Ns t;
        if (parseBenchMessage(line, &s, &q, &t)) {
            lat.add(now() - t);
            ++deliveries;
        }
    };
    const int senders = std::min(o.fanoutSenders, n);
    const Ns interval = Ns(1e9 / o.fanoutRate);
    std::vector<Ns> due(static_cast<size_t>(senders));
    const double cpu0 = cpuSeconds();
    const double serverCpu0 = serversCpuSeconds(o), redisCpu0 = processCpuSeconds(o.redisPid);
    const Ns t0 = now();
    for (int s = 0; s < senders; ++s)
        due[size_t(s)] = t0 + interval * s / senders; // spread the senders out
    long sent = 0;
    const Ns end = t0 + Ns(o.duration * 1e9);
    const Ns stormAt = t0 + Ns(o.duration * 1e9 / 4);
    bool stormStartedYet = !storm;
    Ns lastProgress = t0;
    while (now() < end) {
        const Ns t = now();
        if (!stormStartedYet && t >= stormAt) {
            stormStartedYet = true;
            for (int k = 0; k < o.stormLogins; ++k) {
                const int i = loop.add();
                if (!loop.start(i))
                    return r;
                stormStarted.push_back(now());
                const std::string nick = "storm" + std::to_string(k);
                loop.send(loop.conns[size_t(i)], "CAP LS 302\r\nNICK " + nick + "\r\nUSER " + nick
                                                     + " 0 * :storm\r\nCAP REQ :sasl\r\nAUTHENTICATE PLAIN\r\n");
            }
        }
        for (int s = 0; s < senders; ++s) {
            while (due[size_t(s)] <= t && due[size_t(s)] < end) {
                loop.send(loop.conns[size_t(s)], benchMessage(s, sent++));
                due[size_t(s)] += interval;
            }
        }
        loop.pass(1);
        if (t - lastProgress > 500'000'000) {
            progress(o, "fanout", double(t - t0) / 1e9, deliveries);
            lastProgress = t;
        }
    }
    // Let what is in flight arrive (bounded).
    const long expected = sent * (n - 1);
    const Ns drainEnd = now() + Ns(5e9);
    while (deliveries < expected && now() < drainEnd)
        loop.pass(10);
    const double wall = double(now() - t0) / 1e9;
    const double serverCpu1 = serversCpuSeconds(o), redisCpu1 = processCpuSeconds(o.redisPid);
    auto perDelivery = [deliveries](double a, double b) {
        return a >= 0 && b >= 0 && deliveries > 0 ? (b - a) * 1e6 / double(deliveries) : -1;
    };
    const double serverUs = perDelivery(serverCpu0, serverCpu1), redisUs = perDelivery(redisCpu0, redisCpu1);
    // The logins the run did not see end: waited for (bounded), outside the measurement.
    const Ns loginEnd = now() + Ns(120e9);
    while (storm && loggedIn + loginFailed < o.stormLogins && now() < loginEnd)
        loop.pass(50);
    const double cpu = (cpuSeconds() - cpu0) / wall * 100;
    const double rate = double(deliveries) / o.duration;
    char json[768], table[384];
    char stormJson[256] = "", stormTable[160] = "";
    if (storm) {
        const double stormSeconds = lastLogin ? double(lastLogin - stormStarted.front()) / 1e9 : 0;
        std::snprintf(
            stormJson, sizeof stormJson,
            ",\"logins\":%d,\"logins_ok\":%d,\"logins_failed\":%d,\"login_p50_ms\":%.1f,\"login_p99_ms\":%.1f,"
            "\"storm_s\":%.2f",
            o.stormLogins, loggedIn, loginFailed, loginLat.pct(50) / 1000, loginLat.pct(99) / 1000, stormSeconds);
        std::snprintf(stormTable, sizeof stormTable,
                      "\n  %-18s %d of %d logged in in %.2f s   login p50 %.1f ms   p99 %.1f ms", "login storm",
                      loggedIn, o.stormLogins, stormSeconds, loginLat.pct(50) / 1000, loginLat.pct(99) / 1000);
    }
    std::snprintf(
        json, sizeof json,
        "{\"server\":\"%s\",\"workload\":\"%s\",\"clients\":%d,\"senders\":%d,\"rate\":%d,\"duration_s\":%.1f,"
        "\"deliveries\":%ld,\"expected\":%ld,\"lost\":%ld,\"deliveries_per_s\":%.0f,\"p50_ms\":%.3f,"
        "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"bench_cpu_pct\":%.0f,\"nodes\":%d,\"server_cpu_us_per_delivery\":%.3f,"
        "\"redis_cpu_us_per_delivery\":%.3f%s}",
        o.label.c_str(), r.workload.c_str(), n, senders, o.fanoutRate, o.duration, deliveries, expected,
        expected - deliveries, rate, lat.pct(50) / 1000, lat.pct(99) / 1000, lat.max() / 1000, cpu,
        int(std::max<size_t>(1, o.ports.size())), serverUs, redisUs, stormJson);
    std::snprintf(
        table, sizeof table,
        "%-18s %9.0f deliveries/s   p50 %7.3f ms   p99 %7.3f ms   max %8.3f ms   lost %ld   bench cpu %3.0f%%%s",
        r.workload.c_str(), rate, lat.pct(50) / 1000, lat.pct(99) / 1000, lat.max() / 1000, expected - deliveries, cpu,
        stormTable);
    if (storm && loggedIn < o.stormLogins) {
        std::fprintf(stderr, "\nonly %d of %d storm logins succeeded (%d failed)\n", loggedIn, o.stormLogins,
                     loginFailed);
        r.json.clear();
        r.table = table;
        return r;
    }
    r.json = json;
    r.table = table;
    return r;
}

// 100 clients in one channel, all sending as fast as they can with `window` messages each not
// yet delivered to everyone.
Result runSaturation(const Options &o)
{
    Loop loop(o);
    Result r;
    r.workload = "saturation";
    const int n = o.saturationClients;
    const int w = o.window;
    if (connectAndRegister(loop, n, true, 60, o.connectWindow) < 0)
        return r;
    settle(o, loop);
    // received[s][q % w]: how many have this sender's message q; messages complete in order
    // per sender, since every receiver gets one sender's messages in order.
    std::vector<std::vector<int>> received(size_t(n), std::vector<int>(size_t(w), 0));
    std::vector<long> nextSeq(size_t(n), 0), completed(size_t(n), 0);
    long deliveries = 0;
    bool sending = true;
    auto refill = [&](int s) {
        while (sending && nextSeq[size_t(s)] - completed[size_t(s)] < w) {
            received[size_t(s)][size_t(nextSeq[size_t(s)] % w)] = 0;
            loop.send(loop.conns[size_t(s)], benchMessage(s, nextSeq[size_t(s)]++));
        }
    };
    loop.onLine = [&](Conn &, std::string_view line) {
        int s;
        long q;
        Ns t;
        if (!parseBenchMessage(line, &s, &q, &t))
            return;
        ++deliveries;
        if (++received[size_t(s)][size_t(q % w)] == n - 1) {
            while (completed[size_t(s)] < nextSeq[size_t(s)]
                   && received[size_t(s)][size_t(completed[size_t(s)] % w)] == n - 1)
                ++completed[size_t(s)];
            refill(s);
        }
    };
    const double cpu0 = cpuSeconds();
    const double serverCpu0 = serversCpuSeconds(o), redisCpu0 = processCpuSeconds(o.redisPid);
    const Ns t0 = now();
    for (int s = 0; s < n; ++s)
        refill(s);
    const Ns end = t0 + Ns(o.duration * 1e9);
    Ns lastProgress = t0;
    while (now() < end) {
        loop.pass(5);
        if (now() - lastProgress > 500'000'000) {
            progress(o, "saturation", double(now() - t0) / 1e9, deliveries);
            lastProgress = now();
        }
    }
    const double wall = double(now() - t0) / 1e9;
    const long counted = deliveries;
    sending = false;
    const double cpu = (cpuSeconds() - cpu0) / wall * 100;
    const double serverCpu1 = serversCpuSeconds(o), redisCpu1 = processCpuSeconds(o.redisPid);
    // The servers' CPU time (all their threads) per delivery; -1 without --server-pid. Redis's
    // the same way, with --redis-pid.
    auto perDelivery = [counted](double a, double b) {
        return a >= 0 && b >= 0 && counted > 0 ? (b - a) * 1e6 / double(counted) : -1;
    };
    const double serverUs = perDelivery(serverCpu0, serverCpu1), redisUs = perDelivery(redisCpu0, redisCpu1);
    const double rate = double(counted) / wall;
    char json[512], table[256];
    std::snprintf(json, sizeof json,
                  "{\"server\":\"%s\",\"workload\":\"saturation\",\"clients\":%d,\"window\":%d,\"duration_s\":%.1f,"
                  "\"deliveries\":%ld,\"deliveries_per_s\":%.0f,\"closed\":%d,\"bench_cpu_pct\":%.0f,"
                  "\"server_cpu_us_per_delivery\":%.3f,\"nodes\":%d,\"redis_cpu_us_per_delivery\":%.3f}",
                  o.label.c_str(), n, w, wall, counted, rate, loop.closedCount(), cpu, serverUs,
                  int(std::max<size_t>(1, o.ports.size())), redisUs);
    std::snprintf(
        table, sizeof table,
        "%-18s %9.0f deliveries/s   (%d clients, window %d, %.0f s)   server cpu %.3f us/delivery   bench cpu %3.0f%%",
        "saturation", rate, n, w, wall, serverUs, cpu);
    r.json = json;
    r.table = table;
    return r;
}

// Many idle registered connections: how long to connect them, and the server's memory for each.
Result runIdle(const Options &o)
{
    Loop loop(o);
    Result r;
    r.workload = "idle";
    const int n = o.idleClients;
    const long rss0 = procStatusField(o.serverPid, "VmRSS:");
    const double seconds = connectAndRegister(loop, n, false, 120, o.connectWindow);
    if (seconds < 0)
        return r;
    // Let the server settle (its last writes), bounded.
    for (int i = 0; i < 20; ++i)
        loop.pass(10);
    const long rss1 = procStatusField(o.serverPid, "VmRSS:");
    const int threads = int(procStatusField(o.serverPid, "Threads:"));
    const double perConn = rss0 >= 0 && rss1 >= 0 ? double(rss1 - rss0) * 1024.0 / n : -1;
    char json[512], table[256];
    std::snprintf(json, sizeof json,
                  "{\"server\":\"%s\",\"workload\":\"idle\",\"clients\":%d,\"connect_s\":%.3f,\"rss_before_kb\":%ld,"
                  "\"rss_after_kb\":%ld,\"bytes_per_connection\":%.0f,\"server_threads\":%d}",
                  o.label.c_str(), n, seconds, rss0, rss1, perConn, threads);
    if (perConn >= 0)
        std::snprintf(table, sizeof table,
                      "%-18s %d connected in %.3f s   server memory %.1f KB per connection   %d threads", "idle", n,
                      seconds, perConn / 1024, threads);
    else
        std::snprintf(table, sizeof table, "%-18s %d connected in %.3f s   (no --server-pid: memory not measured)",
                      "idle", n, seconds);
    r.json = json;
    r.table = table;
    return r;
}

// One question at a time: what to wait for (a count of lines that match), and the timing of a
// command until its answer. The history and big-channel workloads ask this way.
class Expect {
public:
    using Match = std::function<bool(Conn &, std::string_view)>;
    explicit Expect(Loop &loop)
        : m_loop(loop)
    {
        m_loop.onLine = [this](Conn &c, std::string_view line) {
            if (m_match && m_match(c, line))
                --m_waiting;
        };
    }
    void set(int count, Match match)
    {
        m_waiting = count;
        m_match = std::move(match);
    }
    // Until all have come, a connection closes, or the time is up; true if all came.
    bool wait(double timeoutS)
    {
        const Ns deadline = now() + Ns(timeoutS * 1e9);
        while (m_waiting > 0 && now() < deadline && m_loop.closedCount() == 0)
            m_loop.pass(5);
        return m_waiting <= 0;
    }
    // Sends `command` on `conn` at once and adds the time until `count` lines match to `stats`.
    bool time(Stats &stats, int conn, const std::string &command, int count, Match done, double timeoutS)
    {
        set(count, std::move(done));
        const Ns start = now();
        m_loop.sendNow(m_loop.conns[size_t(conn)], command);
        if (!wait(timeoutS))
            return false;
        stats.add(now() - start);
        return true;
    }

private:
    Loop &m_loop;
    int m_waiting = 0;
    Match m_match;
};

// A reconnect storm, as after a restart: every client connects, registers and joins #lobby at
// once, with no window (all connects are started before the first answer is read). Reports how
// long until all are in, each client's registration and join times, and how many connections
// the server dropped or never answered.
Result runReconnect(const Options &o)
{
    Loop loop(o);
    Result r;
    r.workload = "reconnect";
    const int n = o.reconnectClients;
    loop.prepare(n);
    std::vector<Ns> started(size_t(n), 0);
    Stats registration, joining;
    int joined = 0;
    Ns lastJoin = 0;
    loop.onLine = [&](Conn &c, std::string_view line) {
        const size_t sp = line.find(' ');
        if (sp == std::string_view::npos)
            return;
        const std::string_view rest = line.substr(sp + 1);
        if (!c.registered && rest.compare(0, 4, "001 ") == 0) {
            c.registered = true;
            registration.add(now() - started[size_t(c.index)]);
            loop.send(c, "JOIN #lobby\r\n");
        } else if (c.registered && !c.joined && rest.compare(0, 4, "366 ") == 0
                   && rest.find("#lobby") != std::string_view::npos) {
            c.joined = true;
            ++joined;
            lastJoin = now();
            joining.add(lastJoin - started[size_t(c.index)]);
        }
    };
    static int generation = 0;
    const std::string prefix = "r" + std::to_string(++generation) + "x";
    const double cpu0 = processCpuSeconds(o.serverPid);
    const Ns t0 = now();
    for (int i = 0; i < n; ++i) {
        if (!loop.start(i))
            return r;
        started[size_t(i)] = now();
        const std::string nick = prefix + std::to_string(i);
        loop.send(loop.conns[size_t(i)], "NICK " + nick + "\r\nUSER " + nick + " 0 * :bench\r\n");
    }
    const Ns deadline = t0 + Ns(120e9);
    Ns lastProgress = t0;
    while (joined + loop.closedCount() < n && now() < deadline) {
        loop.pass(20);
        if (now() - lastProgress > 500'000'000) {
            progress(o, "reconnect", double(now() - t0) / 1e9, joined);
            lastProgress = now();
        }
    }
    const double allIn = double((lastJoin ? lastJoin : now()) - t0) / 1e9;
    const int dropped = loop.closedCount();
    const int unanswered = n - joined - dropped;
    const double cpu1 = processCpuSeconds(o.serverPid);
    const double serverCpu = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;
    char json[768], table[384];
    std::snprintf(json, sizeof json,
                  "{\"server\":\"%s\",\"workload\":\"reconnect\",\"clients\":%d,\"joined\":%d,\"dropped\":%d,"
                  "\"unanswered\":%d,\"all_in_s\":%.3f,\"register_p50_ms\":%.2f,\"register_p99_ms\":%.2f,"
                  "\"join_p99_ms\":%.2f,\"server_cpu_s\":%.2f}",
                  o.label.c_str(), n, joined, dropped, unanswered, allIn, registration.pct(50) / 1000,
                  registration.pct(99) / 1000, joining.pct(99) / 1000, serverCpu);
    std::snprintf(table, sizeof table,
                  "%-18s %d of %d in #lobby after %.3f s   registration p50 %.1f ms p99 %.1f ms   joined p99 %.1f ms   "
                  "dropped %d   unanswered %d",
                  "reconnect", joined, n, allIn, registration.pct(50) / 1000, registration.pct(99) / 1000,
                  joining.pct(99) / 1000, dropped, unanswered);
    r.table = table;
    // Reported either way: a server that drops connections in a storm says so in its figures.
    r.json = json;
    return r;
}

// One channel with thousands of members: a newcomer's JOIN (until the end of its NAMES) and
// PART, WHO on the channel, and one message's fan-out to every member, each timed one at a time.
Result runBigChannel(const Options &o)
{
    Loop loop(o);
    Result r;
    r.workload = "bigchannel";
    const int n = o.bigChannelMembers;
    const int rounds = o.bigChannelRounds;
    if (connectAndRegister(loop, n, true, 300, o.connectWindow) < 0)
        return r;
    const int probe = loop.add();
    if (!loop.start(probe))
        return r;
    Expect expect(loop);
    auto fromProbe = [&](Conn &c) { return c.index == probe; };
    auto has = [](std::string_view line, std::string_view what) { return line.find(what) != std::string_view::npos; };
    expect.set(1, [&](Conn &c, std::string_view line) { return fromProbe(c) && has(line, " 001 "); });
    loop.send(loop.conns[size_t(probe)], "NICK bigprobe\r\nUSER bigprobe 0 * :bench\r\n");
    if (!expect.wait(30)) {
        std::fprintf(stderr, "\nbigchannel: the probe could not register\n");
        return r;
    }
    auto timeOne = [&](Stats &stats, int count, const std::string &command, const Expect::Match &done,
                       double timeoutS) { return expect.time(stats, probe, command, count, done, timeoutS); };
    const double cpu0 = processCpuSeconds(o.serverPid);
    Stats join, part, who, fanout;
    bool ok = true;
    for (int i = 0; ok && i < rounds; ++i) {
        ok = timeOne(
                 join, 1, "JOIN #bench\r\n",
                 [&](Conn &c, std::string_view line) { return fromProbe(c) && has(line, " 366 "); }, 30)
             && timeOne(
                 part, 1, "PART #bench\r\n",
                 [&](Conn &c, std::string_view line) {
                     return fromProbe(c) && line.compare(0, 10, ":bigprobe!") == 0 && has(line, " PART #bench");
                 },
                 30);
    }
    // WHO as a member would ask it, then one message at a time to everyone.
    ok = ok
         && timeOne(
             join, 1, "JOIN #bench\r\n",
             [&](Conn &c, std::string_view line) { return fromProbe(c) && has(line, " 366 "); }, 30);
    for (int i = 0; ok && i < rounds; ++i)
        ok = timeOne(
            who, 1, "WHO #bench\r\n",
            [&](Conn &c, std::string_view line) { return fromProbe(c) && has(line, " 315 "); }, 30);
    for (int i = 0; ok && i < rounds; ++i) {
        ok = timeOne(
            fanout, n, benchMessage(probe, i),
            [&](Conn &c, std::string_view line) {
                int s;
                long q;
                Ns t;
                return !fromProbe(c) && parseBenchMessage(line, &s, &q, &t) && s == probe && q == i;
            },
            30);
    }
    if (!ok) {
        std::fprintf(stderr, "\nbigchannel: no answer in time (%s)\n", loop.firstError().c_str());
        return r;
    }
    const double cpu1 = processCpuSeconds(o.serverPid);
    char json[768], table[384];
    std::snprintf(json, sizeof json,
                  "{\"server\":\"%s\",\"workload\":\"bigchannel\",\"members\":%d,\"rounds\":%d,\"join_p50_ms\":%.3f,"
                  "\"join_p99_ms\":%.3f,\"part_p50_ms\":%.3f,\"part_p99_ms\":%.3f,\"who_p50_ms\":%.3f,"
                  "\"who_p99_ms\":%.3f,\"fanout_p50_ms\":%.3f,\"fanout_p99_ms\":%.3f,\"server_cpu_s\":%.2f}",
                  o.label.c_str(), n, rounds, join.pct(50) / 1000, join.pct(99) / 1000, part.pct(50) / 1000,
                  part.pct(99) / 1000, who.pct(50) / 1000, who.pct(99) / 1000, fanout.pct(50) / 1000,
                  fanout.pct(99) / 1000, cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1.0);
    std::snprintf(
        table, sizeof table,
        "%-18s %d members   JOIN p99 %.2f ms   PART p99 %.2f ms   WHO p99 %.2f ms   message to all p99 %.2f ms",
        "bigchannel", n, join.pct(99) / 1000, part.pct(99) / 1000, who.pct(99) / 1000, fanout.pct(99) / 1000);
    r.json = json;
    r.table = table;
    return r;
}

// TLS handshakes per second: `handshakeWindow` new connections in flight at once, each closed
// as soon as its handshake has ended, for the run's duration; and the server's CPU time for each.
Result runHandshakes(const Options &o)
{
    Loop loop(o);
    Result r;
    r.workload = "handshakes";
    if (!o.tls) {
        std::fprintf(stderr, "handshakes: needs --tls\n");
        return r;
    }
    long done = 0, failed = 0;
    std::vector<Ns> started;
    std::vector<int> live;
    Stats lat;
    loop.onSecured = [&](Conn &c) {
        lat.add(now() - started[size_t(c.index)]);
        ++done;
        loop.drop(c);
    };
    const double serverCpu0 = processCpuSeconds(o.serverPid);
    const Ns t0 = now();
    const Ns end = t0 + Ns(o.duration * 1e9);
    Ns lastProgress = t0;
    while (now() < end) {
        while (int(live.size()) < o.handshakeWindow) {
            const int i = loop.add();
            started.push_back(now());
            if (!loop.start(i))
                return r;
            live.push_back(i);
        }
        loop.pass(5);
        for (size_t k = 0; k < live.size();) {
            Conn &c = loop.conns[size_t(live[k])];
            if (c.fd >= 0 && c.closed) {
                ++failed;
                loop.drop(c);
            }
            if (c.fd < 0) {
                live[k] = live.back();
                live.pop_back();
            } else {
                ++k;
            }
        }
        if (now() - lastProgress > 500'000'000) {
            progress(o, "handshakes", double(now() - t0) / 1e9, done);
            lastProgress = now();
        }
    }
    const double wall = double(now() - t0) / 1e9;
    const double serverCpu1 = processCpuSeconds(o.serverPid);
    const double serverMs
        = serverCpu0 >= 0 && serverCpu1 >= 0 && done > 0 ? (serverCpu1 - serverCpu0) * 1e3 / double(done) : -1;
    char json[512], table[256];
    std::snprintf(json, sizeof json,
                  "{\"server\":\"%s\",\"workload\":\"handshakes\",\"window\":%d,\"duration_s\":%.1f,\"handshakes\":%ld,"
                  "\"failed\":%ld,\"handshakes_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                  "\"server_cpu_ms_per_handshake\":%.3f}",
                  o.label.c_str(), o.handshakeWindow, wall, done, failed, double(done) / wall, lat.pct(50) / 1000,
                  lat.pct(99) / 1000, serverMs);
    std::snprintf(table, sizeof table,
                  "%-18s %8.0f handshakes/s   (%d in flight)   p99 %.2f ms   server cpu %.3f ms each   failed %ld",
                  "handshakes", double(done) / wall, o.handshakeWindow, lat.pct(99) / 1000, serverMs, failed);
    r.json = json;
    r.table = table;
    return r;
}

// A word list for the history workload's messages and searches: 1000 made-up words of three
// syllables, the same on every run.
std::vector<std::string> vocabulary()
{
    static const char *const syllables[] = {"ka", "lo", "mi", "ren", "tu", "sa", "vo", "ne", "li", "dor"};
    std::vector<std::string> words;
    for (const char *a : syllables)
        for (const char *b : syllables)
            for (const char *c : syllables)
                words.push_back(std::string(a) + b + c);
    return words;
}

long fileSize(const std::string &path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? long(st.st_size) : 0;
}

// History: fills the server's history with `historyMessages` messages over ten channels (paced
// so that its store keeps up: nothing is dropped), then times CHATHISTORY LATEST, a JOIN with
// its playback, and SEARCH, and reports the database's size.
Result runHistory(const Options &o)
{
    Loop loop(o);
    Result r;
    r.workload = "history";
    constexpr int Writers = 10;
    const int querier = Writers, joiner = Writers + 1, searcher = Writers + 2;
    if (connectAndRegister(loop, Writers + 3, false, 60, o.connectWindow) < 0)
        return r;
    const std::vector<std::string> words = vocabulary();
    unsigned rng = 12345;
    auto word = [&]() -> const std::string & {
        rng = rng * 1103515245u + 12345u;
        return words[(rng >> 8) % words.size()];
    };
    Expect expect(loop);
    auto contains
        = [](std::string_view line, std::string_view what) { return line.find(what) != std::string_view::npos; };
    // Joins and capabilities.
    expect.set(Writers + 2, [&](Conn &, std::string_view line) { return contains(line, " 366 "); });
    for (int w = 0; w < Writers; ++w)
        loop.send(loop.conns[size_t(w)], "JOIN #h" + std::to_string(w) + "\r\n");
    loop.send(loop.conns[size_t(querier)], "CAP REQ :batch draft/chathistory\r\nJOIN #h0\r\n");
    loop.send(loop.conns[size_t(searcher)], "CAP REQ :batch confab/search\r\nJOIN #h0\r\n");
    if (!expect.wait(10)) {
        std::fprintf(stderr, "\nhistory: the channels could not be joined\n");
        return r;
    }
    // A chathistory batch (or a FAIL) ends an answer.
    auto batchEnd = [&](std::string_view line) { return contains(line, " BATCH -") || contains(line, " FAIL "); };

    // Fill, in rounds: every writer sends its share of the round, then a PING (its lines are in
    // the hub once the PONG is back), then one question, which the store answers only after
    // writing everything recorded before it.
    const long perRound = 10'000;
    long sent = 0;
    const Ns t0 = now();
    Ns lastProgress = t0;
    while (sent < o.historyMessages) {
        const long round = std::min(perRound, o.historyMessages - sent);
        for (long i = 0; i < round; ++i) {
            const int w = int((sent + i) % Writers);
            std::string line = "PRIVMSG #h" + std::to_string(w) + " :" + std::to_string(sent + i);
            for (int k = 0; k < 8; ++k)
                line += ' ' + word();
            line += "\r\n";
            loop.send(loop.conns[size_t(w)], line);
        }
        sent += round;
        expect.set(Writers,
                   [&](Conn &c, std::string_view line) { return c.index < Writers && contains(line, "PONG"); });
        for (int w = 0; w < Writers; ++w)
            loop.send(loop.conns[size_t(w)], "PING :fill\r\n");
        if (!expect.wait(60))
            break;
        expect.set(1, [&](Conn &c, std::string_view line) { return c.index == querier && batchEnd(line); });
        loop.send(loop.conns[size_t(querier)], "CHATHISTORY LATEST #h0 * 1\r\n");
        if (!expect.wait(60))
            break;
        if (now() - lastProgress > 500'000'000) {
            progress(o, "history", double(now() - t0) / 1e9, sent);
            lastProgress = now();
        }
    }
    const double fillSeconds = double(now() - t0) / 1e9;
    if (sent < o.historyMessages || loop.closedCount() > 0) {
        std::fprintf(stderr, "\nhistory: filling stopped after %ld messages\n", sent);
        return r;
    }
    auto timeEach = [&](int count, Stats &stats, int conn, const std::function<std::string(int)> &command,
                        const std::function<bool(std::string_view)> &done) {
        for (int i = 0; i < count; ++i) {
            if (!expect.time(
                    stats, conn, command(i), 1,
                    [&](Conn &c, std::string_view line) { return c.index == conn && done(line); }, 30))
                return false;
        }
        return true;
    };
    Stats latest, playback, search;
    bool ok = timeEach(
        200, latest, querier, [](int) { return std::string("CHATHISTORY LATEST #h0 * 100\r\n"); }, batchEnd);
    // A JOIN to a channel with history, until its playback has ended (leaving the last one first).
    ok = ok
         && timeEach(
             200, playback, joiner,
             [](int i) {
                 std::string command = i > 0 ? "PART #h" + std::to_string((i - 1) % Writers) + "\r\n" : "";
                 return command + "JOIN #h" + std::to_string(i % Writers) + "\r\n";
             },
             [&](std::string_view line) { return contains(line, ":End of replay"); });
    ok = ok
         && timeEach(
             100, search, searcher, [&](int) { return "SEARCH #h0 " + word() + " 20\r\n"; }, batchEnd);
    if (!ok) {
        std::fprintf(stderr, "\nhistory: a question went unanswered\n");
        return r;
    }
    const long dbBytes = o.databaseFile.empty() ? -1 : fileSize(o.databaseFile) + fileSize(o.databaseFile + "-wal");
    const double perMillion = dbBytes < 0 ? -1 : double(dbBytes) * 1e6 / double(o.historyMessages);
    char json[768], table[384];
    std::snprintf(json, sizeof json,
                  "{\"server\":\"%s\",\"workload\":\"history\",\"messages\":%ld,\"fill_s\":%.2f,"
                  "\"fill_messages_per_s\":%.0f,\"latest_p50_ms\":%.3f,\"latest_p99_ms\":%.3f,"
                  "\"playback_p50_ms\":%.3f,\"playback_p99_ms\":%.3f,\"search_p50_ms\":%.3f,\"search_p99_ms\":%.3f,"
                  "\"db_bytes\":%ld,\"db_mb_per_million\":%.1f}",
                  o.label.c_str(), o.historyMessages, fillSeconds, double(o.historyMessages) / fillSeconds,
                  latest.pct(50) / 1000, latest.pct(99) / 1000, playback.pct(50) / 1000, playback.pct(99) / 1000,
                  search.pct(50) / 1000, search.pct(99) / 1000, dbBytes, perMillion / 1e6);
    std::snprintf(table, sizeof table,
                  "%-18s %ld messages kept at %.0f/s   LATEST 100 p99 %.2f ms   JOIN+playback p99 %.2f ms   SEARCH "
                  "p99 %.2f ms   %.0f MB per million",
                  "history", o.historyMessages, double(o.historyMessages) / fillSeconds, latest.pct(99) / 1000,
                  playback.pct(99) / 1000, search.pct(99) / 1000, perMillion / 1e6);
    r.json = json;
    r.table = table;
    return r;
}

void usage()
{
    std::puts("usage: confab-bench [--host 127.0.0.1] [--port 6667[,PORT...]] [--workload NAME[,NAME...]]\n"
              "                    [--label NAME] [--server-pid PID[,PID...]] [--redis-pid PID] [--duration S]\n"
              "                    [--fanout-clients N] [--senders N] [--rate N]\n"
              "                    [--saturation-clients N] [--window N] [--idle-clients N] [--connect-window N]\n"
              "                    [--history-messages N] [--database-file PATH] [--storm-logins N]\n"
              "                    [--reconnect-clients N] [--big-channel N] [--rounds N] [--tls]\n"
              "                    [--handshake-window N] [--no-progress]\n"
              "Drives an IRC server over real TCP connections on loopback and prints a table, then one JSON\n"
              "line per workload. Workloads (several, comma-separated, run in this order on one server):\n"
              "  all          seed, fanout, saturation and idle\n"
              "  seed         seed 003's rounds: 10 x 5, 50 x 10, 60 x 25 messages, each after the last arrived\n"
              "  fanout       --fanout-clients in one channel, --senders sending --rate messages/s each\n"
              "  saturation   --saturation-clients sending as fast as --window allows\n"
              "  idle         --idle-clients registered connections: connect time, server memory per connection\n"
              "  reconnect    --reconnect-clients connect, register and join #lobby all at once\n"
              "  bigchannel   --big-channel members in one channel, then --rounds timed JOIN/PART pairs,\n"
              "               WHOs and messages to all of them\n"
              "  handshakes   new TLS connections (needs --tls), --handshake-window in flight, each closed\n"
              "               once its handshake has ended\n"
              "  history      Confab's CHATHISTORY, playback and SEARCH after --history-messages are stored\n"
              "               (--database-file: report the database's size)\n"
              "  loginstorm   Confab's SASL: the fanout twice, the second time with --storm-logins SASL PLAIN\n"
              "               logins started at once\n"
              "--tls: every connection speaks TLS (the server's certificate is not checked). --server-pid lets\n"
              "the bench read the server's memory and CPU time. Nodes of one cluster: --port P1,P2 spreads the\n"
              "connections over them in turn, --server-pid A,B adds their CPU time, --redis-pid measures Redis's\n"
              "(fanout and saturation report each per delivery).");
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "confab-bench: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--host")
            o.host = value();
        else if (a == "--port" || a == "--server-pid") {
            // One, or a cluster's nodes: "P1,P2".
            std::vector<int> list;
            const std::string v = value();
            for (size_t at = 0; at <= v.size();) {
                const size_t comma = std::min(v.find(',', at), v.size());
                list.push_back(std::atoi(v.substr(at, comma - at).c_str()));
                at = comma + 1;
            }
            if (a == "--port") {
                o.port = list.front();
                o.ports = list.size() > 1 ? list : std::vector<int>();
            } else {
                o.serverPid = list.front();
                o.serverPids = list.size() > 1 ? list : std::vector<int>();
            }
        } else if (a == "--redis-pid")
            o.redisPid = std::atoi(value().c_str());
        else if (a == "--workload")
            o.workload = value();
        else if (a == "--label")
            o.label = value();
        else if (a == "--duration")
            o.duration = std::atof(value().c_str());
        else if (a == "--fanout-clients")
            o.fanoutClients = std::atoi(value().c_str());
        else if (a == "--senders")
            o.fanoutSenders = std::atoi(value().c_str());
        else if (a == "--rate")
            o.fanoutRate = std::atoi(value().c_str());
        else if (a == "--saturation-clients")
            o.saturationClients = std::atoi(value().c_str());
        else if (a == "--window")
            o.window = std::atoi(value().c_str());
        else if (a == "--idle-clients")
            o.idleClients = std::atoi(value().c_str());
        else if (a == "--connect-window")
            o.connectWindow = std::max(1, std::atoi(value().c_str()));
        else if (a == "--history-messages")
            o.historyMessages = std::atol(value().c_str());
        else if (a == "--database-file")
            o.databaseFile = value();
        else if (a == "--storm-logins")
            o.stormLogins = std::atoi(value().c_str());
        else if (a == "--reconnect-clients")
            o.reconnectClients = std::atoi(value().c_str());
        else if (a == "--big-channel")
            o.bigChannelMembers = std::atoi(value().c_str());
        else if (a == "--rounds")
            o.bigChannelRounds = std::atoi(value().c_str());
        else if (a == "--tls")
            o.tls = true;
        else if (a == "--handshake-window")
            o.handshakeWindow = std::atoi(value().c_str());
        else if (a == "--no-progress")
            o.progress = false;
        else if (a == "--help" || a == "-h") {
            usage();
            return 0;
        } else {
            std::fprintf(stderr, "confab-bench: unknown option %s (see --help)\n", a.c_str());
            return 2;
        }
    }
    // The progress line is for a person watching; in a log it is noise.
    if (!isatty(STDERR_FILENO))
        o.progress = false;
    in_addr probe;
    if (inet_pton(AF_INET, o.host.c_str(), &probe) != 1 || (ntohl(probe.s_addr) >> 24) != 127) {
        std::fprintf(stderr, "confab-bench: loopback only (127.0.0.0/8), got %s\n", o.host.c_str());
        return 2;
    }
    if (o.duration <= 0 || o.duration > 300 || o.idleClients > 50000 || o.fanoutClients > 10000
        || o.historyMessages < 1000 || o.historyMessages > 10'000'000 || o.stormLogins < 1 || o.stormLogins > 5000
        || o.reconnectClients < 1 || o.reconnectClients > 50000 || o.bigChannelMembers < 1
        || o.bigChannelMembers > 50000 || o.bigChannelRounds < 1 || o.bigChannelRounds > 10000 || o.handshakeWindow < 1
        || o.handshakeWindow > 1000) {
        std::fprintf(stderr, "confab-bench: bounds: duration 0-300 s, at most 50000 idle and 10000 fanout clients, "
                             "1000 to 10 million history messages, 1 to 5000 storm logins, 1 to 50000 reconnecting "
                             "clients and big-channel members, 1 to 10000 rounds, 1 to 1000 handshakes in flight\n");
        return 2;
    }
    // Thousands of sockets: raise the descriptor limit as far as we may.
    rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }

    std::vector<Result> results;
    // A comma-separated list runs each named workload, in this order, on the one server.
    const std::string list = "," + o.workload + ",";
    const auto wants = [&](const char *name, bool inAll) {
        return (inAll && list == ",all,") || list.find("," + std::string(name) + ",") != std::string::npos;
    };
    if (wants("seed", true)) {
        results.push_back(runSeed(o, 10, 5));
        results.push_back(runSeed(o, 50, 10));
        results.push_back(runSeed(o, 60, 25));
    }
    if (wants("fanout", true))
        results.push_back(runFanout(o));
    if (wants("saturation", true))
        results.push_back(runSaturation(o));
    if (wants("idle", true))
        results.push_back(runIdle(o));
    if (wants("reconnect", false))
        results.push_back(runReconnect(o));
    if (wants("bigchannel", false))
        results.push_back(runBigChannel(o));
    if (wants("handshakes", false))
        results.push_back(runHandshakes(o));
    if (wants("history", false))
        results.push_back(runHistory(o));
    if (wants("loginstorm", false)) {
        // The same fanout without and with the storm, one after the other on one server.
        results.push_back(runFanout(o));
        results.push_back(runFanout(o, true));
    }
    if (results.empty()) {
        std::fprintf(stderr, "confab-bench: no such workload: %s (see --help)\n", o.workload.c_str());
        return 2;
    }
    // Over TLS every line says so, so that its figures are never mixed with plain ones.
    if (o.tls)
        for (Result &r : results)
            if (!r.json.empty())
                r.json.insert(1, "\"tls\":true,");
    if (o.progress)
        std::fputs("\r\033[K", stderr);

    bool failed = false;
    std::printf("%s on %s:%d\n", o.label.c_str(), o.host.c_str(), o.port);
    for (const Result &r : results) {
        if (r.json.empty()) {
            std::printf("  %-18s FAILED\n", r.workload.c_str());
            failed = true;
        } else {
            std::printf("  %s\n", r.table.c_str());
        }
    }
    for (const Result &r : results)
        if (!r.json.empty())
            std::printf("%s\n", r.json.c_str());
    return failed ? 1 : 0;
}
