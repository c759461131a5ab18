// Replays every committed fuzz input (tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/) through the
// fuzz targets' entry functions in the normal build: none may crash, throw or break a checked property (which
// aborts). Regressions are the inputs that once crashed a target; the corpus keeps the ordinary paths covered.
#include "fuzz_entries.h"
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QtTest>
#include <exception>

using namespace faaswb;

class TstFuzzRegressions : public QObject {
    Q_OBJECT

private:
    // Runs every file of <folder>/<target>/; returns how many.
    static int replay(const QString& folder, fuzz::Target target) {
        const QString dir =
            test::sourcePath("tests/fuzz/" + folder + "/" +
                             QString::fromUtf8(fuzz::targetName(target).data(), fuzz::targetName(target).size()));
        int count = 0;
        for (const QFileInfo& info : QDir(dir).entryInfoList(QDir::Files, QDir::Name)) {
            QFile file(info.filePath());
            if (!file.open(QIODevice::ReadOnly)) {
                qWarning("cannot read %s", qPrintable(info.filePath()));
                return -1;
            }
            const QByteArray bytes = file.readAll();
            try {
                fuzz::run(target, {bytes.constData(), static_cast<std::size_t>(bytes.size())});
            } catch (const std::exception& error) {
                qWarning("%s threw: %s", qPrintable(info.filePath()), error.what());
                return -1;
            }
            ++count;
        }
        return count;
    }

private slots:
    void replaysInputs_data() {
        QTest::addColumn<int>("target");
        for (fuzz::Target target : fuzz::allTargets())
            QTest::newRow(fuzz::targetName(target).data()) << static_cast<int>(target);
    }

    void replaysInputs() {
        QFETCH(int, target);
        const auto which = static_cast<fuzz::Target>(target);
        const int seeds = replay("corpus", which);
        QVERIFY2(seeds > 0, "every target has a committed seed corpus");
        QVERIFY(replay("regressions", which) >= 0);
    }

    void namesRoundTrip() {
        for (fuzz::Target target : fuzz::allTargets())
            QCOMPARE(fuzz::targetNamed(fuzz::targetName(target)), std::optional<fuzz::Target>(target));
        QCOMPARE(fuzz::targetNamed("no_such_target"), std::optional<fuzz::Target>());
    }
};

QTEST_GUILESS_MAIN(TstFuzzRegressions)
#include "tst_fuzz_regressions.moc"
