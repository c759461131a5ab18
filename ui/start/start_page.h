// StartPage: what the main window shows when no experiment is open — the product's name and purpose, Quickstart,
// New / Open, one card per scenario example that exists, recent files (missing ones disabled) and "Connect a
// cluster…" (kubeconfig file, then one of its contexts, then a new knative experiment). It only asks: the main
// window opens files and experiments in response to its signals. Errors are shown in the page. UI thread only.
#pragma once

#include <QWidget>
#include <memory>

QT_BEGIN_NAMESPACE
class QAbstractButton;
QT_END_NAMESPACE

namespace faaswb::ui {

class StartPage : public QWidget {
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);
    ~StartPage() override;

    void refresh(); // re-reads the examples and the recent files

    // Connect a cluster, step by step (the "Connect a cluster…" button runs them after a file dialog).
    bool chooseKubeconfig(const QString& path); // lists its contexts; false with the reason shown in the page
    QStringList kubeconfigContexts() const;     // of the last file chosen successfully
    QString clusterError() const;               // the message shown; empty when none
    bool createClusterExperiment(const QString& context = {}); // the chosen context when empty; emits the request

    // The buttons, for tests: each carries the file it opens in the "path" property.
    QAbstractButton* quickstartButton() const;
    QList<QAbstractButton*> exampleButtons() const;
    QList<QAbstractButton*> recentButtons() const;

signals:
    void openRequested(const QString& path);
    void openDialogRequested();
    void newExperimentRequested();
    void clusterExperimentRequested(const QString& yaml); // a new unsaved experiment with this text
    void recentFilesChanged();

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::ui
