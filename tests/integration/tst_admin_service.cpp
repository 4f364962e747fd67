// admin-service in process on a real PostgreSQL and Redis: first-admin bootstrap, login and
// lockout, refresh rotation and reuse detection, logout, TOTP, password policy and history, the
// RBAC matrix over every admin route (from the router's own table), audit events from this and
// another service landing in the append-only audit log, and `paydesk-server admin create`.

#include "platform/bus/InProcessEventBus.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/Problem.h"
#include "platform/security/Audit.h"
#include "platform/security/Crypto.h"
#include "platform/security/Jwt.h"
#include "services/admin-service/AdminService.h"
#include "services/admin-service/domain/Totp.h"
#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <functional>
#include <sys/stat.h>

using namespace paydesk::platform;
using namespace paydesk::services::admin;
using namespace paydesk::testing;

namespace {
const quint16 kAdminSeed = 40001;
const quint16 kProbeSeed = 40131;
const QString kPassword = QStringLiteral("Initial#Pass1");

// Another service whose admin change must reach admin-service's audit log through its own outbox.
class ProbeService : public Service
{
public:
    ProbeService() : Service({"probe", kProbeSeed, "paydesk_test_probe", "audit producer"}) {}
    void registerRoutes(Router &router, ServiceRuntime &runtime) override
    {
        router.add({.method = "POST",
                    .pattern = "/api/v1/things/{id}/suspend",
                    .handler =
                        [&runtime](const HttpRequest &request) {
                            QString error;
                            QSqlDatabase db = runtime.database().connection(&error);
                            HttpResponse response = HttpResponse::empty(204);
                            const bool ok = inTransaction(
                                db,
                                [&](QString *why) {
                                    return audit::append(db, request, "probe",
                                                         {"thing.suspend", "thing", request.pathParam("id"),
                                                          QJsonObject{{"status", "active"}},
                                                          QJsonObject{{"status", "suspended"}}},
                                                         why);
                                },
                                &error);
                            if (!ok)
                                return Problem::internal(error).toResponse(request.trace.traceId);
                            runtime.kickOutbox();
                            response.audited = true;
                            return response;
                        },
                    .access = Access::Admin,
                    .permission = "merchant.update"});
    }
};

struct Sample
{
    QString path;
    QByteArray body;
    QString subjectId; // the admin the token is minted for
    QString subjectName;
};
} // namespace

class AdminServiceTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-admin-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    quint16 m_base = 0;
    QString m_rootId;
    QString m_rootToken;
    QString m_matrixId; // the admin the RBAC matrix acts as (its token carries the permissions)
    QString m_matrixName;
    int m_adminCounter = 0;
    struct Mutation
    {
        QByteArray method;
        QString path;
        QString actorId;
    };
    QList<Mutation> m_mutations; // from the RBAC matrix, checked against the audit log

    QString dataDir() const { return m_dir.path() + "/data"; }
    QString url(const QString &path, quint16 seed = kAdminSeed) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }

    void startHost()
    {
        QString error;
        HostEnvironment env;
        QVERIFY2(makeHostEnvironment(m_infra, dataDir(), m_base, m_bus.get(), &env, &error),
                 qPrintable(error));
        AdminSettings settings;
        settings.passwordIterations = 1000; // PBKDF2 at full strength makes every login ~100 ms
        m_host = std::make_unique<ServiceHost>(env);
        m_host->add(createAdminService({"admin-service", kAdminSeed, "payment_admin", "admin"}, settings));
        m_host->add(std::make_unique<ProbeService>());
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 30000);
    }

    QSqlDatabase db()
    {
        return serviceDatabase(m_infra, QStringLiteral("admin-test"), QStringLiteral("payment_admin"));
    }
    // Runs `statement`; returns the first column of the first row, or the error text in *error.
    QVariant sql(const QString &statement, const QVariantList &values = {}, QString *error = nullptr)
    {
        QSqlQuery q(db());
        bool ok = true;
        if (values.isEmpty()) {
            ok = q.exec(statement); // TRUNCATE cannot be prepared
        } else {
            q.prepare(statement);
            for (const QVariant &v : values)
                q.addBindValue(v);
            ok = q.exec();
        }
        if (!ok) {
            if (error)
                *error = q.lastError().text();
            return {};
        }
        return q.next() ? q.value(0) : QVariant();
    }

    HttpResult call(const QByteArray &method, const QString &path, const QJsonObject &body = {},
                    const QString &token = {}, quint16 seed = kAdminSeed)
    {
        QHash<QByteArray, QByteArray> headers{{"Content-Type", "application/json"}};
        if (!token.isEmpty())
            headers.insert("Authorization", "Bearer " + token.toLatin1());
        const QByteArray payload = method == "GET" || method == "DELETE"
                                       ? QByteArray()
                                       : QJsonDocument(body).toJson(QJsonDocument::Compact);
        return httpRequest(method, url(path, seed), payload, headers, 10000);
    }
    HttpResult login(const QString &username, const QString &password, const QString &totpCode = {})
    {
        QJsonObject body{{"username", username}, {"password", password}};
        if (!totpCode.isEmpty())
            body.insert("totp_code", totpCode);
        return call("POST", "/api/v1/auth/login", body);
    }
    QString token(const QString &subjectId, const QString &subjectName, const QStringList &permissions)
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        return QString::fromLatin1(jwt::sign({{"sub", subjectId},
                                              {"username", subjectName},
                                              {"typ", "access"},
                                              {"permissions", QJsonArray::fromStringList(permissions)},
                                              {"iat", now},
                                              {"exp", now + 600}},
                                             m_host->environment().secrets.jwtKey));
    }
    // A fresh admin (password kPassword) created through the API as the root admin; returns its id.
    QString createAdmin(const QString &prefix, const QStringList &roles = {}, QString *username = nullptr)
    {
        const QString name = QStringLiteral("%1.%2").arg(prefix).arg(++m_adminCounter);
        const HttpResult created = call("POST", "/api/v1/admins",
                                        {{"username", name},
                                         {"password", kPassword},
                                         {"email", name + "@example.test"},
                                         {"roles", QJsonArray::fromStringList(roles)}},
                                        m_rootToken);
        if (created.status != 201)
            qWarning("create admin %s: %d %s", qPrintable(name), created.status, created.body.constData());
        if (username)
            *username = name;
        return created.json().value("admin").toObject().value("id").toString();
    }
    QString roleId(const QString &name)
    {
        return sql("SELECT id FROM roles WHERE name = ?", {name}).toString();
    }
    // TOTP codes are checked against the server's clock: stay clear of a step boundary so that
    // "now - 30", "now" and "now + 30" mean the same steps to the test and the server.
    static void waitForQuietStep()
    {
        while (QDateTime::currentSecsSinceEpoch() % totp::kStepSeconds >= totp::kStepSeconds - 8)
            QThread::msleep(200);
    }
    static QString code(const QByteArray &secret, int offsetSeconds)
    {
        return totp::codeAt(secret, QDateTime::currentSecsSinceEpoch() + offsetSeconds);
    }

    // The service's log lines at WARN and above, for failure messages.
    QString serviceLog() const
    {
        QFile log(dataDir() + "/logs/admin-service.log");
        if (!log.open(QIODevice::ReadOnly))
            return {};
        QStringList lines;
        for (const QByteArray &line : log.readAll().split('\n')) {
            if (line.contains("\"level\":\"ERROR\"") || line.contains("\"level\":\"WARN\""))
                lines << QString::fromUtf8(line.left(400));
        }
        return lines.mid(qMax(0, static_cast<int>(lines.size()) - 30)).join(u'\n');
    }

    std::function<Sample()> sampleFor(const QByteArray &method, const QString &pattern);

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        startHost();
    }

    void firstAdminIsBootstrappedWithItsPasswordInA0600File()
    {
        const QString file = dataDir() + "/secrets/initial-admin-password";
        QTRY_VERIFY2_WITH_TIMEOUT(QFile::exists(file), qPrintable(serviceLog()), 10000);
        struct stat info = {};
        QCOMPARE(::stat(QFile::encodeName(file).constData(), &info), 0);
        QCOMPARE(info.st_mode & 0777, 0600u);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString password = QString::fromUtf8(f.readAll()).trimmed();
        QCOMPARE(password.size(), 20);
        const HttpResult result = login("admin", password);
        QCOMPARE(result.status, 200);
        const QJsonObject body = result.json();
        QVERIFY(body.value("must_change_password").toBool());
        QCOMPARE(body.value("admin").toObject().value("roles").toArray(), QJsonArray{"super_admin"});
        QCOMPARE(body.value("permissions").toArray(), QJsonArray{"*"});
        m_rootId = body.value("admin").toObject().value("id").toString();
        m_rootToken = body.value("access_token").toString();
        QCOMPARE(sql("SELECT count(*) FROM admins").toInt(), 1);
    }

    void loginReturnsAnAccessTokenWithFlattenedPermissions()
    {
        QString name;
        const QString id = createAdmin("auditor", {"auditor"}, &name);
        const HttpResult result = login(name, kPassword);
        QCOMPARE(result.status, 200);
        const QJsonObject body = result.json();
        QCOMPARE(body.value("token_type").toString(), QStringLiteral("Bearer"));
        QCOMPARE(body.value("expires_in").toInt(), 900);
        QVERIFY(!body.value("refresh_token").toString().isEmpty());
        QVERIFY(!body.value("password_expired").toBool());
        QJsonObject claims;
        QString reason;
        QVERIFY(jwt::verify(body.value("access_token").toString().toLatin1(),
                            m_host->environment().secrets.jwtKey, QDateTime::currentSecsSinceEpoch(), &claims,
                            &reason));
        QCOMPARE(claims.value("sub").toString(), id);
        QCOMPARE(claims.value("username").toString(), name);
        QCOMPARE(claims.value("typ").toString(), QStringLiteral("access"));
        QCOMPARE(claims.value("exp").toInteger() - claims.value("iat").toInteger(), 900);
        QVERIFY(!claims.value("jti").toString().isEmpty());
        const QJsonArray permissions = claims.value("permissions").toArray();
        QVERIFY(permissions.contains("audit.view"));
        QVERIFY(permissions.contains("admin.view")); // *.view expanded
        QVERIFY(permissions.contains("payment.view"));
        QVERIFY(!permissions.contains("admin.manage"));
        QVERIFY(!permissions.contains("*.view"));
        QCOMPARE(sql("SELECT last_login_ip FROM admins WHERE id = ?::uuid", {id}).toString(),
                 QStringLiteral("127.0.0.1"));
        // The token works against the pipeline: auditors may read admins but not create them.
        const QString access = body.value("access_token").toString();
        QCOMPARE(call("GET", "/api/v1/admins", {}, access).status, 200);
        QCOMPARE(call("POST", "/api/v1/admins", {{"username", "nope.user"}}, access).status, 403);
    }

    void failedLoginsAreGenericAndTheFifthLocksTheAccount()
    {
        QString name;
        const QString id = createAdmin("lock", {}, &name);
        const HttpResult unknown = login("nobody.here", kPassword);
        QCOMPARE(unknown.status, 401);
        QCOMPARE(unknown.json().value("code").toString(), QStringLiteral("INVALID_CREDENTIALS"));
        for (int attempt = 1; attempt <= 4; ++attempt) {
            const HttpResult wrong = login(name, "Wrong#Pass1");
            QCOMPARE(wrong.status, 401);
            QCOMPARE(wrong.json().value("code").toString(), QStringLiteral("INVALID_CREDENTIALS"));
            QCOMPARE(wrong.json().value("detail"),
                     unknown.json().value("detail")); // nothing tells them apart
        }
        const HttpResult fifth = login(name, "Wrong#Pass1");
        QCOMPARE(fifth.status, 423);
        QCOMPARE(fifth.json().value("code").toString(), QStringLiteral("ACCOUNT_LOCKED"));
        const HttpResult sixth = login(name, kPassword);
        QCOMPARE(sixth.status, 423);
        QCOMPARE(sixth.json().value("code").toString(), QStringLiteral("ACCOUNT_LOCKED"));
        QCOMPARE(sql("SELECT status FROM admins WHERE id = ?::uuid", {id}).toString(),
                 QStringLiteral("locked"));
        QVERIFY(
            sql("SELECT locked_until > now() + interval '14 minutes' FROM admins WHERE id = ?::uuid", {id})
                .toBool());
        // Fifteen minutes later (moved back in time here) the right password works again.
        sql("UPDATE admins SET locked_until = now() - interval '1 second' WHERE id = ?::uuid", {id});
        QCOMPARE(login(name, kPassword).status, 200);
        QCOMPARE(sql("SELECT status FROM admins WHERE id = ?::uuid", {id}).toString(),
                 QStringLiteral("active"));
        QTRY_COMPARE_WITH_TIMEOUT(
            sql("SELECT count(*) FROM audit_logs WHERE action = 'auth.lockout' AND actor_id = ?", {id})
                .toInt(),
            1, 10000);
    }

    void failuresOutsideTheWindowDoNotAddUp()
    {
        QString name;
        const QString id = createAdmin("window", {}, &name);
        for (int attempt = 1; attempt <= 4; ++attempt)
            QCOMPARE(login(name, "Wrong#Pass1").status, 401);
        sql("UPDATE admins SET first_failed_at = now() - interval '16 minutes' WHERE id = ?::uuid", {id});
        QCOMPARE(login(name, "Wrong#Pass1").status, 401); // a new window starts
        QCOMPARE(login(name, kPassword).status, 200);
    }

    void refreshRotatesAndReuseRevokesTheWholeFamily()
    {
        QString name;
        createAdmin("refresh", {}, &name);
        const QString first = login(name, kPassword).json().value("refresh_token").toString();
        const HttpResult rotated = call("POST", "/api/v1/auth/refresh", {{"refresh_token", first}});
        QCOMPARE(rotated.status, 200);
        const QString second = rotated.json().value("refresh_token").toString();
        QVERIFY(!second.isEmpty() && second != first);
        QVERIFY(!rotated.json().value("access_token").toString().isEmpty());
        QCOMPARE(sql("SELECT count(*) FROM refresh_tokens WHERE token_hash = ?", {first}).toInt(),
                 0); // stored hashed
        const HttpResult reused = call("POST", "/api/v1/auth/refresh", {{"refresh_token", first}});
        QCOMPARE(reused.status, 401);
        QCOMPARE(reused.json().value("code").toString(), QStringLiteral("REFRESH_TOKEN_REUSED"));
        // The copy was detected: the legitimate newer token is gone too.
        QCOMPARE(call("POST", "/api/v1/auth/refresh", {{"refresh_token", second}}).status, 401);
        QCOMPARE(call("POST", "/api/v1/auth/refresh", {{"refresh_token", "not-a-token"}}).status, 401);
    }

    void expiredRefreshTokenIsRefused()
    {
        QString name;
        const QString id = createAdmin("expired", {}, &name);
        const QString token = login(name, kPassword).json().value("refresh_token").toString();
        sql("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE admin_id = ?::uuid",
            {id});
        QCOMPARE(call("POST", "/api/v1/auth/refresh", {{"refresh_token", token}}).status, 401);
    }

    void logoutRevokesTheRefreshToken()
    {
        QString name;
        createAdmin("logout", {}, &name);
        const QString token = login(name, kPassword).json().value("refresh_token").toString();
        QCOMPARE(call("POST", "/api/v1/auth/logout", {{"refresh_token", token}}).status, 204);
        QCOMPARE(call("POST", "/api/v1/auth/refresh", {{"refresh_token", token}}).status, 401);
        QCOMPARE(call("POST", "/api/v1/auth/logout", {{"refresh_token", "unknown"}}).status, 204);
    }

    void totpSetupVerifyThenLoginNeedsTheCode()
    {
        QString name;
        const QString id = createAdmin("totp", {}, &name);
        const QString access = login(name, kPassword).json().value("access_token").toString();
        const HttpResult setup = call("POST", "/api/v1/auth/2fa/setup", {}, access);
        QCOMPARE(setup.status, 200);
        bool ok = false;
        const QByteArray secret = totp::base32Decode(setup.json().value("secret").toString(), &ok);
        QVERIFY(ok && secret.size() == totp::kSecretBytes);
        QVERIFY(setup.json()
                    .value("otpauth_uri")
                    .toString()
                    .startsWith("otpauth://totp/PayDesk:" + name + "?secret="));
        // Stored sealed, never in the clear.
        const QByteArray stored =
            sql("SELECT totp_pending_secret FROM admins WHERE id = ?::uuid", {id}).toByteArray();
        QVERIFY(!stored.isEmpty() && !stored.contains(secret));
        QByteArray opened;
        QVERIFY(crypto::decrypt(m_host->environment().secrets.masterKey, stored, &opened));
        QCOMPARE(opened, secret);
        // Not enabled until verified: login still works without a code.
        QCOMPARE(login(name, kPassword).status, 200);

        waitForQuietStep();
        QCOMPARE(call("POST", "/api/v1/auth/2fa/verify", {{"code", "000000"}}, access).status, 422);
        const HttpResult verified =
            call("POST", "/api/v1/auth/2fa/verify", {{"code", code(secret, -30)}}, access);
        QCOMPARE(verified.status, 200);
        QVERIFY(verified.json().value("totp_enabled").toBool());

        const HttpResult missing = login(name, kPassword);
        QCOMPARE(missing.status, 401);
        QCOMPARE(missing.json().value("code").toString(), QStringLiteral("TOTP_REQUIRED"));
        const HttpResult wrong = login(name, kPassword, "123456" == code(secret, 0) ? "654321" : "123456");
        QCOMPARE(wrong.status, 401);
        QCOMPARE(wrong.json().value("code").toString(), QStringLiteral("TOTP_INVALID"));
        QCOMPARE(login(name, "Wrong#Pass1", code(secret, 0)).json().value("code").toString(),
                 QStringLiteral("INVALID_CREDENTIALS"));
        const HttpResult good = login(name, kPassword, code(secret, 0));
        QCOMPARE(good.status, 200);
        // A code is accepted once (RFC 6238 §5.2).
        QCOMPARE(login(name, kPassword, code(secret, 0)).json().value("code").toString(),
                 QStringLiteral("TOTP_INVALID"));

        const QString access2 = good.json().value("access_token").toString();
        QCOMPARE(call("POST", "/api/v1/auth/2fa/setup", {}, access2).status, 409);
        QCOMPARE(call("POST", "/api/v1/auth/2fa/disable", {{"code", code(secret, 30)}}, access2).status, 200);
        QCOMPARE(login(name, kPassword).status, 200);
    }

    void passwordPolicyAndHistoryAreEnforced()
    {
        const HttpResult weak = call("POST", "/api/v1/admins",
                                     {{"username", "weak.user"}, {"password", "password"}}, m_rootToken);
        QCOMPARE(weak.status, 422);
        QCOMPARE(weak.json().value("code").toString(), QStringLiteral("PASSWORD_POLICY"));
        QCOMPARE(weak.json().value("violations").toArray().size(), 3); // upper, digit, special

        QString name;
        const QString id = createAdmin("history", {}, &name);
        const QString access = login(name, kPassword).json().value("access_token").toString();
        auto change = [&](const QString &current, const QString &next) {
            return call("POST", "/api/v1/auth/change-password",
                        {{"current_password", current}, {"new_password", next}}, access);
        };
        QCOMPARE(change("Wrong#Pass1", "Another#Pass2").status, 403);
        QCOMPARE(change(kPassword, "short1!A").status, 204);
        QCOMPARE(change("short1!A", "nouppercase1!").json().value("code").toString(),
                 QStringLiteral("PASSWORD_POLICY"));
        QString current = "short1!A";
        for (int i = 2; i <= 5; ++i) {
            const QString next = QStringLiteral("Rotation#%1x").arg(i);
            QCOMPARE(change(current, next).status, 204);
            current = next;
        }
        // History: kPassword, short1!A, Rotation#2x..#5x. The last five may not come back.
        const HttpResult reused = change(current, "short1!A");
        QCOMPARE(reused.status, 422);
        QCOMPARE(reused.json().value("code").toString(), QStringLiteral("PASSWORD_POLICY"));
        QCOMPARE(change(current, current).status, 422);
        QCOMPARE(change(current, kPassword).status, 204); // six changes ago: allowed again
        QCOMPARE(login(name, kPassword).status, 200);
        // Ninety days later the password still works, and the answer says it expired.
        sql("UPDATE admins SET password_changed_at = now() - interval '91 days' WHERE id = ?::uuid", {id});
        const HttpResult expired = login(name, kPassword);
        QCOMPARE(expired.status, 200);
        QVERIFY(expired.json().value("password_expired").toBool());
        // An admin's reset forces a change at the next login and ends the sessions.
        const QString refresh = expired.json().value("refresh_token").toString();
        const HttpResult reset = call("POST", "/api/v1/admins/" + id + "/reset-password", {}, m_rootToken);
        QCOMPARE(reset.status, 200);
        const QString temporary = reset.json().value("temporary_password").toString();
        QCOMPARE(temporary.size(), 20);
        QCOMPARE(call("POST", "/api/v1/auth/refresh", {{"refresh_token", refresh}}).status, 401);
        const HttpResult after = login(name, temporary);
        QCOMPARE(after.status, 200);
        QVERIFY(after.json().value("must_change_password").toBool());
        QVERIFY(!after.json().value("password_expired").toBool());
    }

    void rolesRules()
    {
        const HttpResult system = call("DELETE", "/api/v1/roles/" + roleId("operator"), {}, m_rootToken);
        QCOMPARE(system.status, 409);
        QCOMPARE(system.json().value("code").toString(), QStringLiteral("SYSTEM_ROLE"));
        QCOMPARE(call("PUT", "/api/v1/roles/" + roleId("support") + "/permissions",
                      {{"permissions", QJsonArray{"*"}}}, m_rootToken)
                     .json()
                     .value("code")
                     .toString(),
                 QStringLiteral("SYSTEM_ROLE"));
        const HttpResult bad =
            call("POST", "/api/v1/roles", {{"name", "bad_role"}, {"permissions", QJsonArray{"ledger.fly"}}},
                 m_rootToken);
        QCOMPARE(bad.status, 422);
        const HttpResult created = call(
            "POST", "/api/v1/roles",
            {{"name", "refunds"}, {"permissions", QJsonArray{"payment.*", "merchant.view"}}}, m_rootToken);
        QCOMPARE(created.status, 201);
        const QString id = created.json().value("id").toString();
        QCOMPARE(
            call("POST", "/api/v1/roles", {{"name", "refunds"}}, m_rootToken).json().value("code").toString(),
            QStringLiteral("ROLE_NAME_TAKEN"));
        QString name;
        const QString adminId = createAdmin("refunder", {"refunds"}, &name);
        const QJsonArray permissions = login(name, kPassword).json().value("permissions").toArray();
        QCOMPARE(permissions, (QJsonArray{"merchant.view", "payment.*"}));
        const HttpResult inUse = call("DELETE", "/api/v1/roles/" + id, {}, m_rootToken);
        QCOMPARE(inUse.status, 409);
        QCOMPARE(inUse.json().value("code").toString(), QStringLiteral("ROLE_IN_USE"));
        QCOMPARE(call("PUT", "/api/v1/admins/" + adminId + "/roles", {{"roles", QJsonArray{}}}, m_rootToken)
                     .status,
                 200);
        QCOMPARE(call("DELETE", "/api/v1/roles/" + id, {}, m_rootToken).status, 204);
        QCOMPARE(call("GET", "/api/v1/roles/" + id, {}, m_rootToken).status, 404);
        // 22 seeded by migration 0001, compliance.override by 0002, 12 of the payment flow by 0003,
        // system.control by 0004.
        QCOMPARE(call("GET", "/api/v1/permissions", {}, m_rootToken).json().value("items").toArray().size(),
                 36);
    }

    void anAdminCannotRemoveTheirOwnLastSuperRoleOrDisableThemselves()
    {
        const HttpResult demote = call("PUT", "/api/v1/admins/" + m_rootId + "/roles",
                                       {{"roles", QJsonArray{"operator"}}}, m_rootToken);
        QCOMPARE(demote.status, 409);
        QCOMPARE(demote.json().value("code").toString(), QStringLiteral("LAST_SUPER_ROLE"));
        QCOMPARE(call("POST", "/api/v1/admins/" + m_rootId + "/disable", {}, m_rootToken)
                     .json()
                     .value("code")
                     .toString(),
                 QStringLiteral("CANNOT_DISABLE_SELF"));
        // Another super admin may demote them.
        const QString other = createAdmin("super", {"super_admin"});
        QCOMPARE(call("PUT", "/api/v1/admins/" + other + "/roles", {{"roles", QJsonArray{"operator"}}},
                      m_rootToken)
                     .status,
                 200);
        QCOMPARE(call("POST", "/api/v1/admins", {{"username", "taken.name"}}, m_rootToken).status, 201);
        QCOMPARE(call("POST", "/api/v1/admins", {{"username", "taken.name"}}, m_rootToken)
                     .json()
                     .value("code")
                     .toString(),
                 QStringLiteral("USERNAME_TAKEN"));
        QCOMPARE(call("POST", "/api/v1/admins", {{"username", "Bad Name"}}, m_rootToken).status, 422);
    }

    void disabledAdminCannotLogInOrRefresh()
    {
        QString name;
        const QString id = createAdmin("disabled", {}, &name);
        const QString refresh = login(name, kPassword).json().value("refresh_token").toString();
        QCOMPARE(call("POST", "/api/v1/admins/" + id + "/disable", {}, m_rootToken).status, 200);
        QCOMPARE(login(name, kPassword).json().value("code").toString(), QStringLiteral("ACCOUNT_DISABLED"));
        QCOMPARE(call("POST", "/api/v1/auth/refresh", {{"refresh_token", refresh}}).status, 401);
    }

    // Every Access::Admin route of the service, read from its router: no token → 401, a token with
    // every other permission → 403, a token with exactly the route's permission → its success status.
    // A route without a sample here fails the test, so a new route cannot be forgotten.
    void rbacMatrixCoversEveryAdminRoute()
    {
        const QStringList allPermissions = [&] {
            QStringList codes;
            QSqlQuery q(db());
            q.exec("SELECT code FROM permissions");
            while (q.next())
                codes << q.value(0).toString();
            return codes;
        }();
        QCOMPARE(allPermissions.size(), 36);
        QVERIFY(allPermissions.contains("compliance.override"));
        m_matrixId = createAdmin("matrix", {}, &m_matrixName);
        // The intended permission of each route, so that a route guarded by the wrong one fails too.
        const QHash<QString, QString> expectedPermission{
            {"GET /api/v1/auth/me", ""},
            {"POST /api/v1/auth/change-password", ""},
            {"POST /api/v1/auth/2fa/setup", ""},
            {"POST /api/v1/auth/2fa/verify", ""},
            {"POST /api/v1/auth/2fa/disable", ""},
            {"GET /api/v1/admins", "admin.view"},
            {"POST /api/v1/admins", "admin.manage"},
            {"GET /api/v1/admins/{id}", "admin.view"},
            {"PUT /api/v1/admins/{id}", "admin.manage"},
            {"POST /api/v1/admins/{id}/disable", "admin.manage"},
            {"POST /api/v1/admins/{id}/reset-password", "admin.manage"},
            {"PUT /api/v1/admins/{id}/roles", "role.manage"},
            {"GET /api/v1/roles", "role.view"},
            {"POST /api/v1/roles", "role.manage"},
            {"GET /api/v1/roles/{id}", "role.view"},
            {"PUT /api/v1/roles/{id}", "role.manage"},
            {"DELETE /api/v1/roles/{id}", "role.manage"},
            {"PUT /api/v1/roles/{id}/permissions", "role.manage"},
            {"GET /api/v1/permissions", "role.view"},
            {"GET /api/v1/audit-logs", "audit.view"},
            {"GET /api/v1/audit-logs/{id}", "audit.view"},
            {"GET /api/v1/system/health", "system.view"},
            {"GET /api/v1/system/health/history", "system.view"},
            {"POST /api/v1/system/services/{name}/stop", "system.control"},
            {"POST /api/v1/system/services/{name}/start", "system.control"},
            {"POST /api/v1/system/services/{name}/restart", "system.control"},
        };
        int checked = 0;
        for (const Route &route : m_host->runtime("admin-service")->router().routes()) {
            if (route.access != Access::Admin)
                continue;
            const QString key = QString::fromLatin1(route.method) + u' ' + route.pattern;
            // The service's own routes are pinned here; the platform's (/admin/v1/…) follow the
            // platform's table, which its own tests pin.
            const bool own = route.pattern.startsWith(QStringLiteral("/api/"));
            if (own) {
                QVERIFY2(expectedPermission.contains(key), qPrintable("no expected permission for " + key));
                QCOMPARE(route.permission, expectedPermission.value(key));
            }
            const auto sample = sampleFor(route.method, route.pattern);
            QVERIFY2(sample, qPrintable("no RBAC sample for " + key));
            Sample anonymous = sample();
            QVERIFY2(!anonymous.path.contains('{'), qPrintable(key));
            auto send = [&](const Sample &s, const QString &token) {
                QHash<QByteArray, QByteArray> headers{{"Content-Type", "application/json"}};
                if (!token.isEmpty())
                    headers.insert("Authorization", "Bearer " + token.toLatin1());
                return httpRequest(route.method, url(s.path),
                                   s.body.isEmpty() && route.jsonBody ? QByteArray("{}") : s.body, headers,
                                   10000);
            };
            QCOMPARE(send(anonymous, {}).status, 401);
            if (!route.permission.isEmpty()) {
                QStringList others = allPermissions;
                others.removeAll(route.permission);
                const HttpResult forbidden =
                    send(anonymous, token(anonymous.subjectId, anonymous.subjectName, others));
                QVERIFY2(forbidden.status == 403,
                         qPrintable(key + " without permission: " + QString::number(forbidden.status)));
            }
            const Sample allowed = sample();
            const QStringList granted =
                route.permission.isEmpty() ? QStringList{} : QStringList{route.permission};
            const HttpResult result = send(allowed, token(allowed.subjectId, allowed.subjectName, granted));
            QVERIFY2(result.status == route.successStatus,
                     qPrintable(QStringLiteral("%1 with %2: %3 %4")
                                    .arg(key, granted.join(','), QString::number(result.status),
                                         QString::fromUtf8(result.body))));
            if (route.method != "GET")
                m_mutations.append({route.method, allowed.path, allowed.subjectId});
            checked += own ? 1 : 0;
        }
        QCOMPARE(checked, static_cast<int>(expectedPermission.size()));
    }

    void everyRouteOfTheServiceIsDocumented()
    {
        for (const Route &route : m_host->runtime("admin-service")->router().routes()) {
            if (!route.pattern.startsWith("/api/") && !route.pattern.startsWith("/internal/"))
                continue;
            const QString key = QString::fromLatin1(route.method) + u' ' + route.pattern;
            QVERIFY2(!route.summary.isEmpty(), qPrintable(key));
            QVERIFY2(!route.jsonBody || !route.requestSchema.isEmpty(), qPrintable(key));
            QVERIFY2(route.successStatus == 204 || !route.responseSchema.isEmpty(), qPrintable(key));
        }
        const QJsonObject paths = httpRequest("GET", url("/openapi.json")).json().value("paths").toObject();
        QVERIFY(paths.contains("/api/v1/auth/login"));
        QCOMPARE(paths.value("/api/v1/roles/{id}/permissions")
                     .toObject()
                     .value("put")
                     .toObject()
                     .value("x-permission")
                     .toString(),
                 QStringLiteral("role.manage"));
    }

    void everyMutatingRouteLeftAnAuditRecordWithActorBeforeAndAfter()
    {
        QVERIFY(!m_mutations.isEmpty());
        for (const Mutation &m : m_mutations) {
            const QString where =
                QStringLiteral("FROM audit_logs WHERE method = ? AND path = ? AND actor_id = ?");
            QTRY_VERIFY2_WITH_TIMEOUT(
                sql("SELECT count(*) " + where, {QString::fromLatin1(m.method), m.path, m.actorId}).toInt() ==
                    1,
                qPrintable(QString::fromLatin1(m.method) + u' ' + m.path), 10000);
            const QString action =
                sql("SELECT action " + where, {QString::fromLatin1(m.method), m.path, m.actorId}).toString();
            const bool hasBefore =
                sql("SELECT before IS NOT NULL " + where, {QString::fromLatin1(m.method), m.path, m.actorId})
                    .toBool();
            const bool hasAfter =
                sql("SELECT after IS NOT NULL " + where, {QString::fromLatin1(m.method), m.path, m.actorId})
                    .toBool();
            QVERIFY2(action.endsWith(".create") ? !hasBefore : hasBefore, qPrintable(action));
            QVERIFY2(action.endsWith(".delete") ? !hasAfter : hasAfter, qPrintable(action));
            QVERIFY(!sql("SELECT actor_name " + where, {QString::fromLatin1(m.method), m.path, m.actorId})
                         .toString()
                         .isEmpty());
        }
    }

    void auditEventsOfOtherServicesReachTheLog()
    {
        const QString access = token(m_rootId, "admin", {"merchant.update"});
        QCOMPARE(call("POST", "/api/v1/things/t-42/suspend", {}, access, kProbeSeed).status, 204);
        QTRY_COMPARE_WITH_TIMEOUT(
            sql("SELECT count(*) FROM audit_logs WHERE service = 'probe' AND resource_id = 't-42'").toInt(),
            1, 10000);
        QCOMPARE(sql("SELECT after->>'status' FROM audit_logs WHERE resource_id = 't-42'").toString(),
                 QStringLiteral("suspended"));
        QCOMPARE(sql("SELECT actor_id FROM audit_logs WHERE resource_id = 't-42'").toString(), m_rootId);
    }

    void redeliveredAuditEventIsStoredOnce()
    {
        Event event;
        event.eventId = QUuid::createUuid();
        event.topic = audit::kTopic;
        event.type = "audit.recorded";
        event.aggregateType = "thing";
        event.aggregateId = "t-redelivered";
        event.source = "probe";
        event.payload = {{"actor_id", m_rootId},
                         {"actor_name", "admin"},
                         {"action", "thing.touch"},
                         {"resource", "thing"},
                         {"resource_id", "t-redelivered"},
                         {"after", QJsonObject{{"n", 1}}},
                         {"service", "probe"},
                         {"occurred_at", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
        for (int delivery = 0; delivery < 3; ++delivery) {
            QFuture<bool> acked = m_bus->publish(event);
            acked.waitForFinished();
            QVERIFY(acked.result());
        }
        QCOMPARE(sql("SELECT count(*) FROM audit_logs WHERE resource_id = 't-redelivered'").toInt(), 1);
    }

    void auditLogIsAppendOnly()
    {
        QString error;
        sql("UPDATE audit_logs SET action = 'tampered'", {}, &error);
        QVERIFY2(error.contains("append-only"), qPrintable(error));
        error.clear();
        sql("DELETE FROM audit_logs", {}, &error);
        QVERIFY2(error.contains("append-only"), qPrintable(error));
        error.clear();
        sql("TRUNCATE audit_logs", {}, &error);
        QVERIFY2(error.contains("append-only"), qPrintable(error));
        QCOMPARE(sql("SELECT count(*) FROM audit_logs WHERE action = 'tampered'").toInt(), 0);
    }

    void auditLogSearch()
    {
        const QString access = token(m_rootId, "admin", {"audit.view"});
        const HttpResult page = call("GET", "/api/v1/audit-logs?action=admin.create&page_size=2", {}, access);
        QCOMPARE(page.status, 200);
        QCOMPARE(page.json().value("items").toArray().size(), 2);
        QVERIFY(page.json().value("total").toInteger() > 2);
        const QJsonObject first = page.json().value("items").toArray().at(0).toObject();
        QCOMPARE(first.value("action").toString(), QStringLiteral("admin.create"));
        QVERIFY(first.value("before").isNull() && first.value("after").isObject());
        QCOMPARE(
            call("GET", "/api/v1/audit-logs/" + QString::number(first.value("id").toInteger()), {}, access)
                .json(),
            first);
        QCOMPARE(call("GET", "/api/v1/audit-logs/999999999", {}, access).status, 404);
        QCOMPARE(call("GET", "/api/v1/audit-logs?actor=" + m_rootId + "&resource=thing&action=thing.suspend",
                      {}, access)
                     .json()
                     .value("total")
                     .toInteger(),
                 1);
        const QString future = QDateTime::currentDateTimeUtc().addDays(1).toString(Qt::ISODate);
        QCOMPARE(
            call("GET", "/api/v1/audit-logs?from=" + future, {}, access).json().value("total").toInteger(),
            0);
        QCOMPARE(call("GET", "/api/v1/audit-logs?from=yesterday", {}, access).status, 422);
    }

    void internalRouteAndCliCreateSuperAdmins()
    {
        QCOMPARE(call("POST", "/internal/v1/admins", {{"username", "intruder"}}).status, 403);
        QCOMPARE(call("POST", "/internal/v1/admins", {{"username", "intruder"}}, m_rootToken).status, 403);
        const QString binary = ServerProcess::binary();
        if (binary.isEmpty())
            QSKIP("PAYDESK_SERVER_BIN is not set (run through ctest)");
        auto run = [&](const QStringList &args, QString *out) {
            QProcess process;
            process.start(binary, QStringList{"admin", "create", "--data-dir", dataDir(), "--base-port",
                                              QString::number(m_base)} +
                                      args);
            process.waitForFinished(30000);
            *out = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
            return process.exitCode();
        };
        QString out;
        QCOMPARE(run({"--username", "cli.admin"}, &out), 0);
        const QRegularExpression passwordLine("Password: (\\S+) ");
        const QString password = passwordLine.match(out).captured(1);
        QVERIFY2(password.size() == 20, qPrintable(out));
        const HttpResult cliLogin = login("cli.admin", password);
        QCOMPARE(cliLogin.status, 200);
        QCOMPARE(cliLogin.json().value("permissions").toArray(), QJsonArray{"*"});
        QCOMPARE(run({"--username", "cli.admin"}, &out), 1);
        QVERIFY2(out.contains("USERNAME_TAKEN"), qPrintable(out));
        QCOMPARE(run({"--username", "cli.two", "--password", "Chosen#Pass9"}, &out), 0);
        QCOMPARE(login("cli.two", "Chosen#Pass9").status, 200);
        QCOMPARE(run({"--username", "cli.three", "--password", "weak"}, &out), 1);
        QVERIFY2(out.contains("PASSWORD_POLICY"), qPrintable(out));
        QCOMPARE(run({}, &out), 2);
        QTRY_VERIFY_WITH_TIMEOUT(sql("SELECT count(*) FROM audit_logs WHERE action = 'admin.create' AND "
                                     "after->>'username' = 'cli.admin' AND actor_name = 'paydesk-server-cli'")
                                         .toInt() == 1,
                                 10000);
    }

    // Last: restarts the host. The bootstrap runs once per database, not per start.
    void firstAdminPasswordIsWrittenOnlyOnce()
    {
        const QString file = dataDir() + "/secrets/initial-admin-password";
        QVERIFY(QFile::remove(file));
        m_host->stop();
        m_host.reset();
        startHost();
        QTest::qWait(1500); // the bootstrap runs on a worker after the first readiness
        QVERIFY(!QFile::exists(file));
        QCOMPARE(sql("SELECT count(*) FROM admins WHERE username = 'admin'").toInt(), 1);
    }

    void cleanupTestCase()
    {
        if (m_host)
            m_host->stop();
        QSqlDatabase::database(QStringLiteral("admin-test")).close();
    }
};

// One request per admin route that, sent with exactly the route's permission, succeeds: fresh
// fixtures per call, so the order of the routes does not matter.
std::function<Sample()> AdminServiceTest::sampleFor(const QByteArray &method, const QString &pattern)
{
    auto self = [this](const QString &prefix) {
        Sample s;
        s.subjectId = createAdmin(prefix, {}, &s.subjectName);
        return s;
    };
    auto asMatrix = [this](const QString &path, const QByteArray &body = {}) {
        Sample s;
        s.subjectId = m_matrixId;
        s.subjectName = m_matrixName;
        s.path = path;
        s.body = body;
        return s;
    };
    auto json = [](const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };
    auto newRole = [this]() {
        return call("POST", "/api/v1/roles", {{"name", QStringLiteral("matrix_%1").arg(++m_adminCounter)}},
                    m_rootToken)
            .json()
            .value("id")
            .toString();
    };
    const QString key = QString::fromLatin1(method) + u' ' + pattern;
    if (method == "GET" && pattern.startsWith(QStringLiteral("/admin/v1/")) && !pattern.contains(u'{'))
        return [=] { return asMatrix(pattern); }; // platform reads need no fixture
    if (method == "GET" && pattern.startsWith(QStringLiteral("/api/v1/system/health")))
        return [=] { return asMatrix(pattern); }; // served from memory, no fixture
    // Stop, start, restart (in route order) the probe service: it is running again afterwards.
    if (method == "POST" && pattern.startsWith(QStringLiteral("/api/v1/system/services/{name}/")))
        return [=] {
            return asMatrix(QString(pattern).replace(QStringLiteral("{name}"), QStringLiteral("probe")));
        };
    const QHash<QString, std::function<Sample()>> samples{
        {"GET /api/v1/auth/me",
         [=] {
             Sample s = self("me");
             s.path = "/api/v1/auth/me";
             return s;
         }},
        {"POST /api/v1/auth/change-password",
         [=] {
             Sample s = self("chpw");
             s.path = "/api/v1/auth/change-password";
             s.body = json({{"current_password", kPassword}, {"new_password", "Changed#Pass7"}});
             return s;
         }},
        {"POST /api/v1/auth/2fa/setup",
         [=] {
             Sample s = self("tfa");
             s.path = "/api/v1/auth/2fa/setup";
             return s;
         }},
        {"POST /api/v1/auth/2fa/verify",
         [=, this] {
             Sample s = self("tfav");
             const QString access = token(s.subjectId, s.subjectName, {});
             const QByteArray secret = totp::base32Decode(
                 call("POST", "/api/v1/auth/2fa/setup", {}, access).json().value("secret").toString());
             waitForQuietStep();
             s.path = "/api/v1/auth/2fa/verify";
             s.body = json({{"code", code(secret, 0)}});
             return s;
         }},
        {"POST /api/v1/auth/2fa/disable",
         [=, this] {
             Sample s = self("tfad");
             const QString access = token(s.subjectId, s.subjectName, {});
             const QByteArray secret = totp::base32Decode(
                 call("POST", "/api/v1/auth/2fa/setup", {}, access).json().value("secret").toString());
             waitForQuietStep();
             call("POST", "/api/v1/auth/2fa/verify", {{"code", code(secret, -30)}}, access);
             s.path = "/api/v1/auth/2fa/disable";
             s.body = json({{"code", code(secret, 0)}});
             return s;
         }},
        {"GET /api/v1/admins", [=] { return asMatrix("/api/v1/admins?page_size=5"); }},
        {"POST /api/v1/admins",
         [=, this] {
             return asMatrix("/api/v1/admins",
                             json({{"username", QStringLiteral("matrix.%1").arg(++m_adminCounter)}}));
         }},
        {"GET /api/v1/admins/{id}", [=, this] { return asMatrix("/api/v1/admins/" + createAdmin("get")); }},
        {"PUT /api/v1/admins/{id}",
         [=, this] {
             return asMatrix("/api/v1/admins/" + createAdmin("put"),
                             json({{"full_name", "Renamed"}, {"status", "locked"}}));
         }},
        {"POST /api/v1/admins/{id}/disable",
         [=, this] { return asMatrix("/api/v1/admins/" + createAdmin("dis") + "/disable"); }},
        {"POST /api/v1/admins/{id}/reset-password",
         [=, this] { return asMatrix("/api/v1/admins/" + createAdmin("reset") + "/reset-password", "{}"); }},
        {"PUT /api/v1/admins/{id}/roles",
         [=, this] {
             return asMatrix("/api/v1/admins/" + createAdmin("roles") + "/roles",
                             json({{"roles", QJsonArray{"support"}}}));
         }},
        {"GET /api/v1/roles", [=] { return asMatrix("/api/v1/roles"); }},
        {"POST /api/v1/roles",
         [=, this] {
             return asMatrix("/api/v1/roles",
                             json({{"name", QStringLiteral("matrix_%1").arg(++m_adminCounter)},
                                   {"permissions", QJsonArray{"merchant.view"}}}));
         }},
        {"GET /api/v1/roles/{id}", [=] { return asMatrix("/api/v1/roles/" + newRole()); }},
        {"PUT /api/v1/roles/{id}",
         [=] {
             return asMatrix("/api/v1/roles/" + newRole(), json({{"description", "changed"}}));
         }},
        {"DELETE /api/v1/roles/{id}", [=] { return asMatrix("/api/v1/roles/" + newRole()); }},
        {"PUT /api/v1/roles/{id}/permissions",
         [=] {
             return asMatrix("/api/v1/roles/" + newRole() + "/permissions",
                             json({{"permissions", QJsonArray{"kyc.*"}}}));
         }},
        {"GET /api/v1/permissions", [=] { return asMatrix("/api/v1/permissions"); }},
        {"GET /api/v1/audit-logs", [=] { return asMatrix("/api/v1/audit-logs"); }},
        // The platform's routes on this service.
        {"PUT /admin/v1/log-level",
         [=] {
             return asMatrix("/admin/v1/log-level", json({{"level", "info"}}));
         }},

        {"GET /api/v1/audit-logs/{id}",
         [=, this] {
             for (int i = 0; i < 100 && sql("SELECT count(*) FROM audit_logs").toInt() == 0; ++i)
                 QTest::qWait(100);
             return asMatrix("/api/v1/audit-logs/" + sql("SELECT min(id) FROM audit_logs").toString());
         }},
    };
    return samples.value(key);
}

QTEST_GUILESS_MAIN(AdminServiceTest)
#include "tst_admin_service.moc"
