// SPDX-License-Identifier: MIT
#pragma once

#include "config/redisaddress.h"
#include "redisreply.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

struct redisAsyncContext;
class QSocketNotifier;

// One connection to Redis over hiredis's asynchronous API, driven by the event loop of the
// thread it lives in (two QSocketNotifiers on hiredis's socket): nothing blocks but the name
// lookup of a host given by name. It authenticates and selects the database of its address
// before it says ready(), and when the connection is lost it says so once, answers every
// command in flight with an error, and reconnects by itself (100 ms, doubling to 5 s) until
// close(). Subscriptions are renewed on every reconnect.
//
// A connection that subscribes is a subscriber only (Redis's rule for RESP2): use another for
// commands.
class RedisConnection : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const RedisReply &)>;

    explicit RedisConnection(RedisAddress address, QObject *parent = nullptr);
    ~RedisConnection() override;

    void open();
    void close();
    bool isReady() const { return m_ready; }
    const RedisAddress &address() const { return m_address; }

    // Sends a command; done (if any) gets its reply, later, from the event loop. Not ready: the
    // reply is an error at once ("not connected"), so that the caller decides what to keep.
    void command(const QList<QByteArray> &args, Callback done = {});
    void subscribe(const QByteArray &channel);
    void unsubscribe(const QByteArray &channel);

Q_SIGNALS:
    void ready();
    void lost(const QString &why);
    void message(const QByteArray &channel, const QByteArray &payload);

private:
    struct Pending;
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privdata);
    static void onSubscription(redisAsyncContext *context, void *reply, void *privdata);
    // hiredis's event hooks: the notifiers on its socket, on and off.
    static void enable(void *privdata, bool read, bool on);
    static void addRead(void *privdata);
    static void delRead(void *privdata);
    static void addWrite(void *privdata);
    static void delWrite(void *privdata);
    static void cleanup(void *privdata);

    void connectNow();
    void handshake();
    void failHandshake(const QString &why);
    void detach();
    void becomeReady();
    void connectionLost(const QString &why);
    void scheduleReconnect();
    void send(const QList<QByteArray> &args, Callback done);
    void sendSubscription(const char *verb, const QByteArray &channel);
    void dropNotifiers();

    RedisAddress m_address;
    redisAsyncContext *m_context = nullptr;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QTimer m_retry;
    QTimer m_connectTimeout;
    int m_retryMs = 0;
    bool m_wanted = false;
    bool m_connected = false;
    bool m_ready = false;
    bool m_lostReported = false;
    QSet<QByteArray> m_channels;
};
