#include "descriptornotifier.h"

#include "connectionworker.h"

#include <QEvent>

DescriptorNotifier::DescriptorNotifier(int descriptor, Type type, ConnectionWorker *worker)
    : QSocketNotifier(qintptr(descriptor), type, worker)
    , m_worker(worker)
{
}

bool DescriptorNotifier::event(QEvent *event)
{
    if (event->type() != QEvent::SockAct && event->type() != QEvent::SockClose)
        return QSocketNotifier::event(event);
    // The worker may delete this notifier (closing its descriptor): nothing here touches it after.
    m_worker->descriptorReady(type());
    return true;
}
