// Settings: AppSettings round-trips through QSettings (a new instance reads what another wrote), clamps and defaults;
// the Settings dialog shows and stores the values; theme Dark/Light/System reaches the application palette (and the
// charts' darkPalette()); the live refresh period reaches the dashboard's EngineBridge. Screenshot of the dialog.
#include "ui/charts/chart_axes.h"
#include "ui/live/dashboard_page.h"
#include "ui/live/engine_bridge.h"
#include "ui/live/experiment_run.h"
#include "ui/main_window.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/settings_dialog.h"
#include "ui/settings/theme.h"
#include "ui_testutils.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace faaswb;

namespace {

int windowLightness() {
    return QApplication::palette().color(QPalette::Window).lightness();
}

QAction* actionWithShortcut(QWidget& window, const QKeySequence& shortcut) {
    const auto actions = window.findChildren<QAction*>();
    for (QAction* action : actions)
        if (action->shortcut() == shortcut)
            return action;
    return nullptr;
}

} // namespace

class TestSettings : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_settings.isValid() && m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    }

    void init() { QSettings().clear(); }
    void cleanupTestCase() { ui::applyTheme(ui::Theme::System); }

    void defaults() {
        const ui::AppSettings settings;
        QCOMPARE(settings.databasePath(), m_dir.filePath(QStringLiteral("data/faas-workbench/results.db")));
        QVERIFY(settings.theme() == ui::Theme::System);
        QCOMPARE(settings.refreshMs(), 200);
        QVERIFY(settings.recentFiles().isEmpty());
    }

    void roundTripsThroughQSettings() {
        {
            ui::AppSettings writer;
            writer.setDatabasePath(m_dir.filePath(QStringLiteral("mine.db")));
            writer.setTheme(ui::Theme::Dark);
            writer.setRefreshMs(750);
            writer.addRecentFile(QStringLiteral("/tmp/a.yaml"));
            writer.addRecentFile(QStringLiteral("/tmp/b.yaml"));
            writer.addRecentFile(QStringLiteral("/tmp/a.yaml")); // moves to the front, not twice
        }
        const ui::AppSettings reader;
        QCOMPARE(reader.databasePath(), m_dir.filePath(QStringLiteral("mine.db")));
        QVERIFY(reader.theme() == ui::Theme::Dark);
        QCOMPARE(reader.refreshMs(), 750);
        QCOMPARE(reader.recentFiles(), (QStringList{QStringLiteral("/tmp/a.yaml"), QStringLiteral("/tmp/b.yaml")}));
        // and really in the settings file, under readable keys
        const QSettings raw;
        QCOMPARE(raw.value(QStringLiteral("appearance/theme")).toString(), QStringLiteral("dark"));
        QCOMPARE(raw.value(QStringLiteral("live/refreshMs")).toInt(), 750);
    }

    void clampsAndRejectsBadValues() {
        ui::AppSettings settings;
        settings.setRefreshMs(5);
        QCOMPARE(settings.refreshMs(), ui::AppSettings::kMinRefreshMs);
        settings.setRefreshMs(60'000);
        QCOMPARE(settings.refreshMs(), ui::AppSettings::kMaxRefreshMs);
        QSettings().setValue(QStringLiteral("live/refreshMs"), QStringLiteral("fast"));
        QCOMPARE(settings.refreshMs(), ui::AppSettings::kDefaultRefreshMs);
        QSettings().setValue(QStringLiteral("appearance/theme"), QStringLiteral("purple"));
        QVERIFY(settings.theme() == ui::Theme::System);
        for (int i = 0; i < 20; ++i)
            settings.addRecentFile(QStringLiteral("/tmp/%1.yaml").arg(i));
        QCOMPARE(settings.recentFiles().size(), ui::AppSettings::kMaxRecentFiles);
        QCOMPARE(settings.recentFiles().value(0), QStringLiteral("/tmp/19.yaml"));
    }

    void dialogShowsAndStoresValues() {
        ui::AppSettings settings;
        settings.setTheme(ui::Theme::Light);
        settings.setRefreshMs(400);
        ui::SettingsDialog dialog;
        QVERIFY(dialog.theme() == ui::Theme::Light);
        QCOMPARE(dialog.refreshMs(), 400);
        QCOMPARE(dialog.databasePath(), settings.databasePath());
        dialog.findChild<QLineEdit*>(QStringLiteral("databasePath"))->setText(m_dir.filePath(QStringLiteral("d.db")));
        auto* theme = dialog.findChild<QComboBox*>(QStringLiteral("theme"));
        theme->setCurrentIndex(theme->findText(QStringLiteral("Dark")));
        dialog.findChild<QSpinBox*>(QStringLiteral("refreshMs"))->setValue(1500);
        QSignalSpy applied(&dialog, &ui::SettingsDialog::applied);
        dialog.accept();
        QCOMPARE(applied.size(), 1);
        QCOMPARE(settings.databasePath(), m_dir.filePath(QStringLiteral("d.db")));
        QVERIFY(settings.theme() == ui::Theme::Dark);
        QCOMPARE(settings.refreshMs(), 1500);
    }

    void themeChangesTheApplicationPalette() {
        ui::applyTheme(ui::Theme::Dark);
        QVERIFY2(windowLightness() < 80, qPrintable(QString::number(windowLightness())));
        QVERIFY(ui::charts::darkPalette()); // the charts follow
        ui::applyTheme(ui::Theme::Light);
        QVERIFY2(windowLightness() > 200, qPrintable(QString::number(windowLightness())));
        QVERIFY(!ui::charts::darkPalette());
        ui::applyTheme(ui::Theme::System);
        QCOMPARE(QApplication::palette().color(QPalette::Window),
                 QApplication::style()->standardPalette().color(QPalette::Window));
    }

    // File ▸ Settings… (Ctrl+,) in the main window: the dialog's values reach the window at once.
    void settingsMenuAppliesToTheWindow() {
        ui::MainWindow window;
        QCOMPARE(static_cast<int>(window.experimentRun()->bridge()->refreshInterval().count()), 200);
        QAction* open = actionWithShortcut(window, QKeySequence(Qt::CTRL | Qt::Key_Comma));
        QVERIFY(open);
        open->trigger();
        auto* dialog = window.findChild<ui::SettingsDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        dialog->setValues(m_dir.filePath(QStringLiteral("window.db")), ui::Theme::Dark, 900);
        dialog->accept();
        QCOMPARE(static_cast<int>(window.experimentRun()->bridge()->refreshInterval().count()), 900);
        QCOMPARE(window.dashboardPage()->refreshInterval(), 900);
        QCOMPARE(window.database(), m_dir.filePath(QStringLiteral("window.db")));
        QVERIFY(windowLightness() < 80);
        ui::applyTheme(ui::Theme::System);
    }

    void storedRefreshIsReadAtStart() {
        ui::AppSettings().setRefreshMs(1200);
        ui::MainWindow window;
        QCOMPARE(static_cast<int>(window.experimentRun()->bridge()->refreshInterval().count()), 1200);
    }

    void screenshot() {
        ui::applyTheme(ui::Theme::Light);
        ui::AppSettings settings;
        settings.setDatabasePath(QDir::homePath() + QStringLiteral("/.local/share/faas-workbench/results.db"));
        settings.setRefreshMs(200);
        ui::SettingsDialog dialog;
        QVERIFY(QFileInfo(test::saveScreenshot(dialog, QStringLiteral("settings"))).size() > 0);
        ui::applyTheme(ui::Theme::System);
    }

private:
    QTemporaryDir m_settings;
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
