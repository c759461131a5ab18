// AppSettings: the one typed view of the workbench's QSettings — results database, theme, live refresh period and
// recent files. Every getter reads the stored value (so two instances always agree); setters write at once. Values
// out of range are clamped, unknown ones fall back to the default. UI thread only (QSettings is not shared).
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace faaswb::ui {

enum class Theme { System, Light, Dark };

QString themeName(Theme theme);                          // "system" | "light" | "dark"
std::optional<Theme> themeFromName(const QString& name); // nullopt for anything else

class AppSettings {
public:
    static constexpr int kMinRefreshMs = 100;
    static constexpr int kMaxRefreshMs = 2000;
    static constexpr int kDefaultRefreshMs = 200;
    static constexpr int kMaxRecentFiles = 8;

    static QString defaultDatabasePath(); // faaswb::defaultDatabasePath(): under $XDG_DATA_HOME

    QString databasePath() const;
    void setDatabasePath(const QString& path); // empty resets to the default

    Theme theme() const;
    void setTheme(Theme theme);

    int refreshMs() const;
    void setRefreshMs(int milliseconds);

    QStringList recentFiles() const; // newest first
    void addRecentFile(const QString& path);
    void clearRecentFiles();
};

} // namespace faaswb::ui
