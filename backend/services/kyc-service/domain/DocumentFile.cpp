#include "services/kyc-service/domain/DocumentFile.h"

namespace paydesk::services::kyc {

QStringList documentContentTypes()
{
    return {QStringLiteral("image/png"), QStringLiteral("image/jpeg"), QStringLiteral("application/pdf")};
}

bool matchesMagicNumber(const QString &contentType, const QByteArray &bytes)
{
    if (contentType == QStringLiteral("image/png"))
        return bytes.startsWith(QByteArrayLiteral("\x89PNG\r\n\x1a\n"));
    if (contentType == QStringLiteral("image/jpeg"))
        return bytes.startsWith(QByteArrayLiteral("\xff\xd8\xff"));
    if (contentType == QStringLiteral("application/pdf"))
        return bytes.startsWith(QByteArrayLiteral("%PDF-"));
    return false;
}

QString fileExtension(const QString &contentType)
{
    if (contentType == QStringLiteral("image/png"))
        return QStringLiteral("png");
    if (contentType == QStringLiteral("image/jpeg"))
        return QStringLiteral("jpg");
    if (contentType == QStringLiteral("application/pdf"))
        return QStringLiteral("pdf");
    return {};
}

} // namespace paydesk::services::kyc
