#pragma once

#include <QSocketNotifier>

class ConnectionWorker;

// A connection's read or write notifier that tells its worker directly, not through the
// activated() signal: a signal connection costs about 240 bytes per connection (the connection
// object and the sender's and receiver's lists), more than the notifier itself, and an idle
// server holds one per client. Created in the worker's thread, as the worker's child.
class DescriptorNotifier : public QSocketNotifier {
public:
    DescriptorNotifier(int descriptor, Type type, ConnectionWorker *worker);

protected:
    bool event(QEvent *event) override;

private:
    ConnectionWorker *const m_worker;
};
