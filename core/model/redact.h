// Redaction of secrets in experiment YAML text before it is stored, exported or shown. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace faaswb::model {

// The text with the literal values of secret keys (token, password, secretAccessKey, sessionToken, authKey,
// accessKeyId) and of `headers:` entries whose name looks secret (Authorization, Cookie, *api-key*, *token*,
// *secret*, *password*) replaced by "<redacted>". ${VAR} references are kept (a ${VAR:-default}'s default is
// redacted), and so is everything else, byte for byte: comments, quotes, line structure. Works on block and flow
// mappings without a full YAML parse, so it also redacts text that does not validate.
std::string redactSecrets(std::string_view experimentYaml);

// The URL with the password of a user:password@ in it and the values of secret-looking query parameters (token,
// access_token, api_key, code, sig, X-Amz-Signature, ...) replaced by <redacted> (a ${VAR} there is kept).
// redactSecrets() applies the same to every URL-shaped value of the experiment text.
std::string redactUrl(std::string_view url);

// Whether a mapping key names a secret value, and whether an HTTP header name does (both case-insensitive).
bool isSecretKey(std::string_view key);
bool isSecretHeaderName(std::string_view name);

inline constexpr std::string_view kRedacted = "<redacted>";

} // namespace faaswb::model
