// SPDX-License-Identifier: MIT
#include "redisconnection.h"

#include <QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <vector>

namespace {

constexpr int FirstRetryMs = 100;
constexpr int LastRetryMs = 5000;
// A connect that has not finished by then (a host that drops SYNs) is given up and retried.
constexpr int ConnectTimeoutMs = 5000;

RedisReply convert(const redisReply *r)
{
    RedisReply out;
    switch (r->type) {
    case REDIS_REPLY_STATUS:
        out.type = RedisReply::Type::Status;
        out.string = QByteArray(r->str, int(r->len));
        break;
    case REDIS_REPLY_ERROR:
        out.type = RedisReply::Type::Error;
        out.string = QByteArray(r->str, int(r->len));
        break;
    case REDIS_REPLY_INTEGER:
        out.type = RedisReply::Type::Integer;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_STRING:
        out.type = RedisReply::Type::String;
        out.string = QByteArray(r->str, int(r->len));
        break;
    case REDIS_REPLY_ARRAY:
        out.type = RedisReply::Type::Array;
        out.elements.reserve(qsizetype(r->elements));
        for (size_t i = 0; i < r->elements; ++i)
            out.elements.append(convert(r->element[i]));
        break;
    default:
        out.type = RedisReply::Type::Nil;
        break;
    }
    return out;
}

} // namespace

struct RedisConnection::Pending {
    Callback done;
};

RedisConnection::RedisConnection(RedisAddress address, QObject *parent)
    : QObject(parent)
    , m_address(std::move(address))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RedisConnection::connectNow);
    m_connectTimeout.setSingleShot(true);
    m_connectTimeout.setInterval(ConnectTimeoutMs);
    connect(&m_connectTimeout, &QTimer::timeout, this, [this] {
        if (!m_context || m_connected)
            return;
        redisAsyncContext *context = m_context;
        detach();
        redisAsyncFree(context);
        connectionLost(QStringLiteral("connecting to %1 timed out").arg(m_address.toString()));
        scheduleReconnect();
    });
}

RedisConnection::~RedisConnection()
{
    m_wanted = false;
    if (m_context) {
        // Commands in flight are dropped without a reply: their owner is going away with us.
        redisAsyncContext *context = m_context;
        detach();
        redisAsyncFree(context);
    }
}

void RedisConnection::open()
{
    if (m_wanted)
        return;
    m_wanted = true;
    m_retryMs = 0;
    connectNow();
}

void RedisConnection::close()
{
    m_wanted = false;
    m_retry.stop();
    m_connectTimeout.stop();
    m_ready = false;
    if (m_context)
        redisAsyncDisconnect(m_context); // replies still due arrive first
}

void RedisConnection::connectNow()
{
    if (!m_wanted || m_context)
        return;
    m_connected = false;
    redisAsyncContext *context = redisAsyncConnect(m_address.host.toUtf8().constData(), m_address.port);
    if (!context || context->err) {
        const QString why = context ? QString::fromUtf8(context->errstr) : QStringLiteral("out of memory");
        if (context)
            redisAsyncFree(context);
        connectionLost(QStringLiteral("cannot connect to %1: %2").arg(m_address.toString(), why));
        scheduleReconnect();
        return;
    }
    m_context = context;
    context->data = this;
    context->ev.data = this;
    context->ev.addRead = &RedisConnection::addRead;
    context->ev.delRead = &RedisConnection::delRead;
    context->ev.addWrite = &RedisConnection::addWrite;
    context->ev.delWrite = &RedisConnection::delWrite;
    context->ev.cleanup = &RedisConnection::cleanup;
    redisAsyncSetConnectCallback(context, &RedisConnection::onConnect);
    redisAsyncSetDisconnectCallback(context, &RedisConnection::onDisconnect);

    const int fd = context->c.fd;
    m_readNotifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    m_readNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, [this] {
        if (m_context)
            redisAsyncHandleRead(m_context);
    });
    m_writeNotifier = new QSocketNotifier(fd, QSocketNotifier::Write, this);
    // The first writable event is where hiredis learns whether the connect succeeded.
    connect(m_writeNotifier, &QSocketNotifier::activated, this, [this] {
        if (m_context)
            redisAsyncHandleWrite(m_context);
    });
    m_connectTimeout.start();
}

void RedisConnection::onConnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self)
        return;
    self->m_connectTimeout.stop();
    if (status != REDIS_OK) {
        // hiredis frees the context when this returns, without a disconnect callback.
        const QString why = QString::fromUtf8(context->errstr);
        self->detach();
        self->connectionLost(QStringLiteral("cannot connect to %1: %2").arg(self->m_address.toString(), why));
        self->scheduleReconnect();
        return;
    }
    self->m_connected = true;
    redisEnableKeepAlive(const_cast<redisContext *>(&context->c));
    self->handshake();
}

void RedisConnection::onDisconnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self)
        return;
    const QString why = status == REDIS_OK ? QString() : QString::fromUtf8(context->errstr);
    self->detach();
    if (self->m_wanted) {
        self->connectionLost(why.isEmpty()
                                 ? QStringLiteral("the connection to %1 closed").arg(self->m_address.toString())
                                 : QStringLiteral("lost %1: %2").arg(self->m_address.toString(), why));
        self->scheduleReconnect();
    }
}

void RedisConnection::handshake()
{
    // AUTH, then SELECT, then ready: each step only after the one before succeeded.
    auto select = [this] {
        if (m_address.database == 0) {
            becomeReady();
            return;
        }
        send({"SELECT", QByteArray::number(m_address.database)}, [this](const RedisReply &r) {
            if (r.isError()) {
                failHandshake(QStringLiteral("Redis refused database %1: %2")
                                  .arg(m_address.database)
                                  .arg(QString::fromUtf8(r.string)));
                return;
            }
            becomeReady();
        });
    };
    if (m_address.password.isEmpty()) {
        select();
        return;
    }
    QList<QByteArray> auth {"AUTH"};
    if (!m_address.user.isEmpty())
        auth.append(m_address.user);
    auth.append(m_address.password);
    send(auth, [this, select](const RedisReply &r) {
        if (r.isError()) {
            failHandshake(QStringLiteral("Redis refused the login: %1").arg(QString::fromUtf8(r.string)));
            return;
        }
        select();
    });
}

void RedisConnection::failHandshake(const QString &why)
{
    connectionLost(why);
    if (m_context)
        redisAsyncDisconnect(m_context);
}

void RedisConnection::becomeReady()
{
    m_ready = true;
    m_lostReported = false;
    m_retryMs = 0;
    for (const QByteArray &channel : std::as_const(m_channels))
        sendSubscription("SUBSCRIBE", channel);
    Q_EMIT ready();
}

void RedisConnection::connectionLost(const QString &why)
{
    m_ready = false;
    if (m_lostReported)
        return;
    m_lostReported = true;
    Q_EMIT lost(why);
}

void RedisConnection::scheduleReconnect()
{
    if (!m_wanted || m_retry.isActive())
        return;
    m_retryMs = m_retryMs == 0 ? FirstRetryMs : qMin(m_retryMs * 2, LastRetryMs);
    m_retry.start(m_retryMs);
}

void RedisConnection::detach()
{
    // The context is being freed (by hiredis or by us): nothing of ours may be called with it.
    if (m_context) {
        m_context->data = nullptr;
        m_context->ev.data = nullptr;
        m_context = nullptr;
    }
    m_ready = false;
    m_connected = false;
    m_connectTimeout.stop();
    dropNotifiers();
}

void RedisConnection::dropNotifiers()
{
    // Called from within a notifier's own signal as often as not: disabled now, deleted later.
    for (QSocketNotifier **n : {&m_readNotifier, &m_writeNotifier}) {
        if (*n) {
            (*n)->setEnabled(false);
            (*n)->deleteLater();
            *n = nullptr;
        }
    }
}

void RedisConnection::command(const QList<QByteArray> &args, Callback done)
{
    if (!m_ready || !m_context) {
        if (done)
            QTimer::singleShot(0, this, [done] { done(RedisReply::error("not connected to Redis")); });
        return;
    }
    send(args, std::move(done));
}

void RedisConnection::send(const QList<QByteArray> &args, Callback done)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(size_t(args.size()));
    lengths.reserve(size_t(args.size()));
    for (const QByteArray &a : args) {
        argv.push_back(a.constData());
        lengths.push_back(size_t(a.size()));
    }
    auto *pending = new Pending {std::move(done)};
    if (redisAsyncCommandArgv(m_context, &RedisConnection::onReply, pending, int(argv.size()), argv.data(),
                              lengths.data())
        != REDIS_OK) {
        // The context is closing: the command never left.
        Callback callback = std::move(pending->done);
        delete pending;
        if (callback)
            QTimer::singleShot(0, this, [callback] { callback(RedisReply::error("not connected to Redis")); });
    }
}

void RedisConnection::onReply(redisAsyncContext *context, void *reply, void *privdata)
{
    std::unique_ptr<Pending> pending(static_cast<Pending *>(privdata));
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self || !pending->done)
        return;
    if (!reply) {
        // No answer will come: the connection is going. The caller hears it from the event loop,
        // not from inside hiredis while it tears the connection down.
        self->m_ready = false;
        QTimer::singleShot(0, self, [done = std::move(pending->done)] {
            done(RedisReply::error("the connection to Redis was lost before the reply"));
        });
        return;
    }
    pending->done(convert(static_cast<redisReply *>(reply)));
}

void RedisConnection::subscribe(const QByteArray &channel)
{
    if (m_channels.contains(channel))
        return;
    m_channels.insert(channel);
    if (m_ready)
        sendSubscription("SUBSCRIBE", channel);
}

void RedisConnection::unsubscribe(const QByteArray &channel)
{
    if (!m_channels.remove(channel))
        return;
    if (m_ready)
        sendSubscription("UNSUBSCRIBE", channel);
}

void RedisConnection::sendSubscription(const char *verb, const QByteArray &channel)
{
    const char *argv[] = {verb, channel.constData()};
    const size_t lengths[] = {qstrlen(verb), size_t(channel.size())};
    redisAsyncCommandArgv(m_context, &RedisConnection::onSubscription, nullptr, 2, argv, lengths);
}

void RedisConnection::onSubscription(redisAsyncContext *context, void *reply, void *)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    const auto *r = static_cast<const redisReply *>(reply);
    if (!self || !r || r->type != REDIS_REPLY_ARRAY || r->elements != 3)
        return;
    const redisReply *kind = r->element[0];
    if (kind->type != REDIS_REPLY_STRING || qstrncmp(kind->str, "message", kind->len) != 0 || kind->len != 7)
        return;
    const redisReply *channel = r->element[1];
    const redisReply *payload = r->element[2];
    if (channel->type != REDIS_REPLY_STRING || payload->type != REDIS_REPLY_STRING)
        return;
    Q_EMIT self->message(QByteArray(channel->str, int(channel->len)), QByteArray(payload->str, int(payload->len)));
}

void RedisConnection::enable(void *privdata, bool read, bool on)
{
    auto *self = static_cast<RedisConnection *>(privdata);
    if (!self)
        return; // detached: the context is going
    if (QSocketNotifier *n = read ? self->m_readNotifier : self->m_writeNotifier)
        n->setEnabled(on);
}

void RedisConnection::addRead(void *privdata) { enable(privdata, true, true); }
void RedisConnection::delRead(void *privdata) { enable(privdata, true, false); }
void RedisConnection::addWrite(void *privdata) { enable(privdata, false, true); }
void RedisConnection::delWrite(void *privdata) { enable(privdata, false, false); }

void RedisConnection::cleanup(void *privdata)
{
    if (auto *self = static_cast<RedisConnection *>(privdata))
        self->dropNotifiers();
}
