// What the GUI layer is built against, for --version and about boxes. Called from any thread.
#pragma once

#include <QString>

namespace faaswb::ui {

QString qtVersionString();

} // namespace faaswb::ui
