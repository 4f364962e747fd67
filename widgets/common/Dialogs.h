#pragma once
// Small dialogs every view uses: a required reason for a change, a secret shown once with a copy
// button, and the readable text of a failed call.

#include "api/PlatformClient.h"

#include <QDialog>

class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace paydesk::console {

// "CODE: detail" (plus the trace id when there is one) for an error label or message box.
QString errorText(const api::ApiResult &result);

// Asks to confirm a consequential action; Cancel is the default button (Enter does not confirm by
// accident), `action` labels the confirming button ("Stop payment-gateway").
bool confirmAction(QWidget *parent, const QString &title, const QString &question, const QString &action);

// Asks for a reason (required, trimmed); OK stays disabled while it is empty.
class ReasonDialog : public QDialog
{
    Q_OBJECT
public:
    ReasonDialog(const QString &title, const QString &question, QWidget *parent = nullptr);
    QString reason() const;
    static bool ask(QWidget *parent, const QString &title, const QString &question, QString *reason);

private:
    QPlainTextEdit *m_reason;
    QPushButton *m_ok;
};

// Shows a secret once (API key secret, first admin password) with a copy button and advice.
class SecretOnceDialog : public QDialog
{
    Q_OBJECT
public:
    SecretOnceDialog(const QString &title, const QString &label, const QString &secret, const QString &advice,
                     QWidget *parent = nullptr);
};

} // namespace paydesk::console
