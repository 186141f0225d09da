// SPDX-License-Identifier: MIT
#pragma once

#include "client/clientsession.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QSpinBox;

// Where to connect and as whom (a nick, and an account to log in to). Remembers the last answers
// with QSettings; a password only when asked to, since QSettings stores it as plain text.
class ConnectDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);

    ClientSession::Options options() const;
    void setOptions(const ClientSession::Options &options);
    void accept() override;

private:
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_nick;
    QLineEdit *m_channel;
    QLineEdit *m_password;
    QCheckBox *m_rememberPassword;
    QLineEdit *m_account;
    QLineEdit *m_accountPassword;
    QCheckBox *m_rememberAccountPassword;
    QCheckBox *m_tls;
    QLineEdit *m_fingerprint;
};
