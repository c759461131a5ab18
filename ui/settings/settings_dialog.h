// SettingsDialog (File ▸ Settings…): results database (with Browse…), theme (System / Light / Dark) and the live
// dashboard's refresh period. OK and Apply store the values in AppSettings and emit applied(); the owner applies
// them to the running program at once. UI thread only.
#pragma once

#include "ui/settings/app_settings.h"

#include <QDialog>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLineEdit;
class QSpinBox;
QT_END_NAMESPACE

namespace faaswb::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr); // shows the stored values

    // The edited values (for tests and the owner).
    QString databasePath() const;
    Theme theme() const;
    int refreshMs() const;
    void setValues(const QString& databasePath, Theme theme, int refreshMs);

    void apply(); // stores the edited values, then emits applied()
    void accept() override;

signals:
    void applied();

private:
    QLineEdit* m_database = nullptr;
    QComboBox* m_theme = nullptr;
    QSpinBox* m_refresh = nullptr;

    QWidget* buildDatabaseRow();
    void browseDatabase();
    void restoreDefaults();
};

} // namespace faaswb::ui
