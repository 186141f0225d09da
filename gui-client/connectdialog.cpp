#include "connectdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QSpinBox>

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_host(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_nick(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_rememberPassword(new QCheckBox(tr("Remember the password (stored as plain text)"), this))
{
    setWindowTitle(tr("Connect to a Confab server"));
    m_port->setRange(1, 65535);
    m_password->setEchoMode(QLineEdit::Password);
    m_nick->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral(R"([A-Za-z\[\]\\`_^{|}][A-Za-z0-9\[\]\\`_^{|}\-]{0,29})")), this));

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Server:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Nickname:"), m_nick);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(QString(), m_rememberPassword);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);

    QSettings settings;
    ClientSession::Options o;
    o.host = settings.value(QStringLiteral("connection/host"), QStringLiteral("127.0.0.1")).toString();
    o.port = quint16(settings.value(QStringLiteral("connection/port"), 6667).toUInt());
    o.nick = settings.value(QStringLiteral("connection/nick"), qEnvironmentVariable("USER")).toString();
    o.password = settings.value(QStringLiteral("connection/password")).toString();
    m_rememberPassword->setChecked(!o.password.isEmpty());
    setOptions(o);
}

ClientSession::Options ConnectDialog::options() const
{
    ClientSession::Options o;
    o.host = m_host->text().trimmed();
    o.port = quint16(m_port->value());
    o.nick = m_nick->text().trimmed();
    o.password = m_password->text();
    return o;
}

void ConnectDialog::setOptions(const ClientSession::Options &o)
{
    m_host->setText(o.host);
    m_port->setValue(o.port);
    m_nick->setText(o.nick);
    m_password->setText(o.password);
}

void ConnectDialog::accept()
{
    const ClientSession::Options o = options();
    if (o.host.isEmpty() || o.nick.isEmpty()) {
        QMessageBox::warning(this, windowTitle(), tr("A server and a nickname are needed."));
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("connection/host"), o.host);
    settings.setValue(QStringLiteral("connection/port"), o.port);
    settings.setValue(QStringLiteral("connection/nick"), o.nick);
    if (m_rememberPassword->isChecked())
        settings.setValue(QStringLiteral("connection/password"), o.password);
    else
        settings.remove(QStringLiteral("connection/password"));
    QDialog::accept();
}
