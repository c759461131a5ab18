// Small pieces shared by the object store, the revision template parser and the control API: Kubernetes error
// values, resource naming, DNS-1123 checks. Private to core/localplatform. Pure functions; thread-safe.
#pragma once

#include "kube/api_status.h"
#include "localplatform/object_store.h"

#include <string>
#include <string_view>

namespace faaswb::localplatform::api {

// A KubeError as the API server would answer it: 400/422 are InvalidInput, everything else Platform.
kube::KubeError kubeError(int httpCode, std::string reason, std::string message);

// "services.serving.knative.dev", or "pods" for the core group (how apiserver messages name a resource).
std::string qualifiedName(const ResourceType& type);
kube::KubeError notFound(const ResourceType& type, const std::string& name);

// A DNS-1123 label: at most 63 lower-case alphanumerics or '-', starting and ending alphanumeric.
bool isDns1123Label(std::string_view text);
inline constexpr const char* kDns1123Message =
    "must be a DNS-1123 label (lower case alphanumeric characters or '-', starting and ending with an alphanumeric "
    "character, at most 63 characters)";

// The metadata object of a JSON object (null when absent).
const Json& metadataOf(const Json& object);
std::string stringAt(const Json& object, const char* key); // "" when absent or not a string

} // namespace faaswb::localplatform::api
