// SPDX-License-Identifier: MIT
#include "sessionthread.h"

#include "client/chatcontroller.h"
#include "system/crossthread.h"

#include <QThread>

SessionThread::SessionThread(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_controller(new ChatController)
{
    m_thread->setObjectName(QStringLiteral("confab-network"));
    CrossThread::track(m_thread);
    // Moved before it has any child: the sessions and their sockets are created later, in
    // openSession(), which runs in the network thread.
    m_controller->moveToThread(m_thread);
    // network thread -> window: events, as values.
    CrossThread::connect(m_controller, &ChatController::event, this, &SessionThread::event);
    CrossThread::connect(m_controller, &ChatController::finished, this, &SessionThread::finished);
    // window -> network thread: commands.
    CrossThread::connect(this, &SessionThread::openRequested, m_controller, &ChatController::openSession);
    CrossThread::connect(this, &SessionThread::executeRequested, m_controller,
                         qOverload<const QString &>(&ChatController::execute));
    CrossThread::connect(this, &SessionThread::setCurrentRequested, m_controller, &ChatController::setCurrent);
    CrossThread::connect(this, &SessionThread::quitRequested, m_controller, &ChatController::quitAll);
    CrossThread::connect(this, &SessionThread::fetchOlderRequested, m_controller, &ChatController::fetchOlder);
    CrossThread::connect(this, &SessionThread::markReadRequested, m_controller, &ChatController::markRead);
    CrossThread::connect(this, &SessionThread::searchRequested, m_controller, &ChatController::search);
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
