#pragma once
// admin-service: operators (admins), roles and permissions, login with refresh tokens and TOTP,
// and the append-only audit log that every service's audit events end up in.
//
// Threads: registerRoutes/onReady run on the service thread; handlers run on its workers; audit
// events are stored by a consumer object on a thread of its own (storing blocks on SQL, which
// the service thread must not).

#include "platform/host/Service.h"

#include <QThread>

#include <memory>

namespace paydesk::services::admin {

struct AdminSettings
{
    int passwordIterations = 120000; // PBKDF2-SHA256 rounds; tests lower it
    int accessTokenTtlSeconds = 900; // 15 minutes
    qint64 refreshTokenTtlSeconds = 7 * 24 * 3600;
    int lockoutAttempts = 5; // failures within lockoutWindowSeconds lock the account
    int lockoutWindowSeconds = 900;
    int lockoutSeconds = 900;
};

class AuditConsumer;
class SystemHealthMonitor;

class AdminService : public platform::Service
{
public:
    explicit AdminService(platform::ServiceDescriptor descriptor, AdminSettings settings = {});
    ~AdminService() override;

    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    QList<QPair<QString, QString>> consumedTopics() const override;
    void onReady(platform::ServiceRuntime &runtime) override;

    static inline const QString kAuditGroup = QStringLiteral("admin-service-audit");

private:
    AdminSettings m_settings;
    QThread m_auditThread;
    AuditConsumer *m_auditConsumer = nullptr; // lives on m_auditThread, deleted when it finishes
    // Samples every service's health once a second on a thread of its own (GET /api/v1/system/health).
    QThread m_healthThread;
    std::shared_ptr<SystemHealthMonitor> m_healthMonitor;
    bool m_readyOnce = false; // service thread
    void stopHealthMonitor();
};

std::unique_ptr<platform::Service> createAdminService(const platform::ServiceDescriptor &descriptor);
std::unique_ptr<platform::Service> createAdminService(const platform::ServiceDescriptor &descriptor,
                                                      AdminSettings settings);

} // namespace paydesk::services::admin
