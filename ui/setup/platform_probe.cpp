#include "ui/setup/platform_probe.h"

#include "platform/platform_factory.h"

#include <QUrl>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace faaswb::ui {
namespace {

constexpr int kConnectTimeoutMs = 3000;

// Opens and closes one TCP connection; empty on success, else the reason.
QString tcpReachable(const QString& host, int port) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const QByteArray portText = QByteArray::number(port);
    if (const int rc = getaddrinfo(host.toUtf8().constData(), portText.constData(), &hints, &found); rc != 0)
        return QString::fromUtf8(gai_strerror(rc));
    QString reason;
    const int fd = socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, found->ai_protocol);
    if (fd < 0) {
        reason = QString::fromUtf8(std::strerror(errno));
    } else if (connect(fd, found->ai_addr, found->ai_addrlen) != 0 && errno != EINPROGRESS) {
        reason = QString::fromUtf8(std::strerror(errno));
    } else {
        pollfd waiting{fd, POLLOUT, 0};
        int error = 0;
        socklen_t length = sizeof(error);
        if (poll(&waiting, 1, kConnectTimeoutMs) <= 0)
            reason = QStringLiteral("no answer within %1 s").arg(kConnectTimeoutMs / 1000);
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0)
            reason = QString::fromUtf8(std::strerror(error != 0 ? error : errno));
    }
    if (fd >= 0)
        close(fd);
    freeaddrinfo(found);
    return reason;
}

QString reachEndpoint(const std::string& url) {
    const QUrl parsed(QString::fromStdString(url));
    if (!parsed.isValid() || parsed.host().isEmpty())
        return QStringLiteral("'%1' is not a URL with a host").arg(QString::fromStdString(url));
    const int port = parsed.port(parsed.scheme() == QLatin1String("https") ? 443 : 80);
    const QString reason = tcpReachable(parsed.host(), port);
    return reason.isEmpty() ? QString()
                            : QStringLiteral("cannot connect to %1:%2: %3").arg(parsed.host()).arg(port).arg(reason);
}

} // namespace

ProbeResult probePlatform(const model::PlatformConfig& config) {
    if (!config.url.empty() && config.type != model::PlatformType::Local) {
        if (const QString problem = reachEndpoint(config.url); !problem.isEmpty())
            return {false, problem};
    }
    try {
        auto created = platform::createPlatform(config);
        if (!created)
            return {false, QString::fromStdString(created.error().message)};
        const auto info = created.value()->describe();
        QString message = QStringLiteral("connected: %1").arg(QString::fromStdString(info.kind));
        if (!info.version.empty())
            message += QStringLiteral(" %1").arg(QString::fromStdString(info.version));
        if (!config.url.empty())
            message += QStringLiteral(" at %1").arg(QString::fromStdString(config.url));
        return {true, message};
    } catch (const std::exception& error) {
        return {false, QString::fromUtf8(error.what())};
    }
}

} // namespace faaswb::ui
