#include "ui/gui_main.h"

#include "common/paths.h"
#include "ui/export/chart_export.h"
#include "ui/main_window.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/theme.h"

#include <QApplication>
#include <QGuiApplication>
#include <QIcon>
#include <cstdio>
#include <cstdlib>

namespace faaswb::ui {
namespace {

// Without one of these Qt aborts with "could not connect to display"; a clear message and exit 2 serve better.
bool haveDisplay() {
    for (const char* variable : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        if (const char* value = std::getenv(variable); value && *value)
            return true;
    return false;
}

void describeApplication() {
    // QSettings (AppSettings): ~/.config/faas-workbench/faas-workbench.conf, where earlier versions kept it too.
    QCoreApplication::setOrganizationName(QStringLiteral("faas-workbench"));
    QCoreApplication::setApplicationName(QStringLiteral("faas-workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FAASWB_VERSION));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("FaaS Workbench"));
    QGuiApplication::setDesktopFileName(QStringLiteral("faas-workbench"));
}

// Runs `work` inside a QApplication: the running one, or an offscreen one for this call only (QtCharts charts are
// QGraphicsWidgets and need a QApplication, not just a QGuiApplication; a static one would be destroyed after Qt's own
// globals at exit and crash there).
template <typename Work>
auto withWidgetsApplication(Work work) {
    if (QCoreApplication::instance())
        return work();
    qputenv("QT_QPA_PLATFORM", "offscreen"); // nothing is shown; works without a display
    int argc = 1;
    char name[] = "faas-workbench";
    char* argv[] = {name, nullptr};
    QApplication application(argc, argv);
    return work();
}

Result<std::vector<std::string>> exportSummaryChartsHeadless(results::ResultStore& store,
                                                             const std::vector<std::int64_t>& runIds,
                                                             const std::string& format, const std::string& outDir) {
    return withWidgetsApplication([&] { return exportSummaryCharts(store, runIds, format, outDir); });
}

} // namespace

cli::FrontEnd frontEnd() {
    cli::FrontEnd front;
    front.gui = runGui;
    front.exportCharts = exportChartsHeadless;
    front.exportSummaryCharts = exportSummaryChartsHeadless;
    return front;
}

int runGui(int argc, char** argv, const std::string& experimentFile, const std::string& databasePath) {
    if (!haveDisplay()) {
        std::fprintf(stderr, "error: no display (DISPLAY / WAYLAND_DISPLAY unset); the workbench runs headless "
                             "with 'faas-workbench run FILE' (see 'faas-workbench --help')\n");
        return 2;
    }
    describeApplication();
    QApplication application(argc, argv);
    // The installed theme icon first; the copy compiled into the executable (app/CMakeLists.txt) in the build tree.
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("dev.faaswb.Workbench"),
                                                 QIcon(QStringLiteral(":/icons/dev.faaswb.Workbench.svg"))));
    // Wayland compositors match windows to their .desktop entry by this name.
    QGuiApplication::setDesktopFileName(QStringLiteral("dev.faaswb.Workbench"));
    applyTheme(AppSettings().theme());
    MainWindow window;
    if (!databasePath.empty())
        window.setDatabase(QString::fromStdString(databasePath));
    if (!experimentFile.empty())
        window.openExperiment(QString::fromStdString(experimentFile));
    window.show();
    return QApplication::exec();
}

Status exportChartsHeadless(results::ResultStore& store, const std::vector<std::int64_t>& runIds,
                            const std::string& format, const std::string& outDir) {
    return withWidgetsApplication([&] { return exportRunCharts(store, runIds, format, outDir); });
}

} // namespace faaswb::ui
