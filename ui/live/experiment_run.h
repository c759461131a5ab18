// ExperimentRun: runs one experiment from the GUI — platform, results writer and Runner on a worker thread, with an
// EngineBridge attached — and reports the end on the UI thread. Stop cancels cleanly; partial results stay in the DB.
// Create, start and stop on the UI thread.
#pragma once

#include "model/experiment.h"

#include <QObject>
#include <QString>
#include <memory>

namespace faaswb::ui {

class EngineBridge;

struct RunFinish {
    int exitCode = 0;     // the CLI's exit codes: 0 ok, 2 invalid input, 3 platform/target error, 130 cancelled
    QString summary;      // one line per cell: "run 12  warm · 010.sleep · python  complete"
    QList<qint64> runIds; // runs stored in the database
    QString error;        // why it failed, empty when it did not
};

class ExperimentRun : public QObject {
    Q_OBJECT
public:
    explicit ExperimentRun(QObject* parent = nullptr);
    ~ExperimentRun() override; // stops and joins a run still going

    // Starts the run on a worker thread; false (with `error` set) when it cannot start (DB not writable, unknown
    // platform...). `platformName` empty = the experiment's own. Creating the platform (the local one starts its
    // daemon) happens on the worker thread, so its failures arrive through finished() (exit code 2 or 3, `error` set).
    bool start(const model::Experiment& experiment, const QString& databasePath, const QString& platformName,
               QString* error);
    void stop(); // asks the run to stop; finished() follows
    bool isRunning() const;
    EngineBridge* bridge() const; // valid for the object's lifetime; reused by successive runs
    QString databasePath() const;

signals:
    void started();
    void finished(const faaswb::ui::RunFinish& finish);

private:
    class Worker;
    std::unique_ptr<Worker> m_worker;
    EngineBridge* m_bridge;
    QString m_databasePath;
};

} // namespace faaswb::ui

Q_DECLARE_METATYPE(faaswb::ui::RunFinish)
