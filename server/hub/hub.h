// SPDX-License-Identifier: MIT
#pragma once

#include "accountregistry.h"
#include "cluster/clusterevent.h"
#include "cluster/clusterframe.h"
#include "hubchannel.h"
#include "hubclient.h"
#include "net/clientid.h"
#include "net/deliverystages.h"
#include "net/hostlink.h" // complete type: HostLink* crosses threads in queued signals
#include "net/inboundline.h"
#include "storage/channelstate.h"
#include "storage/historybatch.h"
#include "storage/historyevent.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <functional>
#include <memory>
#include <unordered_map>

class HistoryBacklog;
class OutboundFrame;
class QTimer;
class Router;
struct ServerConfig;

// The one owner of the nick and channel registry. It lives in a thread of its own and is only
// ever entered through queued calls, so its state needs no lock: every command from every
// client is applied in one order, which is also what keeps per-sender message order intact.
// It decides who receives what; the Router decides how bytes get there. The command handlers
// teach it their commands (addCommand); it knows none of them itself. What is kept in history
// leaves it as signals to the history store, which it never waits for.
class Hub : public QObject {
    Q_OBJECT
public:
    // `history` counts what the store has not written yet; null when history is off.
    // `stages`: where the hub adds its share of the delivery stages' timings as it goes.
    Hub(std::shared_ptr<const ServerConfig> config, std::unique_ptr<Router> router,
        std::shared_ptr<HistoryBacklog> history, std::shared_ptr<DeliveryStages> stages = {},
        QObject *parent = nullptr);
    ~Hub() override;

public Q_SLOTS:
    // From the connection workers, queued: a connection's arrival, its lines, its end.
    void clientConnected(ClientId id, HostLink *route, const InboundBacklogPtr &backlog, const QHostAddress &address,
                         quint16 port, const QByteArray &localUser = {});
    void clientSecured(ClientId id, const QByteArray &certificate);
    void clientLines(ClientId id, const QList<InboundLine> &lines);
    void clientGone(ClientId id, const QByteArray &reason);
    // From the cluster's thread, queued: the answer to nickClaimRequested.
    void nickClaimAnswered(quint64 ticket, int result);
    // From the cluster's thread, queued, in the stream's order: another node's user or channel
    // changed (docs/cluster.md). Applied to this hub's copy; its users were told by that node.
    void clusterEventApplied(const ClusterEvent &event);
    // From the cluster's thread, queued: a line another node relayed to users of this one.
    void clusterFrameArrived(const ClusterFrame &frame);
    // From the cluster's thread, queued: Redis reachable or not. Operators are told.
    void clusterAvailable(bool available);
    // From the storage thread, queued: the database can be written to, or not. Operators are told.
    void storeAvailable(bool available);
    // From the cluster's thread, queued: after a split, this node's users join the network
    // again (ClusterNode::resyncNeeded).
    void clusterResync(bool streamLost);

public:
    // The server's and the operator console's questions, run in the hub's thread while the main
    // thread waits for the answer (CrossThread::call).
    // Tells every client why, closes every connection, forgets everything.
    void shutdown(const QByteArray &reason);
    struct ClientSummary {
        ClientId id;
        QByteArray nick;
        QByteArray address;
        quint16 port;
        qint64 signonTime;
    };
    QList<ClientSummary> clientSummaries() const;
    // Registered users by node (this node's under its own name), for the operator console.
    QHash<QByteArray, int> usersByNode() const;
    bool terminate(ClientId id, const QByteArray &reason);
    bool noticeTo(ClientId id, const QByteArray &text);
    // A server notice to every registered client, serialised once. Returns how many.
    int broadcastNotice(const QByteArray &text);
    // At start-up, what the store remembers of channels: they come back as they were when they
    // are next created.
    void restore(const QList<ChannelState> &channels);
    // At start-up, every account; without it accounts are unavailable (no database).
    void restoreAccounts(const QList<AccountRecord> &accounts);

    // What the command handlers build on.
    using CommandFn = std::function<void(HubClient &, const IrcMessage &)>;
    void addCommand(const QByteArray &name, int minParams, bool needsRegistration, CommandFn fn);
    // Called for every client that is gone, just before the hub forgets it: a handler's own
    // per-client state goes with it.
    void onClientGone(std::function<void(HubClient &)> fn) { m_goneHooks.append(std::move(fn)); }
    // Called by shutdown(), in the hub's thread: a handler stops its timers there.
    void onShutdown(std::function<void()> fn) { m_shutdownHooks.append(std::move(fn)); }
    // Called after a registered client's nick changed, with the old one.
    void onNickChanged(std::function<void(HubClient &, const QByteArray &)> fn) { m_nickHooks.append(std::move(fn)); }
    AccountRegistry &accounts() { return m_accounts; }
    // A service pseudo-user (NickServ): messages to `nick` go to `fn` instead of a client, and no
    // client may take the nick.
    using ServiceFn = std::function<void(HubClient &from, const QByteArray &text)>;
    void addService(const QByteArray &nick, ServiceFn fn);
    const ServiceFn *findService(QByteArrayView nick) const;

    const ServerConfig &config() const { return *m_config; }
    // For LUSERS and STATS: connections that have not registered yet, how often each command
    // ran, every command known, and how long the hub has run.
    int unregisteredCount() const { return m_unregistered; }
    // LUSERS' numbers, kept as clients come, register, change modes and go: a welcome burst
    // never walks every client (a storm of connects would be quadratic).
    struct UserCounts {
        int registered = 0; // in the whole network
        int invisible = 0;
        int opers = 0;
        int remote = 0;  // of those, the users of other nodes
        int servers = 1; // this node, and the others that have users
    };
    UserCounts userCounts() const
    {
        return {m_registered, m_invisible, m_opers, m_remoteCount, int(m_remoteByNode.size()) + 1};
    }
    // The only ways to change what those numbers count.
    void setInvisible(HubClient &client, bool invisible);
    void setOperName(HubClient &client, const QByteArray &name);
    // How often each command has run (STATS m), those that have.
    QHash<QByteArray, quint64> commandCounts() const;
    QList<QByteArray> commandNames() const;
    qint64 uptimeSeconds() const { return m_clock.elapsed() / 1000; }
    HubClient *findNick(QByteArrayView nick) const;
    HubClient *findClient(ClientId id) const;
    // The client and every other connection of its user: all those logged in to its account
    // (a walk over every client), or just itself.
    QList<HubClient *> clientsOf(HubClient &client) const;
    HubChannel *findChannel(QByteArrayView name) const;
    const QHash<QByteArray, HubChannel *> &channels() const { return m_channels; }
    QList<HubClient *> registeredClients() const;
    int registeredCount() const { return int(registeredClients().size()); }

    // Server-originated message to one client.
    void send(HubClient &to, IrcMessage message);
    // A numeric reply: source is the server, first parameter the client's nick (or "*").
    void reply(HubClient &to, int numeric, QList<QByteArray> params);
    // For operator-only commands: true for an IRC operator, else 481 to the client and false.
    bool requireOperator(HubClient &client);
    void deliver(const QList<HubClient *> &recipients, OutboundFrame &frame, const HubClient *except = nullptr);
    // Lines made for this one client (history, playback), already serialised.
    void sendBytes(HubClient &to, const QByteArray &bytes);
    // Everyone who shares a channel with `client`, each once; `client` itself when asked.
    QList<HubClient *> peersOf(const HubClient &client, bool includeSelf) const;
    // Those to tell about a change of `client` (away, account, real name) who took `cap`: its
    // peers, and those who MONITOR it with extended-monitor.
    QList<HubClient *> interestedIn(const HubClient &client, Capability::Flag cap, bool includeSelf) const;

    // MONITOR: who watches which nick. Watchers are told 730 when the nick comes online (a
    // client registers with it or takes it) and 731 when it goes (quit or nick change).
    static constexpr int MonitorLimit = 100;
    void monitorAdd(HubClient &watcher, const QByteArray &nick);
    void monitorRemove(HubClient &watcher, const QByteArray &nick);
    void monitorClear(HubClient &watcher);
    // A client has just registered: its watchers learn it is online.
    void clientRegistered(HubClient &client);

    HubChannel *joinChannel(HubClient &client, const QByteArray &name);
    void leaveChannel(HubClient &client, HubChannel *channel);
    // Several nodes as one network (docs/cluster.md): a nick is claimed network-wide before a
    // client takes it. claimNick() asks the cluster (nickClaimRequested) and holds the client's
    // further lines until done() has run with the answer.
    void setClustered(bool clustered) { m_clustered = clustered; }
    bool isClustered() const { return m_clustered; }
    // Whether users of other nodes can be reached now: false while Redis is away. A channel is
    // reachable when it has no members elsewhere or they can be reached.
    bool clusterReachable() const { return !m_clustered || m_clusterUp; }
    bool reaches(const HubChannel &channel) const;
    enum class NickClaim { Won, Taken, Unavailable }; // as ClusterRegistry::Claim
    // Lines a client may send while its nick is being decided.
    static constexpr int MaxHeldLines = 512;
    void claimNick(HubClient &client, const QByteArray &nick, std::function<void(HubClient &, NickClaim)> done);
    // A nick the server gives (a rename to Guest<number>, a regained nick): at once when alone;
    // in a cluster once the registry agrees. done(client, false) when it does not (taken on
    // another node, or Redis away).
    void giveNick(HubClient &client, const QByteArray &nick, std::function<void(HubClient &, bool)> done = {});
    // What other nodes show of a registered client of this one changed (away, modes, account,
    // host, real name, capabilities): they are told. A no-op without a cluster.
    void userChanged(const HubClient &client);
    // A member's status (+o, +v) in a channel changed: the other nodes are told.
    void memberChanged(const HubChannel &channel, const HubClient &client);
    // Takes the nick if it is free (or the client's own under another case).
    bool setNick(HubClient &client, const QByteArray &nick);
    // setNick() for a registered client, told to everyone who shares a channel with it and kept
    // in those channels' history.
    bool changeNick(HubClient &client, const QByteArray &nick);
    // Announces QUIT to the client's peers, sends it ERROR, and closes its connection.
    void disconnect(HubClient &client, const QByteArray &quitReason);

    // History. Every kept event has a stamp: a msgid unique across restarts, and its time.
    struct Stamp {
        QByteArray msgid;
        qint64 timeMs;
    };
    Stamp stamp();
    bool keepsHistory() const { return m_backlog != nullptr; }
    // Keeps `message` (relayed with this stamp) in the channel's history, and a message among its
    // last lines for playback. Events other than PRIVMSG and NOTICE are kept only when the
    // configuration asks for them.
    void record(HubChannel &channel, const IrcMessage &message, const Stamp &stamp, const QByteArray &clientTags = {});
    // Keeps a private message in one side's copy of the conversation (HistoryKey::privateOf).
    void recordPrivate(const QByteArray &key, const IrcMessage &message, const Stamp &stamp,
                       const QByteArray &clientTags = {});
    // Sends `message` to every member of `channel`, stamped, and keeps it in its history.
    // `account` is the sender's (account-tag), if it is a logged-in client.
    void announce(HubChannel &channel, IrcMessage message, const QByteArray &account = {});
    // Tells `client`'s peers that take account-notify which account it is logged in to now
    // (ACCOUNT; "*" for none), and records it.
    void setAccount(HubClient &client, const QByteArray &account);
    // Gives `client` a new username and host in its hostmask: its peers that take chghost are
    // told (CHGHOST, from the old mask), and it is told its new host (396).
    void changeHost(HubClient &client, const QByteArray &user, const QByteArray &host);
    // Hands what was recorded so far to the store now (it goes within 20 ms anyway): a question
    // asked after it then sees it.
    void flushHistory();
    // A channel's topic, modes or bans changed: what is kept across restarts is saved.
    void channelChanged(const HubChannel &channel);
    // A BATCH reference, unique on this server.
    QByteArray nextBatchRef();
    // labeled-response: called by a command whose answer comes later (from the history store).
    // Returns the command's label (empty if none), which the caller puts on that answer; the
    // command itself then gets no ACK.
    QByteArray deferReply();
Q_SIGNALS:
    // A connection is gone for good: nothing is routed to it any more, and the thread that
    // hosted it may be retired.
    void routeReleased(HostLink *route);
    // To the cluster's thread (when clustered): a nick to claim for a client, answered with
    // nickClaimAnswered(ticket); a client that gave up its nick (it is gone).
    void nickClaimRequested(quint64 client, const QByteArray &nick, quint64 ticket);
    void nickReleased(quint64 client);
    // To the cluster's thread: a change of this node's users or channels, for the other nodes.
    void clusterEventMade(const ClusterEvent &event);
    // To the history store: what to keep, gathered for up to 20 ms.
    void historyRecorded(const HistoryBatch &events);
    void channelSaved(const ChannelState &state);

private:
    void handleLine(HubClient &client, const InboundLine &line);
    // Drops connections that have not registered in time.
    void checkRegistrationTimeouts();
    void detach(HubClient &client);
    void announceQuit(HubClient &client, const QByteArray &reason);
    // The cluster: this hub's record of another node's user, by its node and its id there.
    HubClient *remoteClient(const QByteArray &node, quint64 id) const;
    // The client an event is about: this node's, or another's.
    HubClient *subjectOf(const ClusterEvent &event) const;
    void applyUser(const ClusterEvent &event);
    void applyChannel(const ClusterEvent &event);
    // Another node's user is gone: out of every channel and the registry; its QUIT told to this
    // node's users when `quitReason` is given (its own node could not: it was lost).
    void forgetRemote(HubClient &client, const QByteArray *quitReason);
    void publish(ClusterEvent event);
    void addMember(HubClient &client, HubChannel &channel, bool op);
    // After a split: what the other nodes must learn again of one of this node's users.
    void rejoin(HubClient &client);
    // A nick the registry gave to another node's user is held here (after a split): the local
    // holder goes, as IRC has always settled nick collisions.
    void settleCollision(const QByteArray &nick);
    // A server notice to this node's operators.
    void noticeOperators(const QByteArray &text);
    HubChannel *channelFor(const QByteArray &name, bool *created);
    // `message` (from `client`) to everyone who shares a channel with it, stamped once and kept
    // in each of its channels' history.
    void announceToPeers(HubClient &client, IrcMessage message, bool includeSelf, const QByteArray &account = {});
    void sendClosingLink(HubClient &client, const QByteArray &reason);
    void forgetOldChannels();
    void reportDroppedHistory(bool now);
    void keep(HistoryEvent &&event);
    // labeled-response: the replies to the client's labeled command, labeled as one answer.
    void finishCapture();

    struct Command {
        int minParams;
        bool needsRegistration;
        CommandFn fn;
        quint64 count = 0; // times run
    };
    // Every line looks its command up: FNV-1a instead of Qt's keyed SipHash, which was a tenth of
    // the hub's time under load. Safe unkeyed: the table is fixed at start, so a client's unknown
    // command only misses (nicks and channels, which clients add, keep Qt's keyed hash).
    struct CommandHash {
        size_t operator()(const QByteArray &name) const noexcept
        {
            size_t h = 14695981039346656037ull;
            for (const char c : name)
                h = (h ^ uchar(c)) * 1099511628211ull;
            return h;
        }
    };

    std::shared_ptr<const ServerConfig> m_config;
    std::unique_ptr<Router> m_router;
    std::unordered_map<ClientId, std::unique_ptr<HubClient>> m_clients;
    QHash<QByteArray, HubClient *> m_nicks;     // folded nick -> client
    QHash<QByteArray, HubChannel *> m_channels; // folded name -> channel (owned)
    std::unordered_map<QByteArray, Command, CommandHash> m_commands;
    int m_registered = 0;
    int m_invisible = 0;
    int m_opers = 0;
    int m_unregistered = 0;
    QHash<QByteArray, QSet<ClientId>> m_monitors; // folded nick -> who watches it
    void notifyMonitors(const QByteArray &nick, const QByteArray &prefix, bool online);
    QList<std::function<void(HubClient &)>> m_goneHooks;
    QList<std::function<void()>> m_shutdownHooks;
    QList<std::function<void(HubClient &, const QByteArray &)>> m_nickHooks;
    QHash<QByteArray, ServiceFn> m_services; // folded nick -> service
    AccountRegistry m_accounts;
    std::shared_ptr<HistoryBacklog> m_backlog;
    std::shared_ptr<DeliveryStages> m_stageTotals;
    DeliveryStages::Histograms m_stages;       // this thread's: added to m_stageTotals when the hub goes
    qint64 m_lineStartNs = 0;                  // the line being handled was taken up then; 0: none is
    HistoryBatch m_history;                    // for the store, handed over in batches
    qint64 m_historyDropped = 0;               // not yet reported in the log
    bool m_historyBehind = false;              // dropping until the store has caught up by half
    QElapsedTimer m_historyLogged;             // the last log line about it
    QHash<QByteArray, ChannelState> m_dormant; // remembered channels nobody is in, by folded name
    QTimer *m_forgetTimer = nullptr;
    QTimer *m_historyTimer = nullptr; // hands m_history over to the store
    const QByteArray m_runId;         // random per run: msgids stay unique across restarts
    quint64 m_msgidCounter = 0;
    quint64 m_batchCounter = 0;
    // The client whose labeled command is running, and the lines it has been sent so far.
    struct Capture {
        HubClient *client = nullptr;
        QByteArray label;
        QList<QByteArray> lines;
        bool deferred = false;
    };
    Capture m_capture;
    QHash<QByteArray, int> m_perAddress; // connections per peer address
    QElapsedTimer m_clock;
    QTimer *m_registrationTimer; // runs only while someone is unregistered
    // After shutdown() the worker threads go away; a connection accepted just before may still
    // report in, and must not be routed to a host that no longer exists.
    bool m_shutDown = false;
    bool m_clustered = false;
    struct PendingClaim {
        ClientId client;
        std::function<void(HubClient &, NickClaim)> done;
    };
    QHash<quint64, PendingClaim> m_claims; // by ticket
    quint64 m_nextTicket = 1;
    QHash<QByteArray, ClientId> m_remote;  // node + '/' + its id there -> the id here
    QHash<QByteArray, int> m_remoteByNode; // users of each other node, for LUSERS
    int m_remoteCount = 0;
    ClientId m_nextRemoteId = ClientId(1) << 62; // other nodes' users: ids no connection here has
    // Applying another node's change: nothing of it goes back to the cluster, and what is
    // delivered meanwhile goes to this node's users only (that node told its own and the rest).
    bool m_applying = false;
    bool m_clusterUp = true;  // until the cluster's thread says otherwise
    bool m_detaching = false; // a quit: its nick's release says it all, not a part per channel
};
