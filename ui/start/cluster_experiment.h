// "Connect a cluster": the contexts of a kubeconfig (core/kube's loader; nothing is contacted) and the text of a new
// experiment whose platform is a knative platform with that kubeconfig and context. Thread-safe (pure functions).
#pragma once

#include <QString>
#include <QStringList>

namespace faaswb::ui {

struct KubeconfigContexts {
    QStringList names; // file order
    QString current;   // current-context; empty when unset
    QString error;     // why the file cannot be used (unreadable, invalid, no contexts); empty on success
};

KubeconfigContexts readKubeconfigContexts(const QString& path);

// A small valid experiment (010.sleep, warm latency) on the cluster of `context` in `kubeconfig`; Services go to the
// context's namespace. The user edits images/ingress in Setup before running.
QString clusterExperimentYaml(const QString& kubeconfig, const QString& context);

} // namespace faaswb::ui
