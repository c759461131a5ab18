#include "ui/settings/app_settings.h"

#include "common/paths.h"

#include <QSettings>
#include <algorithm>

namespace faaswb::ui {
namespace {

// The keys predate AppSettings (MainWindow wrote the first two): existing users keep their database and recent files.
const QString kDatabaseKey = QStringLiteral("results/database");
const QString kRecentKey = QStringLiteral("recentFiles");
const QString kThemeKey = QStringLiteral("appearance/theme");
const QString kRefreshKey = QStringLiteral("live/refreshMs");

} // namespace

QString themeName(Theme theme) {
    switch (theme) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

std::optional<Theme> themeFromName(const QString& name) {
    for (const Theme theme : {Theme::System, Theme::Light, Theme::Dark})
        if (name == themeName(theme))
            return theme;
    return std::nullopt;
}

QString AppSettings::defaultDatabasePath() {
    return QString::fromStdString(faaswb::defaultDatabasePath());
}

QString AppSettings::databasePath() const {
    const QString stored = QSettings().value(kDatabaseKey).toString();
    return stored.isEmpty() ? defaultDatabasePath() : stored;
}

void AppSettings::setDatabasePath(const QString& path) {
    if (path.isEmpty())
        QSettings().remove(kDatabaseKey);
    else
        QSettings().setValue(kDatabaseKey, path);
}

Theme AppSettings::theme() const {
    return themeFromName(QSettings().value(kThemeKey).toString()).value_or(Theme::System);
}

void AppSettings::setTheme(Theme theme) {
    QSettings().setValue(kThemeKey, themeName(theme));
}

int AppSettings::refreshMs() const {
    bool ok = false;
    const int stored = QSettings().value(kRefreshKey).toInt(&ok);
    return ok ? std::clamp(stored, kMinRefreshMs, kMaxRefreshMs) : kDefaultRefreshMs;
}

void AppSettings::setRefreshMs(int milliseconds) {
    QSettings().setValue(kRefreshKey, std::clamp(milliseconds, kMinRefreshMs, kMaxRefreshMs));
}

QStringList AppSettings::recentFiles() const {
    return QSettings().value(kRecentKey).toStringList();
}

void AppSettings::addRecentFile(const QString& path) {
    QStringList recent = recentFiles();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentFiles)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
}

void AppSettings::clearRecentFiles() {
    QSettings().remove(kRecentKey);
}

} // namespace faaswb::ui
