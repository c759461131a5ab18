#include "kube/credentials.h"

#include "kube/encoding.h"
#include "kube/process.h"

#include <cctype>
#include <charconv>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace faaswb::kube {
namespace {

using SystemClock = std::chrono::system_clock;

// A credential this close to its expiry is refreshed first, so it does not lapse between our check and the server's.
constexpr auto expirySlack = std::chrono::seconds(10);

bool readInt(std::string_view text, std::size_t at, std::size_t length, int& value) {
    if (at + length > text.size())
        return false;
    const char* begin = text.data() + at;
    const auto [end, error] = std::from_chars(begin, begin + length, value);
    return error == std::errc{} && end == begin + length;
}

bool hasSeparators(std::string_view text) {
    return text.size() >= 20 && text[4] == '-' && text[7] == '-' && (text[10] == 'T' || text[10] == 't') &&
           text[13] == ':' && text[16] == ':';
}

// Skips ".123456" after the seconds; returns the offset of the zone designator.
std::size_t skipFraction(std::string_view text, std::size_t at) {
    if (at < text.size() && text[at] == '.') {
        ++at;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])))
            ++at;
    }
    return at;
}

// "Z" -> 0, "+02:00" -> 7200; nullopt when malformed.
std::optional<int> zoneOffsetSeconds(std::string_view zone) {
    if (zone == "Z" || zone == "z")
        return 0;
    int hours = 0;
    int minutes = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !readInt(zone, 1, 2, hours) ||
        !readInt(zone, 4, 2, minutes))
        return std::nullopt;
    const int offset = hours * 3600 + minutes * 60;
    return zone[0] == '+' ? offset : -offset;
}

std::string readSmallFile(const std::string& path, bool& ok) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    ok = static_cast<bool>(file);
    return text.str();
}

std::string trimmed(std::string text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    const auto end = text.find_last_not_of(" \t\r\n");
    return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

std::string stringField(const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The last lines of a plugin's stderr: enough to show why it failed without flooding the message.
std::string tail(const std::string& text) {
    const std::string clean = trimmed(text);
    return clean.size() <= 400 ? clean : "…" + clean.substr(clean.size() - 400);
}

} // namespace

std::optional<SystemClock::time_point> parseRfc3339(std::string_view text) {
    std::tm parts{};
    if (!hasSeparators(text) || !readInt(text, 0, 4, parts.tm_year) || !readInt(text, 5, 2, parts.tm_mon) ||
        !readInt(text, 8, 2, parts.tm_mday) || !readInt(text, 11, 2, parts.tm_hour) ||
        !readInt(text, 14, 2, parts.tm_min) || !readInt(text, 17, 2, parts.tm_sec))
        return std::nullopt;
    const auto offset = zoneOffsetSeconds(text.substr(skipFraction(text, 19)));
    if (!offset || parts.tm_mon < 1 || parts.tm_mon > 12 || parts.tm_mday < 1 || parts.tm_mday > 31)
        return std::nullopt;
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    const std::time_t utc = ::timegm(&parts) - *offset;
    // system_clock counts nanoseconds in 64 bits and ends in 2262; "never expires" written as year 9999 must not wrap.
    const auto limit = std::chrono::duration_cast<std::chrono::seconds>(SystemClock::duration::max()).count();
    if (utc >= limit)
        return SystemClock::time_point::max();
    return SystemClock::from_time_t(utc);
}

Result<ExecCredential> parseExecCredential(std::string_view output, std::string_view apiVersion) {
    const auto document = nlohmann::json::parse(output, nullptr, false);
    if (document.is_discarded() || !document.is_object())
        return platformError("the exec credential plugin printed no ExecCredential JSON");
    const std::string version = stringField(document, "apiVersion");
    if (version != apiVersion)
        return platformError("the exec credential plugin answered with apiVersion '" + version +
                             "', the kubeconfig "
                             "asks for '" +
                             std::string(apiVersion) + "'");
    const auto status = document.find("status");
    if (status == document.end() || !status->is_object())
        return platformError("the exec credential plugin's ExecCredential has no status");
    ExecCredential credential{stringField(*status, "token"), stringField(*status, "clientCertificateData"),
                              stringField(*status, "clientKeyData"), std::nullopt};
    if (credential.clientCertificatePem.empty() != credential.clientKeyPem.empty())
        return platformError("the exec credential plugin returned a client certificate without its key, or the "
                             "reverse");
    if (credential.token.empty() && credential.clientCertificatePem.empty())
        return platformError("the exec credential plugin returned neither a token nor a client certificate");
    if (const std::string expiry = stringField(*status, "expirationTimestamp"); !expiry.empty()) {
        credential.expiration = parseRfc3339(expiry);
        if (!credential.expiration)
            return platformError("the exec credential plugin returned an invalid expirationTimestamp '" + expiry + "'");
    }
    return credential;
}

CredentialSource::CredentialSource(KubeContext context, std::chrono::milliseconds execTimeout)
    : m_context(std::move(context))
    , m_execTimeout(execTimeout) {}

Result<Credentials> CredentialSource::credentials() {
    auto base = staticCredentials();
    if (!base || !m_context.user.exec)
        return base;
    const std::lock_guard lock(m_mutex);
    if (!cacheValid()) {
        if (auto status = refreshExec(); !status)
            return status.error();
    }
    if (!m_cached->token.empty())
        base->bearerToken = m_cached->token;
    if (!m_cached->clientCertificatePem.empty()) {
        base->clientCertificatePem = m_cached->clientCertificatePem;
        base->clientKeyPem = m_cached->clientKeyPem;
    }
    return base;
}

void CredentialSource::invalidateCredentials() {
    const std::lock_guard lock(m_mutex);
    m_cached.reset();
}

bool CredentialSource::refreshable() const {
    return m_context.user.exec || !m_context.user.tokenFile.empty();
}

// client-go semantics: tokenFile wins over token and is re-read, so a rotated token is picked up.
Result<Credentials> CredentialSource::staticCredentials() const {
    const UserConfig& user = m_context.user;
    Credentials credentials{user.token,       user.username,
                            user.password,    user.clientCertificate,
                            user.clientKey,   user.clientCertificatePem,
                            user.clientKeyPem};
    if (user.tokenFile.empty())
        return credentials;
    bool ok = false;
    credentials.bearerToken = trimmed(readSmallFile(user.tokenFile, ok));
    if (!ok)
        return invalidInput("cannot read tokenFile '" + user.tokenFile + "' of user '" + m_context.userName +
                            "' (kubeconfig '" + m_context.sourceFile + "')");
    return credentials;
}

bool CredentialSource::cacheValid() const {
    if (!m_cached)
        return false;
    return !m_cached->expiration || SystemClock::now() + expirySlack < *m_cached->expiration;
}

Status CredentialSource::refreshExec() {
    const ExecConfig& exec = *m_context.user.exec;
    if (exec.interactiveMode == "Always")
        return invalidInput("the exec credential plugin '" + exec.command + "' of user '" + m_context.userName +
                            "' needs an interactive terminal (interactiveMode: Always), which faas-workbench cannot "
                            "give it; log in with it first or use a non-interactive mode");
    std::vector<std::string> argv{exec.command};
    argv.insert(argv.end(), exec.args.begin(), exec.args.end());
    auto env = exec.env;
    env.emplace_back("KUBERNETES_EXEC_INFO", execInfo());
    auto output = runProcess(argv, env, m_execTimeout);
    if (!output)
        return platformError("exec credential plugin of user '" + m_context.userName + "': " + output.error().message +
                             (exec.installHint.empty() ? "" : "\n" + exec.installHint));
    if (output->exitCode != 0)
        return platformError("exec credential plugin '" + exec.command + "' of user '" + m_context.userName +
                             "' failed (exit code " + std::to_string(output->exitCode) + "): " + tail(output->err));
    auto credential = parseExecCredential(output->out, exec.apiVersion);
    if (!credential)
        return platformError(credential.error().message + " (user '" + m_context.userName + "', command '" +
                             exec.command + "')");
    m_cached = std::move(*credential);
    return {};
}

// The ExecCredential the plugin reads from KUBERNETES_EXEC_INFO; spec.cluster only with provideClusterInfo.
std::string CredentialSource::execInfo() const {
    const ExecConfig& exec = *m_context.user.exec;
    nlohmann::json spec{{"interactive", false}};
    if (exec.provideClusterInfo) {
        const ClusterConfig& cluster = m_context.cluster;
        nlohmann::json info{{"server", cluster.server}, {"insecure-skip-tls-verify", cluster.insecureSkipTlsVerify}};
        std::string caPem = cluster.certificateAuthorityPem;
        bool ok = false;
        if (caPem.empty() && !cluster.certificateAuthority.empty())
            caPem = readSmallFile(cluster.certificateAuthority, ok);
        if (!caPem.empty())
            info["certificate-authority-data"] = base64Encode(caPem);
        if (!cluster.tlsServerName.empty())
            info["tls-server-name"] = cluster.tlsServerName;
        if (!cluster.proxyUrl.empty())
            info["proxy-url"] = cluster.proxyUrl;
        spec["cluster"] = std::move(info);
    }
    return nlohmann::json{{"apiVersion", exec.apiVersion}, {"kind", "ExecCredential"}, {"spec", std::move(spec)}}
        .dump();
}

} // namespace faaswb::kube
