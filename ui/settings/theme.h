// The application-wide theme: Light and Dark are explicit palettes on the Fusion style (the same look on every
// desktop); System gives back the style the program started with and its standard palette. Charts follow the palette
// (ui/charts/chart_axes.h darkPalette()). UI thread only.
#pragma once

#include "ui/settings/app_settings.h"

namespace faaswb::ui {

void applyTheme(Theme theme); // needs a QApplication

} // namespace faaswb::ui
