#pragma once
// Field rules for merchant master data and settlement bank accounts. Pure functions.

#include <QString>

namespace paydesk::services::merchant {

bool isValidEmail(const QString &email);
// ISO 3166-1 alpha-2, upper case, a territory Qt knows ("DE", "US"; not "de", "XX", "DEU").
bool isValidCountry(const QString &code);
// An absolute http(s) URL with a host.
bool isValidWebsite(const QString &url);
// ISO 4217 code among the currencies PayDesk settles (spec fact 3).
bool isSupportedCurrency(const QString &code);

// IBAN (ISO 13616): spaces ignored, 15..34 characters, country letters, mod-97 check = 1.
QString normalizeIban(const QString &iban);
bool isValidIban(const QString &normalizedIban);
// Domestic account number: 4..34 digits; bank code (routing number, sort code, ...): 2..20 alphanumerics.
bool isValidAccountNumber(const QString &number);
bool isValidBankCode(const QString &code);

// What an account number looks like in responses: the IBAN country/check prefix and the last
// four characters only ("DE89****3000", "****6789").
QString maskAccountNumber(const QString &number, bool iban);

} // namespace paydesk::services::merchant
