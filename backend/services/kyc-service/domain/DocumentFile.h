#pragma once
// What a KYC document file may be: its declared content type must match the bytes' magic number
// (a renamed executable is not a PNG), and it is at most kDocumentBytesMax once decoded.

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace paydesk::services::kyc {

inline constexpr qint64 kDocumentBytesMax = 5 * 1024 * 1024;

QStringList documentContentTypes(); // image/png, image/jpeg, application/pdf
// True when `bytes` start with the signature of `contentType`: PNG 89 50 4E 47 0D 0A 1A 0A,
// JPEG FF D8 FF, PDF "%PDF-". False for any other content type.
bool matchesMagicNumber(const QString &contentType, const QByteArray &bytes);
// "png", "jpg", "pdf"; empty for an unknown content type.
QString fileExtension(const QString &contentType);

} // namespace paydesk::services::kyc
