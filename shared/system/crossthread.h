// SPDX-License-Identifier: MIT
#pragma once

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QThreadPool>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

// How Confab's threads talk: queued signals between objects that live in different threads
// (connect), a blocking call where an answer is needed at once (call, built on post), and
// stopping a thread for good (track/stop).
//
// ThreadSanitizer: Debian's Qt is not built with TSan, so the futexes behind its event queue are
// invisible to it, and every hand-over through the queue would look like a race. In a TSan build
// this file makes that ordering visible, in one place: a real std::mutex is held while Qt posts
// the queued call (for connect: from just before to just after Qt copies the signal's arguments
// into its event) and taken again in the receiving thread before the slot runs. Outside TSan
// builds there is no lock and no cost: connect is QObject::connect.
namespace CrossThread {

#if defined(__SANITIZE_THREAD__)
namespace Tsan {
std::mutex &lock();
// Held by this thread for the queued call being posted now (see connect).
bool &holding();
inline void sync() { std::lock_guard<std::mutex> {lock()}; }
} // namespace Tsan
#endif

// Runs fn() in target's thread, later. Calls from one thread to one target run in order.
template <typename Fn> void post(QObject *target, Fn &&fn)
{
#if defined(__SANITIZE_THREAD__)
    const std::lock_guard<std::mutex> held(Tsan::lock());
#endif
    QMetaObject::invokeMethod(
        target,
        [fn = std::forward<Fn>(fn)]() mutable {
#if defined(__SANITIZE_THREAD__)
            Tsan::sync();
#endif
            fn();
        },
        Qt::QueuedConnection);
}

// Runs fn() on one of pool's threads, later, with the hand-over made visible the same way.
template <typename Fn> void run(QThreadPool &pool, Fn &&fn)
{
#if defined(__SANITIZE_THREAD__)
    const std::lock_guard<std::mutex> held(Tsan::lock());
#endif
    pool.start([fn = std::forward<Fn>(fn)]() mutable {
#if defined(__SANITIZE_THREAD__)
        Tsan::sync();
#endif
        fn();
    });
}

// Connects a signal to a slot (or a signal) of an object that lives in another thread: Qt queues
// each emission to the receiver's thread, as AutoConnection does, with the arguments copied once.
template <typename Sender, typename Signal, typename Receiver, typename R, typename Class, typename... Args>
QMetaObject::Connection connect(const Sender *sender, Signal signal, Receiver *receiver, R (Class::*slot)(Args...))
{
#if defined(__SANITIZE_THREAD__)
    // Qt activates a signal's connections in the order they were made, so these three run as one
    // bracket around the queued delivery: lock, Qt copies the arguments and posts, unlock.
    QObject::connect(
        sender, signal, sender,
        [receiver = QPointer<QObject>(receiver)] {
            // A receiver deleted before its sender: Qt drops the queued call, and so does this.
            if (receiver && receiver->thread() != QThread::currentThread()) {
                Tsan::lock().lock();
                Tsan::holding() = true;
            }
        },
        Qt::DirectConnection);
    QMetaObject::Connection queued = QObject::connect(sender, signal, receiver, [receiver, slot](Args... args) {
        Tsan::sync();
        (receiver->*slot)(std::forward<Args>(args)...);
    });
    QObject::connect(
        sender, signal, sender,
        [] {
            if (std::exchange(Tsan::holding(), false))
                Tsan::lock().unlock();
        },
        Qt::DirectConnection);
    return queued;
#else
    return QObject::connect(sender, signal, receiver, slot);
#endif
}

// Runs fn() in target's thread and waits for it; true once it ran. False, without running it,
// when the target's thread is not running or the target is destroyed before fn() could run.
// Only for callers that the target's thread never waits on (no deadlock): in Confab the main
// thread asking the hub or a worker thread. The caller must not be stopping the target's thread
// meanwhile (in Confab the main thread does both, one after the other). The wait is a
// std::promise rather than Qt's blocking connection, so the hand-back is visible to TSan too.
template <typename Fn>
requires std::is_invocable_v<Fn &>
bool call(QObject *target, Fn &&fn)
{
    QThread *thread = target->thread();
    if (thread == QThread::currentThread()) {
        fn();
        return true;
    }
    if (!thread || !thread->isRunning())
        return false;
    // Answers exactly once: true from the call, or false from the destructor when Qt discards
    // the call unrun (its target was destroyed).
    class Answer {
    public:
        explicit Answer(std::shared_ptr<std::promise<bool>> promise)
            : m_promise(std::move(promise))
        {
        }
        Answer(Answer &&other) noexcept
            : m_promise(std::move(other.m_promise))
        {
        }
        Answer(const Answer &) = delete;
        ~Answer()
        {
            if (m_promise)
                m_promise->set_value(false);
        }
        void ran() { std::exchange(m_promise, nullptr)->set_value(true); }

    private:
        std::shared_ptr<std::promise<bool>> m_promise;
    };
    auto promise = std::make_shared<std::promise<bool>>();
    std::future<bool> answer = promise->get_future();
    post(target, [&fn, done = Answer(std::move(promise))]() mutable {
        fn();
        done.ran();
    });
    return answer.get();
}

// The same for one member function of the target: its result, or nothing when it could not run
// (for a function without a result: whether it ran). For the questions whose answer is needed
// at once (the server's operator console) and for stopping what lives in another thread.
template <typename Target, typename Method, typename... Args>
requires std::is_member_function_pointer_v<Method>
auto call(Target *target, Method method, Args &&...args)
{
    using Result = std::invoke_result_t<Method, Target *, Args...>;
    if constexpr (std::is_void_v<Result>) {
        return call(target, [&] { std::invoke(method, target, std::forward<Args>(args)...); });
    } else {
        std::optional<Result> result;
        call(target, [&] { result = std::invoke(method, target, std::forward<Args>(args)...); });
        return result;
    }
}

// For a thread that will be stopped: track() it before it starts; stop() it instead of quit() and
// wait(). QThread::wait() returns when the thread's event loop is over, but its threads are
// detached and the OS thread still runs thread-exit code after that: destructors of
// thread-locals and of libraries' per-thread state (OpenSSL's, for a thread that held TLS
// sockets). A process that exits meanwhile runs the libraries' exit cleanup concurrently with
// that code (OpenSSL documents that its atexit cleanup assumes every thread has ended). So
// stop() also waits until the OS thread is gone. And everything the thread did happens before
// what the caller does next (deleting what the thread used), visibly for TSan too.
void track(QThread *thread);
void stop(QThread *thread);

} // namespace CrossThread
