// SetupPage: form <-> YAML sync, inline validation, Run, undo, drop, "Test connection", screenshots.
#include "ui/setup/experiment_document.h"
#include "ui/setup/load_shape_preview.h"
#include "ui/setup/setup_page.h"
#include "ui_testutils.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QUndoStack>
#include <QUrl>
#include <memory>

using faaswb::ui::ExperimentDocument;
using faaswb::ui::SetupPage;

namespace {

QString sourceFile(const QString& relative) {
    return qEnvironmentVariable("FAASWB_SOURCE_ROOT") + QLatin1Char('/') + relative;
}

struct Fixture {
    ExperimentDocument document;
    std::unique_ptr<SetupPage> page;

    Fixture()
        : page(std::make_unique<SetupPage>(&document)) {
        page->resize(1400, 900);
        page->show();
    }
    QPlainTextEdit* yaml() const { return page->findChild<QPlainTextEdit*>(QStringLiteral("yamlView")); }
    QPushButton* run() const { return page->findChild<QPushButton*>(QStringLiteral("runButton")); }
    QLineEdit* line(const QString& path) const { return qobject_cast<QLineEdit*>(page->editorFor(path)); }
};

void retype(QLineEdit* edit, const QString& text) {
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

} // namespace

class TestSetupPage : public QObject {
    Q_OBJECT
private slots:
    void init() { faaswb::test::applyTheme(faaswb::test::Theme::Light); }
    void formEditUpdatesYaml();
    void yamlEditUpdatesForm();
    void invalidValueShowsInlineMessage();
    void undoViaPage();
    void dropLoadsFile();
    void addScenarioFromForm();
    void newScenarioKeysSurviveFormEdits();
    void testConnectionReportsSuccessAndFailure();
    void screenshots();
};

void TestSetupPage::formEditUpdatesYaml() {
    Fixture f;
    QLineEdit* rate = f.line(QStringLiteral("scenarios[0].rate"));
    QVERIFY(rate);
    QCOMPARE(rate->text(), QStringLiteral("50"));
    retype(rate, QStringLiteral("75"));
    QCOMPARE(f.document.value(QStringLiteral("scenarios[0].rate")).toInt(), 75);
    QVERIFY2(f.yaml()->toPlainText().contains(QLatin1String("rate: 75,")), qPrintable(f.yaml()->toPlainText()));
    QCOMPARE(f.yaml()->toPlainText(), f.document.text());
    QCOMPARE(rate->text(), QStringLiteral("75"));

    QLineEdit* target = f.line(QStringLiteral("benchmarks[0].autoscaling.target"));
    QVERIFY(target);
    QCOMPARE(target->toolTip(), QStringLiteral("autoscaling.knative.dev/target"));
    QVERIFY(!target->placeholderText().isEmpty());
    retype(target, QStringLiteral("5"));
    QVERIFY(f.yaml()->toPlainText().contains(QLatin1String("target: 5")));
    QCOMPARE(faaswb::model::loadExperimentText(f.yaml()->toPlainText().toStdString(), "x.yaml")
                 .experiment->benchmarks[0]
                 .autoscaling.target.value_or(0),
             5.0);

    auto* python = f.page->findChild<QCheckBox*>();
    QVERIFY(python);
    const auto boxes = f.page->findChildren<QCheckBox*>();
    for (QCheckBox* box : boxes)
        if (box->text() == QLatin1String("python"))
            box->click();
    QCOMPARE(f.document.value(QStringLiteral("benchmarks[0].languages")).toStringList(),
             (QStringList{QStringLiteral("cpp"), QStringLiteral("python")}));
}

void TestSetupPage::yamlEditUpdatesForm() {
    Fixture f;
    QPlainTextEdit* yaml = f.yaml();
    const QString text = yaml->toPlainText();
    const int at = static_cast<int>(text.indexOf(QLatin1String("rate: 50"))) + 6;
    QTextCursor cursor = yaml->textCursor();
    cursor.setPosition(at);
    cursor.setPosition(at + 2, QTextCursor::KeepAnchor);
    yaml->setTextCursor(cursor);
    QTest::keyClicks(yaml, QStringLiteral("90"));
    QCOMPARE(f.document.text(), yaml->toPlainText());
    QCOMPARE(f.document.value(QStringLiteral("scenarios[0].rate")).toInt(), 90);
    QCOMPARE(f.line(QStringLiteral("scenarios[0].rate"))->text(), QStringLiteral("90"));
    QCOMPARE(yaml->textCursor().position(), at + 2); // the form's refresh did not move the cursor

    cursor.setPosition(static_cast<int>(yaml->toPlainText().indexOf(QLatin1String("new-experiment"))));
    cursor.movePosition(QTextCursor::EndOfWord, QTextCursor::KeepAnchor);
    yaml->setTextCursor(cursor);
    QTest::keyClicks(yaml, QStringLiteral("renamed"));
    QCOMPARE(f.line(QStringLiteral("name"))->text(), QStringLiteral("renamed-experiment"));
}

void TestSetupPage::invalidValueShowsInlineMessage() {
    Fixture f;
    QVERIFY(f.run()->isEnabled());
    QSignalSpy runRequested(f.page.get(), &SetupPage::runRequested);
    f.run()->click();
    QCOMPARE(runRequested.count(), 1);

    QLineEdit* rate = f.line(QStringLiteral("scenarios[0].rate"));
    retype(rate, QStringLiteral("fast"));
    const QStringList expected = f.document.issuesFor(QStringLiteral("scenarios[0].rate"));
    QCOMPARE(expected.size(), 1);
    QVERIFY(expected.front().startsWith(QLatin1String("scenarios[0].rate: ")));
    QCOMPARE(f.page->inlineMessageFor(QStringLiteral("scenarios[0].rate")), expected.front());
    QVERIFY(rate->property("invalid").toBool());
    QCOMPARE(rate->text(), QStringLiteral("fast")); // what was typed stays
    QVERIFY(!f.run()->isEnabled());
    QVERIFY(!f.yaml()->extraSelections().isEmpty());
    auto* issues = f.page->findChild<QListWidget*>(QStringLiteral("issueList"));
    QCOMPARE(issues->count(), 1);
    QVERIFY(issues->item(0)->text().contains(expected.front()));
    QVERIFY(f.page->inlineMessageFor(QStringLiteral("scenarios[0].duration")).isEmpty());
    faaswb::test::saveScreenshot(*f.page, QStringLiteral("setup-invalid"));

    retype(rate, QStringLiteral("60"));
    QVERIFY(f.page->inlineMessageFor(QStringLiteral("scenarios[0].rate")).isEmpty());
    QVERIFY(!rate->property("invalid").toBool());
    QVERIFY(f.run()->isEnabled());
    QVERIFY(f.yaml()->extraSelections().isEmpty());
}

void TestSetupPage::undoViaPage() {
    Fixture f;
    QApplication::setActiveWindow(f.page.get());
    QVERIFY(QTest::qWaitForWindowActive(f.page.get()));
    const QString original = f.document.text();
    QLineEdit* duration = f.line(QStringLiteral("scenarios[0].duration"));
    retype(duration, QStringLiteral("25s"));
    QVERIFY(f.document.text() != original);
    QTest::keyClick(duration, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(f.document.text(), original);
    QCOMPARE(f.yaml()->toPlainText(), original);
    QCOMPARE(duration->text(), QStringLiteral("10s"));
    QTest::keyClick(f.yaml(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(duration->text(), QStringLiteral("25s"));
}

void TestSetupPage::dropLoadsFile() {
    Fixture f;
    const QString file = sourceFile(QStringLiteral("resources/experiments/local-quickstart.yaml"));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(file)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(f.page.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(f.page.get(), &drop);
    QVERIFY(drop.isAccepted());
    QCOMPARE(f.document.path(), file);
    QCOMPARE(f.document.value(QStringLiteral("name")).toString(), QStringLiteral("local-quickstart"));
    QCOMPARE(f.line(QStringLiteral("name"))->text(), QStringLiteral("local-quickstart"));
    auto* list = f.page->findChild<QListWidget*>(QStringLiteral("scenarioList"));
    QCOMPARE(list->count(), 3);

    QMimeData text;
    text.setUrls({QUrl::fromLocalFile(QStringLiteral("/tmp/picture.png"))});
    QDragEnterEvent other(QPoint(10, 10), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    other.setAccepted(false);
    QApplication::sendEvent(f.page.get(), &other);
    QVERIFY(!other.isAccepted());
}

void TestSetupPage::addScenarioFromForm() {
    Fixture f;
    f.document.addScenario(QStringLiteral("autoscaling"));
    auto* list = f.page->findChild<QListWidget*>(QStringLiteral("scenarioList"));
    QCOMPARE(list->count(), 2);
    list->setCurrentRow(1);
    QCOMPARE(f.page->editorFor(QStringLiteral("scenarios[1].stages"))->objectName(), QStringLiteral("stagesTable"));
    QVERIFY(f.page->editorFor(QStringLiteral("scenarios[1].stages"))->isVisibleTo(f.page.get()));
    QVERIFY(!f.page->editorFor(QStringLiteral("scenarios[1].repetitions"))->isVisibleTo(f.page.get()));
}

// Issue 7's keys (repeat, thresholds, sweep) and types (trace-replay, perf-cost): the form edits what it has fields
// for and leaves the rest of the YAML text as written.
void TestSetupPage::newScenarioKeysSurviveFormEdits() {
    Fixture f;
    QString text = f.document.text();
    text.replace(QLatin1String("  - {name: warm, type: warm-latency, rate: 50, duration: 10s, warmup: 2s}\n"),
                 QStringLiteral("  - name: warm\n    type: warm-latency\n    rate: 50\n    duration: 10s\n"
                                "    repeat: 3\n    thresholds: [\"p99 < 200ms\"]\n"
                                "    sweep: {grid: {rate: [10, 50]}}\n"));
    f.document.setText(text);
    QLineEdit* repeat = f.line(QStringLiteral("scenarios[0].repeat"));
    QVERIFY(repeat);
    QCOMPARE(repeat->text(), QStringLiteral("3"));
    retype(repeat, QStringLiteral("5"));
    const QString edited = f.yaml()->toPlainText();
    QVERIFY2(edited.contains(QLatin1String("repeat: 5")), qPrintable(edited));
    QVERIFY2(edited.contains(QLatin1String("p99 < 200ms")) && edited.contains(QLatin1String("grid:")),
             qPrintable(edited));
    auto* type = qobject_cast<QComboBox*>(f.page->editorFor(QStringLiteral("scenarios[0].type")));
    QVERIFY(type);
    QVERIFY(type->findData(QStringLiteral("trace-replay")) >= 0);
    QVERIFY(type->findData(QStringLiteral("perf-cost")) >= 0);
    f.document.addScenario(QStringLiteral("perf-cost"));
    QCOMPARE(f.document.value(QStringLiteral("scenarios[1].memory")).toStringList(),
             (QStringList{QStringLiteral("128Mi"), QStringLiteral("256Mi")}));
    auto* list = f.page->findChild<QListWidget*>(QStringLiteral("scenarioList"));
    list->setCurrentRow(1);
    QVERIFY(f.page->editorFor(QStringLiteral("scenarios[1].repetitions"))->isVisibleTo(f.page.get()));
    QVERIFY(!f.page->editorFor(QStringLiteral("scenarios[1].rate"))->isVisibleTo(f.page.get()));
    QVERIFY(f.page->editorFor(QStringLiteral("scenarios[1].repeat"))->isVisibleTo(f.page.get()));
    f.document.addScenario(QStringLiteral("trace-replay"));
    list->setCurrentRow(2);
    QCOMPARE(f.document.value(QStringLiteral("scenarios[2].trace.format")).toString(), QStringLiteral("timestamps"));
    QVERIFY(!f.page->editorFor(QStringLiteral("scenarios[2].rate"))->isVisibleTo(f.page.get()));
}

void TestSetupPage::testConnectionReportsSuccessAndFailure() {
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const quint16 port = server.serverPort();
    Fixture f;
    QString text = f.document.text();
    text.replace(
        QLatin1String("platform: local\n"),
        QStringLiteral("platform: demo\nplatforms:\n  demo: {type: http, url: 'http://127.0.0.1:%1/'}\n").arg(port));
    f.document.setText(text);
    QCOMPARE(f.document.issues().size(), std::size_t(0));
    auto* button = f.page->findChild<QPushButton*>(QStringLiteral("testConnection"));
    auto* result = f.page->findChild<QLabel*>(QStringLiteral("connectionResult"));
    button->click();
    QVERIFY(!button->isEnabled()); // the probe runs on a worker thread: the click returned at once
    QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 10000);
    QVERIFY2(result->text().startsWith(QLatin1String("connected: http")), qPrintable(result->text()));

    server.close();
    button->click();
    QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 10000);
    QVERIFY2(result->text().startsWith(QStringLiteral("cannot connect to 127.0.0.1:%1: ").arg(port)),
             qPrintable(result->text()));
    QVERIFY(result->property("invalid").toBool());
}

void TestSetupPage::screenshots() {
    for (const auto theme : {faaswb::test::Theme::Light, faaswb::test::Theme::Dark}) {
        faaswb::test::applyTheme(theme);
        Fixture f;
        QString error;
        QVERIFY2(f.document.load(sourceFile(QStringLiteral("resources/experiments/local-quickstart.yaml")), &error),
                 qPrintable(error));
        auto* list = f.page->findChild<QListWidget*>(QStringLiteral("scenarioList"));
        list->setCurrentRow(2);
        QCOMPARE(f.page->editorFor(QStringLiteral("scenarios[2].stages"))->isVisibleTo(f.page.get()), true);
        auto* preview = f.page->findChild<faaswb::ui::LoadShapePreview*>();
        QVERIFY(preview);
        const QList<QPointF> ramp{{0, 10}, {5, 10}, {5, 300}, {20, 300}, {20, 0}, {35, 0}};
        QCOMPARE(preview->points(), ramp);
        faaswb::test::saveScreenshot(*f.page, theme == faaswb::test::Theme::Light ? QStringLiteral("setup-light")
                                                                                  : QStringLiteral("setup-dark"));
    }
}

QTEST_MAIN(TestSetupPage)
#include "tst_setup_page.moc"
