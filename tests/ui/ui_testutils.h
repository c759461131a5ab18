// Helpers for the UI suites: screenshots saved as build artifacts (<build>/screenshots/<name>.png) and a light or
// dark palette applied to the whole application. Main thread only.
#pragma once

#include <QString>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace faaswb::test {

enum class Theme { Light, Dark };
void applyTheme(Theme theme); // Fusion style with a light or dark palette
QString screenshotDir();      // created when missing
// Renders the widget (shown, laid out, events processed) into screenshotDir()/<name>.png; returns the path.
QString saveScreenshot(QWidget& widget, const QString& name);

} // namespace faaswb::test
