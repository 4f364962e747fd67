#include "common/Dialogs.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace paydesk::console {

QString errorText(const api::ApiResult &result)
{
    QString text =
        result.errorCode.isEmpty() ? QStringLiteral("HTTP %1").arg(result.status) : result.errorCode;
    if (!result.errorMessage.isEmpty())
        text += QStringLiteral(": ") + result.errorMessage;
    if (!result.traceId.isEmpty())
        text += QStringLiteral(" (trace %1)").arg(result.traceId);
    return text;
}

bool confirmAction(QWidget *parent, const QString &title, const QString &question, const QString &action)
{
    QMessageBox box(QMessageBox::Warning, title, question, QMessageBox::Cancel, parent);
    box.setObjectName(QStringLiteral("confirmAction"));
    QPushButton *confirm = box.addButton(action, QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.setEscapeButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == confirm;
}

ReasonDialog::ReasonDialog(const QString &title, const QString &question, QWidget *parent)
    : QDialog(parent), m_reason(new QPlainTextEdit(this))
{
    setWindowTitle(title);
    auto *layout = new QVBoxLayout(this);
    auto *label = new QLabel(question, this);
    label->setWordWrap(true);
    layout->addWidget(label);
    m_reason->setPlaceholderText(tr("Reason (required, kept in the audit log)"));
    m_reason->setTabChangesFocus(true);
    m_reason->setMinimumSize(420, 90);
    layout->addWidget(m_reason);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setEnabled(false);
    layout->addWidget(buttons);
    connect(m_reason, &QPlainTextEdit::textChanged, this, [this] { m_ok->setEnabled(!reason().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString ReasonDialog::reason() const
{
    return m_reason->toPlainText().trimmed();
}

bool ReasonDialog::ask(QWidget *parent, const QString &title, const QString &question, QString *reason)
{
    ReasonDialog dialog(title, question, parent);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *reason = dialog.reason();
    return true;
}

SecretOnceDialog::SecretOnceDialog(const QString &title, const QString &label, const QString &secret,
                                   const QString &advice, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(title);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(label, this));
    auto *field = new QLineEdit(secret, this);
    field->setReadOnly(true);
    field->setObjectName(QStringLiteral("secret"));
    field->setMinimumWidth(460);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    field->setFont(mono);
    auto *copy = new QPushButton(tr("Copy"), this);
    auto *row = new QHBoxLayout;
    row->addWidget(field, 1);
    row->addWidget(copy);
    layout->addLayout(row);
    auto *hint = new QLabel(advice, this);
    hint->setWordWrap(true);
    hint->setObjectName(QStringLiteral("muted"));
    layout->addWidget(hint);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(buttons);
    connect(copy, &QPushButton::clicked, this, [secret, copy] {
        QApplication::clipboard()->setText(secret);
        copy->setText(QObject::tr("Copied"));
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
}

} // namespace paydesk::console
