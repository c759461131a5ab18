#include "ui/settings/settings_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QVBoxLayout>

namespace faaswb::ui {
namespace {

QLabel* hintLabel(const QString& text) {
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    label->setMinimumWidth(440);                         // wraps at the field's width, not at a narrow default
    label->setForegroundRole(QPalette::PlaceholderText); // a hint, quieter than the fields
    QFont small = label->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    label->setFont(small);
    return label;
}

} // namespace

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setVerticalSpacing(6);

    form->addRow(tr("Results database:"), buildDatabaseRow());
    form->addRow(
        QString(),
        hintLabel(tr("Every run is stored here (SQLite). Default: %1").arg(AppSettings::defaultDatabasePath())));

    m_theme = new QComboBox;
    m_theme->setObjectName(QStringLiteral("theme"));
    m_theme->addItem(tr("System"), QVariant::fromValue(static_cast<int>(Theme::System)));
    m_theme->addItem(tr("Light"), QVariant::fromValue(static_cast<int>(Theme::Light)));
    m_theme->addItem(tr("Dark"), QVariant::fromValue(static_cast<int>(Theme::Dark)));
    form->addRow(tr("Theme:"), m_theme);

    m_refresh = new QSpinBox;
    m_refresh->setObjectName(QStringLiteral("refreshMs"));
    m_refresh->setRange(AppSettings::kMinRefreshMs, AppSettings::kMaxRefreshMs);
    m_refresh->setSingleStep(50);
    m_refresh->setSuffix(tr(" ms"));
    form->addRow(tr("Live refresh:"), m_refresh);
    form->addRow(QString(), hintLabel(tr("How often the live dashboard redraws while a run is going. Longer periods "
                                         "leave more CPU to the load generator.")));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply |
                                         QDialogButtonBox::RestoreDefaults);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            &SettingsDialog::restoreDefaults);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 18, 18, 12);
    layout->addLayout(form);
    layout->addStretch();
    layout->addSpacing(8);
    layout->addWidget(buttons);

    const AppSettings settings;
    setValues(settings.databasePath(), settings.theme(), settings.refreshMs());
    resize(620, sizeHint().height());
}

QWidget* SettingsDialog::buildDatabaseRow() {
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    m_database = new QLineEdit;
    m_database->setObjectName(QStringLiteral("databasePath"));
    m_database->setClearButtonEnabled(true);
    m_database->setPlaceholderText(AppSettings::defaultDatabasePath());
    auto* browse = new QPushButton(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseDatabase);
    layout->addWidget(m_database, 1);
    layout->addWidget(browse);
    return row;
}

QString SettingsDialog::databasePath() const {
    const QString text = m_database->text().trimmed();
    return text.isEmpty() ? AppSettings::defaultDatabasePath() : text;
}

Theme SettingsDialog::theme() const {
    return static_cast<Theme>(m_theme->currentData().toInt());
}

int SettingsDialog::refreshMs() const {
    return m_refresh->value();
}

void SettingsDialog::setValues(const QString& databasePath, Theme theme, int refreshMs) {
    m_database->setText(databasePath);
    m_theme->setCurrentIndex(m_theme->findData(static_cast<int>(theme)));
    m_refresh->setValue(refreshMs);
}

void SettingsDialog::apply() {
    AppSettings settings;
    settings.setDatabasePath(databasePath());
    settings.setTheme(theme());
    settings.setRefreshMs(refreshMs());
    emit applied();
}

void SettingsDialog::accept() {
    apply();
    QDialog::accept();
}

void SettingsDialog::browseDatabase() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Results database"), databasePath(),
                                                      tr("SQLite databases (*.db *.sqlite);;All files (*)"), nullptr,
                                                      QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty())
        m_database->setText(path);
}

void SettingsDialog::restoreDefaults() {
    setValues(AppSettings::defaultDatabasePath(), Theme::System, AppSettings::kDefaultRefreshMs);
}

} // namespace faaswb::ui
