#pragma once
// The payments explorer: a search form over payment-gateway's admin list (payment_no, order_no,
// merchant, status, time range; paged), the results, and one payment's detail: its facts and a
// timeline merged from the gateway (status changes, risk decision, steps, refunds), accounting
// (ledger postings) and notification (webhook deliveries with the merchant's answers). Buttons
// open its logs and its trace; a refund goes through a confirmation dialog.

#include <QDialog>
#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

// "12.34 USD" from minor units and the currency's exponent (JPY 0, KWD 3, most 2).
QString formatMoney(qint64 minor, const QString &currency);
// Minor units from what a person typed ("12.3" USD → 1230); nullopt when it is not an amount.
std::optional<qint64> parseMoney(const QString &text, const QString &currency);

// Confirmation for a refund: amount (defaults to what is left), a required reason, and the
// consequences spelled out. Accepts only a valid amount within what is refundable.
class RefundDialog : public QDialog
{
    Q_OBJECT
public:
    RefundDialog(const QString &paymentNo, qint64 refundableMinor, const QString &currency,
                 QWidget *parent = nullptr);
    qint64 amountMinor() const;
    QString reason() const;
    QLineEdit *amountEdit() const { return m_amount; }
    QLineEdit *reasonEdit() const { return m_reason; }
    void accept() override;

private:
    void validate();
    QString m_currency;
    qint64 m_refundable;
    QLineEdit *m_amount;
    QLineEdit *m_reason;
    QLabel *m_problem;
    QPushButton *m_ok;
};

class PaymentsView : public QWidget
{
    Q_OBJECT
public:
    explicit PaymentsView(api::PlatformClient *client, QWidget *parent = nullptr);

    QTreeWidget *results() const { return m_results; }
    QTreeWidget *timeline() const { return m_timeline; }
    QJsonObject currentPayment() const { return m_payment; }
    void setFilter(const QString &field, const QString &value); // payment_no, order_no, merchant_id, status

public Q_SLOTS:
    void search();
    void openPayment(const QString &paymentNo);
    // Opens the confirmation dialog for the payment shown (non-blocking: RefundDialog::open()).
    void requestRefund();

Q_SIGNALS:
    void traceRequested(const QString &traceId);
    // Lines mentioning the payment: a full-text query for the log explorer.
    void logsQueryRequested(const QString &text);
    void searchFinished(int payments);
    void paymentLoaded(const QString &paymentNo);
    void refundFinished(bool ok, const QString &message);

private:
    void showPayment(const QJsonObject &payment);
    void rebuildTimeline();
    void findTrace();

    api::PlatformClient *m_client;
    QLineEdit *m_paymentNo;
    QLineEdit *m_orderNo;
    QLineEdit *m_merchantId;
    QComboBox *m_status;
    QComboBox *m_range;
    QPushButton *m_searchButton;
    QPushButton *m_previous;
    QPushButton *m_next;
    QLabel *m_pageLabel;
    QTreeWidget *m_results;
    QLabel *m_title;
    QLabel *m_facts;
    QPushButton *m_logs;
    QPushButton *m_trace;
    QPushButton *m_refund;
    QTreeWidget *m_timeline;
    QPlainTextEdit *m_entryDetail;
    QLabel *m_status2;

    int m_page = 1;
    qint64 m_total = 0;
    QJsonObject m_payment;
    QList<QJsonObject> m_journal;
    QList<QJsonObject> m_deliveries;
    QString m_journalError;
    QString m_deliveriesError;
    quint64 m_epoch = 0;
};

} // namespace paydesk::console
