// SPDX-License-Identifier: MIT
#include "connectdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

class TestConnectDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void remembersAnswers();
    void passwordOnlyWhenAsked();
    void accountPasswordOnlyWhenAsked();
    void refusesEmptyNick();
    void channelAndLoginNameNick();

private:
    QTemporaryDir m_home;
};

void TestConnectDialog::initTestCase()
{
    // Keep the user's real settings out of it.
    QVERIFY(m_home.isValid());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_home.path());
    QCoreApplication::setOrganizationName(QStringLiteral("ConfabTest"));
    QCoreApplication::setApplicationName(QStringLiteral("connectdialog"));
}

void TestConnectDialog::remembersAnswers()
{
    {
        ConnectDialog dialog;
        ClientSession::Options o;
        o.host = QStringLiteral("chat.example.org");
        o.port = 6697;
        o.nick = QStringLiteral("remembered");
        dialog.setOptions(o);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }
    ConnectDialog again;
    QCOMPARE(again.options().host, QStringLiteral("chat.example.org"));
    QCOMPARE(again.options().port, quint16(6697));
    QCOMPARE(again.options().nick, QStringLiteral("remembered"));
}

void TestConnectDialog::passwordOnlyWhenAsked()
{
    {
        ConnectDialog dialog;
        ClientSession::Options o = dialog.options();
        o.password = QStringLiteral("secret");
        dialog.setOptions(o);
        dialog.accept();
    }
    QCOMPARE(ConnectDialog().options().password, QString()); // not stored by default
    {
        ConnectDialog dialog;
        ClientSession::Options o = dialog.options();
        o.password = QStringLiteral("secret");
        dialog.setOptions(o);
        dialog.findChild<QCheckBox *>(QStringLiteral("rememberPassword"))->setChecked(true);
        dialog.accept();
    }
    QCOMPARE(ConnectDialog().options().password, QStringLiteral("secret"));
}

void TestConnectDialog::accountPasswordOnlyWhenAsked()
{
    {
        ConnectDialog dialog;
        ClientSession::Options o = dialog.options();
        o.account = QStringLiteral("alice");
        o.accountPassword = "account-secret";
        dialog.setOptions(o);
        QCOMPARE(dialog.options().accountPassword, QByteArray("account-secret"));
        dialog.accept();
    }
    // The account is remembered, its password not unless asked.
    QCOMPARE(ConnectDialog().options().account, QStringLiteral("alice"));
    QCOMPARE(ConnectDialog().options().accountPassword, QByteArray());
    {
        ConnectDialog dialog;
        ClientSession::Options o = dialog.options();
        o.accountPassword = "account-secret";
        dialog.setOptions(o);
        dialog.findChild<QCheckBox *>(QStringLiteral("rememberAccountPassword"))->setChecked(true);
        dialog.accept();
    }
    QCOMPARE(ConnectDialog().options().accountPassword, QByteArray("account-secret"));
}

void TestConnectDialog::refusesEmptyNick()
{
    ConnectDialog dialog;
    ClientSession::Options o = dialog.options();
    o.nick.clear();
    dialog.setOptions(o);
    // accept() warns with a message box instead of closing; answer it.
    QTimer::singleShot(0, [] {
        if (QWidget *box = QApplication::activeModalWidget())
            box->close();
    });
    dialog.accept();
    QVERIFY(dialog.result() != int(QDialog::Accepted));
}

void TestConnectDialog::channelAndLoginNameNick()
{
    QSettings().clear();
    const QByteArray user = qgetenv("USER");
    qputenv("USER", "jo.doe-1");
    {
        ConnectDialog dialog;
        // The login name, as far as IRC allows it in a nick; the usual channel.
        QCOMPARE(dialog.options().nick, QStringLiteral("jodoe-1"));
        QCOMPARE(dialog.options().channels, QStringList {"#lobby"});
        auto *channel = dialog.findChild<QLineEdit *>(QStringLiteral("channel"));
        QVERIFY(channel);
        channel->setText(QStringLiteral("rust"));
        QCOMPARE(dialog.options().channels, QStringList {"#rust"});
        dialog.accept();
    }
    qputenv("USER", user);
    ConnectDialog again;
    QCOMPARE(again.options().channels, QStringList {"#rust"});
}

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
