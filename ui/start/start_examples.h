// What the start page offers: the quickstart and one example experiment per scenario type, found under the data
// root's resources/experiments (common/paths.h: build tree or installed, never an absolute path). Only files that
// exist are listed. Thread-safe (file system lookups only).
#pragma once

#include <QList>
#include <QString>

namespace faaswb::ui {

struct StartExample {
    QString type;        // scenario type, also the file's base name: "warm-latency"
    QString title;       // "Warm latency"
    QString description; // one line
    QString path;        // absolute path of resources/experiments/<type>.yaml
};

QString experimentsDir();            // <dataRoot>/resources/experiments
QString quickstartPath();            // local-quickstart.yaml there; empty when it does not exist
QList<StartExample> startExamples(); // in scenario order, existing files only

} // namespace faaswb::ui
