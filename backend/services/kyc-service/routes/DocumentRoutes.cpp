// KYC documents: upload by the signed merchant (/me) or by a reviewer for a merchant, and the
// reviewer's download. A file is checked (declared type = magic number, ≤ 5 MB decoded), stored
// under <data_dir>/kyc/<merchant_id>/<sha256>.<ext>, and joins the merchant's open case; the
// first document of a case opens it (kyc.submitted).

#include "platform/bus/Outbox.h"
#include "platform/http/RequestBody.h"
#include "platform/observe/JsonLog.h"
#include "platform/rpc/ServiceClient.h"
#include "platform/security/Audit.h"
#include "platform/security/Crypto.h"
#include "services/kyc-service/domain/DocumentFile.h"
#include "services/kyc-service/domain/KycCase.h"
#include "services/kyc-service/routes/KycRoutes.h"
#include "services/kyc-service/store/KycStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUuid>

namespace paydesk::services::kyc {

using namespace platform;

namespace document_routes {

// Base64 of kDocumentBytesMax plus slack for line breaks: anything longer is oversize unread.
constexpr int kBase64LengthMax = static_cast<int>((kDocumentBytesMax + 2) / 3 * 4 + 4096);

struct Upload
{
    DocumentRecord document;
    QByteArray bytes;
    QString targetLevel; // optional: the level a new case aims at
};

void readUpload(BodyReader &body, Upload *upload)
{
    DocumentRecord &d = upload->document;
    d.documentType = body.string(QStringLiteral("type"), {.required = true, .oneOf = documentTypeNames()});
    d.contentType =
        body.string(QStringLiteral("content_type"), {.required = true, .oneOf = documentContentTypes()});
    d.fileName =
        QFileInfo(body.string(QStringLiteral("file_name"), {.required = true, .maxLength = 255})).fileName();
    upload->targetLevel = body.string(QStringLiteral("target_level"), {.oneOf = kycLevelNames().mid(1)});
    const QString base64 =
        body.string(QStringLiteral("content_base64"), {.required = true, .maxLength = kBase64LengthMax});
    if (base64.isEmpty())
        return;
    const auto decoded =
        QByteArray::fromBase64Encoding(base64.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        body.fail(QStringLiteral("content_base64"), QStringLiteral("must be base64"));
        return;
    }
    upload->bytes = *decoded;
    if (upload->bytes.isEmpty() || upload->bytes.size() > kDocumentBytesMax)
        body.fail(QStringLiteral("content_base64"),
                  QStringLiteral("must decode to 1 to %1 bytes").arg(kDocumentBytesMax));
    else if (!d.contentType.isEmpty() && !matchesMagicNumber(d.contentType, upload->bytes))
        body.fail(QStringLiteral("content_base64"), QStringLiteral("is not a %1 file").arg(d.contentType));
}

// Content-addressed: a second upload of the same bytes rewrites an identical file. A file whose
// database row then fails to commit stays behind unreferenced (harmless, same name next time).
bool storeFile(const KycContext &context, Upload *upload, QString *error)
{
    DocumentRecord &d = upload->document;
    d.sha256 = QString::fromLatin1(crypto::sha256(upload->bytes).toHex());
    d.sizeBytes = upload->bytes.size();
    d.storagePath = QStringLiteral("kyc/%1/%2.%3").arg(d.merchantId, d.sha256, fileExtension(d.contentType));
    const QString dataDir = context.runtime->environment().config.dataDir();
    const QString folder = dataDir + QStringLiteral("/kyc/") + d.merchantId;
    if (!QDir().mkpath(folder)) {
        *error = QStringLiteral("cannot create %1").arg(folder);
        return false;
    }
    QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QSaveFile file(dataDir + u'/' + d.storagePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(upload->bytes) != upload->bytes.size() ||
        !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(d.storagePath, file.errorString());
        return false;
    }
    QFile::setPermissions(dataDir + u'/' + d.storagePath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

// Admins name the merchant in the path: it must exist in merchant-service.
std::optional<HttpResponse> merchantMissing(const KycContext &context, const HttpRequest &request,
                                            const QString &merchantId)
{
    CallOptions options;
    options.parent = request.trace;
    options.timeoutMs = 3000;
    const HttpResponse answer = context.runtime->client().callSync(
        QStringLiteral("merchant-service"), "GET", QStringLiteral("/internal/v1/merchants/") + merchantId, {},
        options);
    if (answer.status == 404)
        return notFound(request, QStringLiteral("MERCHANT_NOT_FOUND"),
                        QStringLiteral("merchant %1 does not exist").arg(merchantId));
    if (!answer.isSuccess())
        return respond(
            request, Problem::unavailable(QStringLiteral("MERCHANT_SERVICE_UNAVAILABLE"),
                                          QStringLiteral("merchant-service answered %1").arg(answer.status)));
    return std::nullopt;
}

std::optional<HttpResponse> joinCase(const HttpRequest &request, const Upload &upload,
                                     const CaseRecord &pending, CaseRecord *kycCase)
{
    if (!upload.targetLevel.isEmpty() && upload.targetLevel != pending.targetLevel)
        return respond(request, Problem::conflict(QStringLiteral("KYC_CASE_OPEN"),
                                                  QStringLiteral("case %1 for level %2 is still under review")
                                                      .arg(pending.id, pending.targetLevel)));
    *kycCase = pending;
    return HttpResponse::empty(204);
}

// Finds the merchant's open case or opens one (with its kyc.submitted event).
std::optional<HttpResponse> openCase(QSqlDatabase &db, const HttpRequest &request, const Upload &upload,
                                     CaseRecord *kycCase, QString *why)
{
    const QString merchantId = upload.document.merchantId;
    if (std::optional<CaseRecord> pending = kyc_store::findPendingCase(db, merchantId, why))
        return joinCase(request, upload, *pending, kycCase);
    if (!why->isEmpty())
        return std::nullopt;
    KycLevel current = KycLevel::Basic;
    if (!kyc_store::currentLevel(db, merchantId, &current, why))
        return std::nullopt;
    const std::optional<KycLevel> target =
        upload.targetLevel.isEmpty() ? nextLevel(current) : kycLevelFrom(upload.targetLevel);
    if (!target || *target <= current)
        return respond(
            request,
            Problem::conflict(QStringLiteral("KYC_LEVEL_ALREADY_APPROVED"),
                              QStringLiteral("the merchant already holds level %1").arg(toString(current))));
    kycCase->merchantId = merchantId;
    kycCase->targetLevel = toString(*target);
    bool inserted = false;
    if (!kyc_store::insertCase(db, kycCase, &inserted, why))
        return std::nullopt;
    if (!inserted) { // a concurrent upload opened the case first: join it
        const std::optional<CaseRecord> pending = kyc_store::findPendingCase(db, merchantId, why);
        if (!pending) {
            if (why->isEmpty())
                *why = QStringLiteral("the concurrently opened case of %1 vanished").arg(merchantId);
            return std::nullopt;
        }
        return joinCase(request, upload, *pending, kycCase);
    }
    if (outbox::append(db,
                       kycEvent(QStringLiteral("kyc.submitted"), *kycCase, toString(current),
                                request.trace.toTraceparent()),
                       why) < 0)
        return std::nullopt;
    return HttpResponse::empty(204);
}

HttpResponse submit(const KycContext &context, const HttpRequest &request, const QString &merchantId)
{
    const bool byAdmin = request.principal.kind == Principal::Kind::Admin;
    if (!isUuid(merchantId))
        return notFound(request, QStringLiteral("MERCHANT_NOT_FOUND"),
                        QStringLiteral("merchant %1 does not exist").arg(merchantId));
    BodyReader body(request);
    Upload upload;
    // Canonical (lower-case) form: it names the folder on disk.
    upload.document.merchantId = QUuid::fromString(merchantId).toString(QUuid::WithoutBraces);
    upload.document.uploadedBy = actorOf(request);
    readUpload(body, &upload);
    if (!body.ok())
        return body.problem();
    if (byAdmin) {
        if (auto missing = merchantMissing(context, request, upload.document.merchantId))
            return *missing;
    }
    QString error;
    if (!storeFile(context, &upload, &error)) {
        context.runtime->log().write(LogLevel::Error, error);
        return respond(request, Problem::internal(QStringLiteral("the document could not be stored")));
    }
    return transact(
        *context.runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            CaseRecord kycCase;
            std::optional<HttpResponse> opened = openCase(db, request, upload, &kycCase, why);
            if (!opened || !opened->isSuccess())
                return opened;
            upload.document.caseId = kycCase.id;
            if (!kyc_store::insertDocument(db, &upload.document, why))
                return std::nullopt;
            if (byAdmin &&
                !audit::append(db, request, kServiceName,
                               {QStringLiteral("kyc.document.upload"), QStringLiteral("kyc_document"),
                                upload.document.id, QJsonValue(), upload.document.toJson()},
                               why))
                return std::nullopt;
            HttpResponse created =
                HttpResponse::json(QJsonObject{{QStringLiteral("document"), upload.document.toJson()},
                                               {QStringLiteral("case"), kycCase.toJson()}},
                                   201);
            created.audited = byAdmin;
            return created;
        });
}

// Streams the stored bytes after checking them against the recorded SHA-256.
HttpResponse content(const KycContext &context, const HttpRequest &request)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    std::optional<DocumentRecord> document;
    HttpResponse found = transact(
        *context.runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            document = isUuid(id) ? kyc_store::findDocument(db, id, why) : std::nullopt;
            if (!why->isEmpty())
                return std::nullopt;
            if (!document)
                return notFound(request, QStringLiteral("DOCUMENT_NOT_FOUND"),
                                QStringLiteral("document %1 does not exist").arg(id));
            return HttpResponse::empty(204);
        });
    if (!found.isSuccess())
        return found;
    QFile file(context.runtime->environment().config.dataDir() + u'/' + document->storagePath);
    const QByteArray bytes = file.open(QIODevice::ReadOnly) ? file.read(kDocumentBytesMax + 1) : QByteArray();
    if (QString::fromLatin1(crypto::sha256(bytes).toHex()) != document->sha256) {
        context.runtime->log().write(LogLevel::Error,
                                     QStringLiteral("document %1: file missing or altered").arg(id));
        return respond(request,
                       Problem::internal(QStringLiteral("the stored file does not match its checksum")));
    }
    HttpResponse response = HttpResponse::text(bytes, document->contentType.toLatin1());
    response.setHeader("Content-Disposition", "attachment; filename=\"" + document->sha256.toLatin1() + '.' +
                                                  fileExtension(document->contentType).toLatin1() + '"');
    response.setHeader("X-Content-Type-Options", "nosniff");
    return response;
}

} // namespace document_routes

void registerDocumentRoutes(Router &router, const KycContext &context)
{
    using namespace document_routes;
    // A 5 MB document arrives base64-encoded inside JSON: about 6.7 MB of body.
    constexpr qint64 kUploadBodyLimitBytes = 8 * 1024 * 1024;
    router.add(
        {.method = "POST",
         .pattern = "/api/v1/me/kyc/documents",
         .handler = [context](const HttpRequest &r) { return submit(context, r, r.principal.merchantId); },
         .access = Access::Merchant,
         .jsonBody = true,
         .summary = "Submit a KYC document (the signed merchant's own)",
         .successStatus = 201,
         .bodyLimitBytes = kUploadBodyLimitBytes});
    router.add({.method = "POST",
                .pattern = "/api/v1/merchants/{merchant_id}/kyc/documents",
                .handler =
                    [context](const HttpRequest &r) {
                        return submit(context, r, r.pathParam(QStringLiteral("merchant_id")));
                    },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "kyc.review",
                .summary = "Upload a KYC document on a merchant's behalf",
                .successStatus = 201,
                .bodyLimitBytes = kUploadBodyLimitBytes});
    router.add({.method = "GET",
                .pattern = "/api/v1/kyc/documents/{id}/content",
                .handler = [context](const HttpRequest &r) { return content(context, r); },
                .access = Access::Admin,
                .permission = "kyc.view",
                .summary = "The document's bytes, with its content type"});
}

} // namespace paydesk::services::kyc
