#include "sessionthread.h"

#include "client/chatcontroller.h"

#include <QThread>

SessionThread::SessionThread(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_controller(new ChatController)
{
    qRegisterMetaType<ChatEvent>();
    m_thread->setObjectName(QStringLiteral("confab-network"));
    // Moved before it has any child: the sessions and their sockets are created later, in
    // open(), which runs in the network thread.
    m_controller->moveToThread(m_thread);
    connect(m_controller, &ChatController::event, this, &SessionThread::event);
    connect(m_controller, &ChatController::finished, this, &SessionThread::finished);
    m_thread->start();
}

SessionThread::~SessionThread()
{
    ChatController *controller = m_controller;
    // The controller and its sockets die in their own thread, then the thread ends.
    QMetaObject::invokeMethod(controller, [controller] { delete controller; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

void SessionThread::open(const ClientSession::Options &options)
{
    ChatController *c = m_controller;
    QMetaObject::invokeMethod(c, [c, options] { c->openSession(options); }, Qt::QueuedConnection);
}

void SessionThread::execute(const QString &line)
{
    ChatController *c = m_controller;
    QMetaObject::invokeMethod(c, [c, line] { c->execute(line); }, Qt::QueuedConnection);
}

void SessionThread::setCurrent(int session, const QString &target)
{
    ChatController *c = m_controller;
    QMetaObject::invokeMethod(c, [c, session, target] { c->setCurrent(session, target); }, Qt::QueuedConnection);
}

void SessionThread::quit(const QString &reason)
{
    ChatController *c = m_controller;
    QMetaObject::invokeMethod(c, [c, reason] { c->quitAll(reason); }, Qt::QueuedConnection);
}
