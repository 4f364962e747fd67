#pragma once
// OpenAPI 3.0 document of a service, generated from its route table so that it cannot drift from
// what the service really serves.

#include "platform/host/Service.h"
#include "platform/http/Router.h"

#include <QJsonObject>

namespace paydesk::platform {

QJsonObject openApiDocument(const ServiceDescriptor &service, const Router &router, const QString &version);

} // namespace paydesk::platform
