#include "ui/start/cluster_experiment.h"

#include "kube/kubeconfig.h"

#include <QObject>

namespace faaswb::ui {
namespace {

// A YAML single-quoted scalar: no escapes except '' for a quote, so any path or context name survives.
QString quoted(const QString& text) {
    QString escaped = text;
    escaped.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

// Experiment names appear in file names and result tables: keep them to [a-z0-9-].
QString experimentName(const QString& context) {
    QString name;
    for (const QChar c : context.toLower())
        name += (c.isLetterOrNumber() && c.unicode() < 128) ? c : QLatin1Char('-');
    while (name.contains(QStringLiteral("--")))
        name.replace(QStringLiteral("--"), QStringLiteral("-"));
    return QStringLiteral("cluster-") + name;
}

} // namespace

KubeconfigContexts readKubeconfigContexts(const QString& path) {
    KubeconfigContexts result;
    auto config = kube::Kubeconfig::load(path.toStdString());
    if (!config) {
        result.error = QString::fromStdString(config.error().message);
        return result;
    }
    for (const std::string& name : config->contextNames())
        result.names.append(QString::fromStdString(name));
    result.current = QString::fromStdString(config->currentContext());
    if (result.names.isEmpty())
        result.error = QObject::tr("%1 declares no contexts").arg(path);
    return result;
}

QString clusterExperimentYaml(const QString& kubeconfig, const QString& context) {
    return QStringLiteral(
               "# A new experiment on the Knative cluster of kubeconfig context %2.\n"
               "# Before running: push the suite's images (benchmarks/README.md, \"Container images\") and set\n"
               "# `images:`; without DNS for the cluster's domain, set `ingress:` (docs/platforms.md).\n"
               "name: %3\n"
               "platform: cluster\n"
               "\n"
               "platforms:\n"
               "  cluster:\n"
               "    type: knative\n"
               "    kubeconfig: %1\n"
               "    context: %2                # Services go to this context's namespace\n"
               "    images: \"${FAASWB_REGISTRY:-ghcr.io/example}/faaswb-{benchmark}:{language}\"\n"
               "    deployTimeout: 5m\n"
               "\n"
               "benchmarks:\n"
               "  - id: 010.sleep\n"
               "    languages: [python]\n"
               "    input: {ms: 20}\n"
               "\n"
               "scenarios:\n"
               "  - {name: warm, type: warm-latency, rate: 20, duration: 30s, warmup: 5s}\n")
        .arg(quoted(kubeconfig), quoted(context), experimentName(context));
}

} // namespace faaswb::ui
