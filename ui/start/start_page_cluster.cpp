// StartPage's "Connect a cluster…": kubeconfig file → its contexts → a new knative experiment.
#include "kube/kubeconfig.h"
#include "ui/start/cluster_experiment.h"
#include "ui/start/start_page.h"
#include "ui/start/start_page_impl.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>

namespace faaswb::ui {

QWidget* StartPage::Impl::buildClusterPanel() {
    clusterPanel = new QFrame;
    clusterPanel->setObjectName(QStringLiteral("clusterPanel"));
    clusterPanel->setFrameShape(QFrame::StyledPanel);
    auto* layout = new QGridLayout(clusterPanel);
    layout->setContentsMargins(12, 10, 12, 10);
    clusterFile = new QLabel;
    clusterFile->setTextInteractionFlags(Qt::TextSelectableByMouse);
    clusterFile->setWordWrap(true);
    contextPicker = new QComboBox;
    contextPicker->setObjectName(QStringLiteral("contextPicker"));
    createCluster = new QPushButton(tr("Create experiment"));
    createCluster->setObjectName(QStringLiteral("createClusterExperiment"));
    createCluster->setDefault(true);
    QObject::connect(createCluster, &QPushButton::clicked, q, [this] { q->createClusterExperiment(); });
    clusterError = new QLabel;
    clusterError->setObjectName(QStringLiteral("clusterError"));
    clusterError->setWordWrap(true);
    clusterError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette warning = clusterError->palette();
    warning.setColor(QPalette::WindowText, QColor(0xd9, 0x30, 0x25)); // readable on light and dark windows
    clusterError->setPalette(warning);
    layout->addWidget(clusterFile, 0, 0, 1, 3);
    layout->addWidget(new QLabel(tr("Context:")), 1, 0);
    layout->addWidget(contextPicker, 1, 1);
    layout->addWidget(createCluster, 1, 2);
    layout->addWidget(clusterError, 2, 0, 1, 3);
    layout->setColumnStretch(1, 1);
    clusterPanel->hide(); // until a kubeconfig is chosen
    return clusterPanel;
}

void StartPage::Impl::pickKubeconfig() {
    const QString initial = kubeconfig.isEmpty() ? QString::fromStdString(kube::defaultKubeconfigPath()) : kubeconfig;
    const QString path = QFileDialog::getOpenFileName(q, tr("Choose a kubeconfig"), initial);
    if (!path.isEmpty())
        q->chooseKubeconfig(path);
}

void StartPage::Impl::showClusterError(const QString& message) {
    clusterError->setText(message);
    clusterError->setVisible(!message.isEmpty());
}

bool StartPage::chooseKubeconfig(const QString& path) {
    auto& d = *m_impl;
    const KubeconfigContexts read = readKubeconfigContexts(path);
    d.clusterPanel->show();
    d.clusterFile->setText(tr("Kubeconfig: %1").arg(QFileInfo(path).absoluteFilePath()));
    d.contextPicker->clear();
    d.contexts = read.names;
    d.kubeconfig = read.error.isEmpty() ? QFileInfo(path).absoluteFilePath() : QString();
    d.contextPicker->addItems(read.names);
    if (!read.current.isEmpty() && read.names.contains(read.current))
        d.contextPicker->setCurrentText(read.current);
    d.contextPicker->setEnabled(read.error.isEmpty());
    d.createCluster->setEnabled(read.error.isEmpty());
    d.showClusterError(read.error);
    return read.error.isEmpty();
}

QStringList StartPage::kubeconfigContexts() const {
    return m_impl->contexts;
}

QString StartPage::clusterError() const {
    return m_impl->clusterError->isVisibleTo(this) ? m_impl->clusterError->text() : QString();
}

bool StartPage::createClusterExperiment(const QString& context) {
    auto& d = *m_impl;
    const QString chosen = context.isEmpty() ? d.contextPicker->currentText() : context;
    if (d.kubeconfig.isEmpty() || !d.contexts.contains(chosen)) {
        d.showClusterError(d.kubeconfig.isEmpty() ? tr("Choose a readable kubeconfig first")
                                                  : tr("No context named \"%1\" in %2").arg(chosen, d.kubeconfig));
        return false;
    }
    d.showClusterError({});
    emit clusterExperimentRequested(clusterExperimentYaml(d.kubeconfig, chosen));
    return true;
}

} // namespace faaswb::ui
