#include "sessionthread.h"

#include "client/chatcontroller.h"
#include "system/crossthread.h"

#include <QThread>

SessionThread::SessionThread(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_controller(new ChatController)
{
    qRegisterMetaType<ChatEvent>();
    m_thread->setObjectName(QStringLiteral("confab-network"));
    CrossThread::track(m_thread);
    // Moved before it has any child: the sessions and their sockets are created later, in
    // open(), which runs in the network thread.
    m_controller->moveToThread(m_thread);
    // Direct connections run in the network thread; CrossThread::post carries each event over.
    connect(m_controller, &ChatController::event, this, [this](const ChatEvent &e) {
        CrossThread::post(this, [this, e] { Q_EMIT event(e); });
    }, Qt::DirectConnection);
    connect(m_controller, &ChatController::finished, this, [this] {
        CrossThread::post(this, [this] { Q_EMIT finished(); });
    }, Qt::DirectConnection);
    m_thread->start();
}

SessionThread::~SessionThread()
{
    ChatController *controller = m_controller;
    // The controller and its sockets die in their own thread, then the thread ends.
    CrossThread::call(controller, [controller] { delete controller; });
    CrossThread::stop(m_thread);
    delete m_thread;
}

void SessionThread::open(const ClientSession::Options &options)
{
    ChatController *c = m_controller;
    CrossThread::post(c, [c, options] { c->openSession(options); });
}

void SessionThread::execute(const QString &line)
{
    ChatController *c = m_controller;
    CrossThread::post(c, [c, line] { c->execute(line); });
}

void SessionThread::setCurrent(int session, const QString &target)
{
    ChatController *c = m_controller;
    CrossThread::post(c, [c, session, target] { c->setCurrent(session, target); });
}

void SessionThread::quit(const QString &reason)
{
    ChatController *c = m_controller;
    CrossThread::post(c, [c, reason] { c->quitAll(reason); });
}
