// The start page: shown at launch, lists exactly the examples that exist, Quickstart opens in Setup, recent files
// (missing ones disabled, Clear), and "Connect a cluster…" from a kubeconfig with two contexts to a valid knative
// experiment — all offline (nothing is contacted). Screenshots in light and dark.
#include "testutils.h"
#include "ui/main_window.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/theme.h"
#include "ui/setup/experiment_document.h"
#include "ui/start/start_examples.h"
#include "ui/start/start_page.h"
#include "ui_testutils.h"

#include <QAbstractButton>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace faaswb;

namespace {

const QStringList kScenarioTypes = {
    QStringLiteral("warm-latency"), QStringLiteral("cold-start"),   QStringLiteral("concurrency-one"),
    QStringLiteral("autoscaling"),  QStringLiteral("batch"),        QStringLiteral("workflow-chain"),
    QStringLiteral("eventing"),     QStringLiteral("trace-replay"), QStringLiteral("perf-cost")};

bool writeFile(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

// Two clusters on loopback addresses that nothing listens on: the page only parses the file.
QByteArray twoContextKubeconfig() {
    return "apiVersion: v1\nkind: Config\ncurrent-context: kind-bench\n"
           "clusters:\n"
           "  - name: kind\n    cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}\n"
           "  - name: staging\n    cluster: {server: 'https://127.0.0.1:7443', insecure-skip-tls-verify: true}\n"
           "users:\n  - name: dev\n    user: {token: not-a-real-token}\n"
           "contexts:\n"
           "  - name: kind-bench\n    context: {cluster: kind, user: dev, namespace: bench}\n"
           "  - name: staging\n    context: {cluster: staging, user: dev}\n";
}

QStringList buttonPaths(const QList<QAbstractButton*>& buttons) {
    QStringList paths;
    for (const QAbstractButton* button : buttons)
        paths.append(button->property("path").toString());
    return paths;
}

} // namespace

class TestStartPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_settings.isValid() && m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8()); // the default results DB
    }

    void init() { ui::AppSettings().clearRecentFiles(); }
    void cleanup() { qunsetenv("FAASWB_DATA_DIR"); }

    void listsEveryExampleOfTheSourceTree() {
        ui::StartPage page;
        QStringList expected;
        for (const QString& type : kScenarioTypes) {
            const QString path = test::sourcePath(QStringLiteral("resources/experiments/%1.yaml").arg(type));
            if (QFileInfo::exists(path))
                expected.append(QFileInfo(path).absoluteFilePath());
        }
        QCOMPARE(expected.size(), kScenarioTypes.size()); // the repository ships all nine
        QCOMPARE(buttonPaths(page.exampleButtons()), expected);
        QCOMPARE(page.quickstartButton()->property("path").toString(),
                 QFileInfo(test::sourcePath(QStringLiteral("resources/experiments/local-quickstart.yaml")))
                     .absoluteFilePath());
    }

    void listsOnlyExamplesThatExist() {
        const QString root = m_dir.filePath(QStringLiteral("partial-data"));
        QVERIFY(writeFile(root + QStringLiteral("/resources/experiments/batch.yaml"), "name: b\n"));
        QVERIFY(writeFile(root + QStringLiteral("/resources/experiments/cold-start.yaml"), "name: c\n"));
        QVERIFY(writeFile(root + QStringLiteral("/resources/experiments/unrelated.yaml"), "name: u\n"));
        qputenv("FAASWB_DATA_DIR", root.toUtf8());
        ui::StartPage page;
        const QStringList paths = buttonPaths(page.exampleButtons());
        QCOMPARE(paths, (QStringList{QDir(root).filePath(QStringLiteral("resources/experiments/cold-start.yaml")),
                                     QDir(root).filePath(QStringLiteral("resources/experiments/batch.yaml"))}));
        QVERIFY(!page.quickstartButton()->isEnabled()); // no local-quickstart.yaml there
    }

    void quickstartOpensInSetup() {
        ui::MainWindow window;
        QVERIFY(window.isStartPageShown());
        QVERIFY(window.startPage()->quickstartButton()->isEnabled());
        window.startPage()->quickstartButton()->click();
        QCOMPARE(window.document()->path(), ui::quickstartPath());
        QVERIFY(!window.isStartPageShown());
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Setup);
        QVERIFY(window.document()->experiment().has_value());
        QCOMPARE(window.recentFiles().value(0), QFileInfo(ui::quickstartPath()).absoluteFilePath());
    }

    void exampleCardOpensItsFile() {
        ui::MainWindow window;
        const auto examples = window.startPage()->exampleButtons();
        QVERIFY(!examples.isEmpty());
        examples.last()->click();
        QCOMPARE(window.document()->path(), examples.last()->property("path").toString());
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Setup);
    }

    void recentFilesShowMissingOnesDisabled() {
        const QString present = m_dir.filePath(QStringLiteral("present.yaml"));
        const QString missing = m_dir.filePath(QStringLiteral("gone.yaml"));
        QVERIFY(writeFile(present, "name: present\n"));
        ui::AppSettings settings;
        settings.addRecentFile(missing);
        settings.addRecentFile(present);
        ui::StartPage page;
        const auto recent = page.recentButtons();
        QCOMPARE(buttonPaths(recent), (QStringList{present, missing}));
        QVERIFY(recent[0]->isEnabled());
        QVERIFY(!recent[0]->text().contains(QStringLiteral("(missing)")));
        QVERIFY(!recent[1]->isEnabled());
        QVERIFY2(recent[1]->text().contains(QStringLiteral("(missing)")), qPrintable(recent[1]->text()));
        QSignalSpy changed(&page, &ui::StartPage::recentFilesChanged);
        auto* clear = page.findChild<QAbstractButton*>(QStringLiteral("clearRecent"));
        QVERIFY(clear && clear->isEnabled());
        clear->click();
        QCOMPARE(changed.size(), 1);
        QVERIFY(page.recentButtons().isEmpty());
        QVERIFY(ui::AppSettings().recentFiles().isEmpty());
        QVERIFY(!clear->isEnabled());
    }

    void closeReturnsToTheStartPage() {
        ui::MainWindow window;
        QVERIFY(window.openExperiment(test::sourcePath(QStringLiteral("resources/experiments/batch.yaml"))));
        QVERIFY(!window.isStartPageShown());
        window.showStartPage();
        QVERIFY(window.isStartPageShown());
        QCOMPARE(buttonPaths(window.startPage()->recentButtons()).value(0),
                 QFileInfo(test::sourcePath(QStringLiteral("resources/experiments/batch.yaml"))).absoluteFilePath());
    }

    void connectClusterMakesAValidKnativeExperiment() {
        const QString kubeconfig = m_dir.filePath(QStringLiteral("kube/config"));
        QVERIFY(writeFile(kubeconfig, twoContextKubeconfig()));
        ui::MainWindow window;
        ui::StartPage* page = window.startPage();
        QVERIFY2(page->chooseKubeconfig(kubeconfig), qPrintable(page->clusterError()));
        QCOMPARE(page->kubeconfigContexts(), (QStringList{QStringLiteral("kind-bench"), QStringLiteral("staging")}));
        QVERIFY(page->clusterError().isEmpty());
        QVERIFY(page->createClusterExperiment(QStringLiteral("staging")));

        QVERIFY(!window.isStartPageShown());
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Setup);
        QVERIFY(window.document()->path().isEmpty()); // new, unsaved
        QVERIFY(window.document()->isModified());
        const auto experiment = window.document()->experiment();
        QVERIFY2(experiment.has_value(), qPrintable(window.document()->text()));
        const auto& platform = experiment->platforms.at(experiment->platform);
        QVERIFY(platform.type == model::PlatformType::Knative);
        QCOMPARE(QString::fromStdString(platform.kubeconfig), QFileInfo(kubeconfig).absoluteFilePath());
        QCOMPARE(platform.context, std::string("staging"));
    }

    void connectClusterDefaultsToTheCurrentContext() {
        const QString kubeconfig = m_dir.filePath(QStringLiteral("kube/config"));
        QVERIFY(writeFile(kubeconfig, twoContextKubeconfig()));
        ui::StartPage page;
        QSignalSpy requested(&page, &ui::StartPage::clusterExperimentRequested);
        QVERIFY(page.chooseKubeconfig(kubeconfig));
        auto* create = page.findChild<QAbstractButton*>(QStringLiteral("createClusterExperiment"));
        QVERIFY(create && create->isEnabled());
        create->click();
        QCOMPARE(requested.size(), 1);
        QVERIFY(requested.at(0).at(0).toString().contains(QStringLiteral("context: 'kind-bench'")));
    }

    void connectClusterErrorsStayInThePage_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("create");
        QTest::newRow("no contexts") << QByteArray("apiVersion: v1\nkind: Config\nclusters: []\n") << true;
        QTest::newRow("not yaml") << QByteArray("contexts: [unclosed\n") << true;
        QTest::newRow("missing file") << QByteArray() << false;
    }

    void connectClusterErrorsStayInThePage() {
        QFETCH(QByteArray, text);
        QFETCH(bool, create);
        const QString path = m_dir.filePath(QStringLiteral("bad-%1").arg(QString::fromLatin1(QTest::currentDataTag())));
        if (create)
            QVERIFY(writeFile(path, text));
        ui::StartPage page;
        QSignalSpy requested(&page, &ui::StartPage::clusterExperimentRequested);
        QVERIFY(!page.chooseKubeconfig(path));
        QVERIFY(!page.clusterError().isEmpty());
        QVERIFY(!page.createClusterExperiment(QStringLiteral("anything")));
        QCOMPARE(requested.size(), 0);
        QVERIFY(!page.clusterError().isEmpty());
    }

    void screenshots() {
        const QString kubeconfig = m_dir.filePath(QStringLiteral("kube/config"));
        QVERIFY(writeFile(kubeconfig, twoContextKubeconfig()));
        ui::AppSettings settings;
        settings.addRecentFile(m_dir.filePath(QStringLiteral("old-experiment.yaml"))); // missing
        settings.addRecentFile(test::sourcePath(QStringLiteral("resources/experiments/autoscaling.yaml")));
        settings.addRecentFile(test::sourcePath(QStringLiteral("resources/experiments/local-quickstart.yaml")));
        for (const auto& [theme, name] : {std::pair{ui::Theme::Light, QStringLiteral("start-light")},
                                          std::pair{ui::Theme::Dark, QStringLiteral("start-dark")}}) {
            ui::applyTheme(theme);
            ui::MainWindow window;
            window.resize(1280, 860);
            QVERIFY(window.isStartPageShown());
            if (theme == ui::Theme::Dark)
                QVERIFY(window.startPage()->chooseKubeconfig(kubeconfig)); // the context picker, open
            QVERIFY(QFileInfo(test::saveScreenshot(window, name)).size() > 0);
        }
        ui::applyTheme(ui::Theme::System);
    }

private:
    QTemporaryDir m_settings;
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestStartPage)
#include "tst_start_page.moc"
