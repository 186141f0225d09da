// SPDX-License-Identifier: MIT
#include "connectdialog.h"

#include "client/connectionoptions.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_host(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_nick(new QLineEdit(this))
    , m_channel(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_rememberPassword(new QCheckBox(tr("Remember the password (stored as plain text)"), this))
    , m_account(new QLineEdit(this))
    , m_accountPassword(new QLineEdit(this))
    , m_rememberAccountPassword(new QCheckBox(tr("Remember the account password (stored as plain text)"), this))
    , m_tls(new QCheckBox(tr("Use &TLS (encrypted; the certificate is verified)"), this))
    , m_fingerprint(new QLineEdit(this))
{
    setWindowTitle(tr("Connect to a Confab server"));
    m_port->setRange(1, 65535);
    m_password->setEchoMode(QLineEdit::Password);
    m_rememberPassword->setObjectName(QStringLiteral("rememberPassword"));
    m_account->setObjectName(QStringLiteral("account"));
    m_account->setPlaceholderText(tr("optional: log in while connecting"));
    m_accountPassword->setObjectName(QStringLiteral("accountPassword"));
    m_accountPassword->setEchoMode(QLineEdit::Password);
    m_rememberAccountPassword->setObjectName(QStringLiteral("rememberAccountPassword"));
    m_nick->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral(R"([A-Za-z\[\]\\`_^{|}][A-Za-z0-9\[\]\\`_^{|}\-]{0,29})")), this));

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Server:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(QString(), m_tls);
    m_fingerprint->setPlaceholderText(tr("SHA-256, only for a self-signed certificate"));
    form->addRow(tr("Trusted &fingerprint:"), m_fingerprint);
    // The conventional ports follow the checkbox, unless the user chose another one.
    connect(m_tls, &QCheckBox::toggled, this, [this](bool on) {
        if (on && m_port->value() == ServerAddress::DefaultPort)
            m_port->setValue(ServerAddress::DefaultTlsPort);
        else if (!on && m_port->value() == ServerAddress::DefaultTlsPort)
            m_port->setValue(ServerAddress::DefaultPort);
        m_fingerprint->setEnabled(on);
    });
    form->addRow(tr("&Nickname:"), m_nick);
    m_channel->setObjectName(QStringLiteral("channel"));
    form->addRow(tr("&Channel:"), m_channel);
    form->addRow(tr("Server pass&word:"), m_password);
    form->addRow(QString(), m_rememberPassword);
    form->addRow(tr("&Account:"), m_account);
    form->addRow(tr("Account passwor&d:"), m_accountPassword);
    form->addRow(QString(), m_rememberAccountPassword);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);

    QSettings settings;
    ClientSession::Options o;
    o.host = settings.value(QStringLiteral("connection/host"), QStringLiteral("127.0.0.1")).toString();
    o.port = quint16(settings.value(QStringLiteral("connection/port"), ServerAddress::DefaultPort).toUInt());
    o.nick = settings.value(QStringLiteral("connection/nick"), ConnectionOptions::defaultNick()).toString();
    o.channels = {settings.value(QStringLiteral("connection/channel"), o.channels.value(0)).toString()};
    o.password = settings.value(QStringLiteral("connection/password")).toString();
    o.tls = settings.value(QStringLiteral("connection/tls"), false).toBool();
    o.tlsFingerprint = settings.value(QStringLiteral("connection/tlsFingerprint")).toString();
    m_rememberPassword->setChecked(!o.password.isEmpty());
    o.account = settings.value(QStringLiteral("connection/account")).toString();
    o.accountPassword = settings.value(QStringLiteral("connection/accountPassword")).toString().toUtf8();
    m_rememberAccountPassword->setChecked(!o.accountPassword.isEmpty());
    setOptions(o);
}

ClientSession::Options ConnectDialog::options() const
{
    ClientSession::Options o;
    o.host = m_host->text().trimmed();
    o.port = quint16(m_port->value());
    o.nick = m_nick->text().trimmed();
    QString channel = m_channel->text().trimmed();
    if (!channel.isEmpty() && !channel.startsWith(u'#') && !channel.startsWith(u'&'))
        channel.prepend(u'#');
    o.channels = channel.isEmpty() ? QStringList() : QStringList {channel};
    o.password = m_password->text();
    o.account = m_account->text().trimmed();
    o.accountPassword = o.account.isEmpty() ? QByteArray() : m_accountPassword->text().toUtf8();
    o.tls = m_tls->isChecked();
    o.tlsFingerprint = o.tls ? m_fingerprint->text().trimmed() : QString();
    return o;
}

void ConnectDialog::setOptions(const ClientSession::Options &o)
{
    m_host->setText(o.host);
    m_port->setValue(o.port);
    m_nick->setText(o.nick);
    m_channel->setText(o.channels.value(0));
    m_password->setText(o.password);
    m_account->setText(o.account);
    m_accountPassword->setText(QString::fromUtf8(o.accountPassword));
    const QSignalBlocker block(m_tls); // keep the given port
    m_tls->setChecked(o.tls);
    m_fingerprint->setText(o.tlsFingerprint);
    m_fingerprint->setEnabled(o.tls);
}

void ConnectDialog::accept()
{
    const ClientSession::Options o = options();
    if (o.host.isEmpty() || o.nick.isEmpty()) {
        QMessageBox::warning(this, windowTitle(), tr("A server and a nickname are needed."));
        return;
    }
    if (!o.account.isEmpty() && o.accountPassword.isEmpty()) {
        QMessageBox::warning(this, windowTitle(), tr("Logging in to an account needs its password."));
        return;
    }
    if (!o.tlsFingerprint.isEmpty() && ServerAddress::normalizeFingerprint(o.tlsFingerprint).isEmpty()) {
        QMessageBox::warning(this, windowTitle(),
                             tr("The fingerprint must be a SHA-256 one: 64 hex digits, colons allowed."));
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("connection/host"), o.host);
    settings.setValue(QStringLiteral("connection/port"), o.port);
    settings.setValue(QStringLiteral("connection/nick"), o.nick);
    settings.setValue(QStringLiteral("connection/channel"), o.channels.value(0));
    settings.setValue(QStringLiteral("connection/tls"), o.tls);
    settings.setValue(QStringLiteral("connection/tlsFingerprint"), o.tlsFingerprint);
    if (m_rememberPassword->isChecked())
        settings.setValue(QStringLiteral("connection/password"), o.password);
    else
        settings.remove(QStringLiteral("connection/password"));
    settings.setValue(QStringLiteral("connection/account"), o.account);
    if (m_rememberAccountPassword->isChecked() && !o.account.isEmpty())
        settings.setValue(QStringLiteral("connection/accountPassword"), QString::fromUtf8(o.accountPassword));
    else
        settings.remove(QStringLiteral("connection/accountPassword"));
    QDialog::accept();
}
