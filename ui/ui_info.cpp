#include "ui/ui_info.h"

#include <QtGlobal>

namespace faaswb::ui {

QString qtVersionString() {
    return QString::fromLatin1(qVersion());
}

} // namespace faaswb::ui
