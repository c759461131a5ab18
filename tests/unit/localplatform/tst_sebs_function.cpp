// SeBS functions on the local platform: the local-path image form and its containment rule, requirements.txt parsing,
// the distribution -> module -> Debian package tables, and the importability check against the real python3.
#include "localplatform/sebs_function.h"
#include "localplatform/supervisor.h"
#include "testutils.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace faaswb;
using namespace faaswb::localplatform;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

fs::path addSebsBenchmark(const fs::path& dir, const std::string& requirements) {
    write(dir / "config.json", R"({"timeout": 10, "memory": 128, "languages": ["python"]})");
    write(dir / "python" / "function.py", "def handler(event):\n    return 1\n");
    write(dir / "python" / "requirements.txt", requirements);
    return dir;
}

QString messageOf(const Status& status) {
    return status.ok() ? QString() : QString::fromStdString(status.error().message);
}

} // namespace

class TestSebsFunction : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    fs::path m_base;
    fs::path m_root; // a benchmarks root holding only the Python wrapper

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_base = fs::canonical(m_dir.path().toStdString());
        m_root = m_base / "benchmarks";
        write(m_root / "wrappers" / "python" / "server.py", "# test\n");
    }

    void imageRoundTrip() {
        const std::string image = localPathImage("/srv/sebs/110.dynamic-html", "python");
        QCOMPARE(image, std::string("local-path/srv/sebs/110.dynamic-html:python"));
        QCOMPARE(localPathImageDir(image), std::optional<std::string>("/srv/sebs/110.dynamic-html"));
        QCOMPARE(localPathImageDir("local/010.sleep:python"), std::optional<std::string>());
        QCOMPARE(localPathImageDir("local-pathology:python"), std::optional<std::string>());
    }

    void resolvesSebsDirectory() {
        const fs::path dir = addSebsBenchmark(m_base / "sebs" / "120.hello", "");
        const auto command = resolveLocalImage(localPathImage(dir.string(), "python"), m_root.string(), "/nonexistent");
        QVERIFY2(command.ok(), command.ok() ? "" : command.error().message.c_str());
        QCOMPARE(command->args, (std::vector<std::string>{(m_root / "wrappers" / "python" / "server.py").string(),
                                                          (dir / "python" / "function.py").string()}));
    }

    void rejectsUnsafeOrIncompleteDirectories_data() {
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("expected");
        const QString base = QString::fromStdString(m_base.string());
        write(m_base / "no-config" / "python" / "function.py", "x = 1\n");
        addSebsBenchmark(m_base / "outside", "");
        write(m_base / "escape" / "config.json", "{}");
        fs::create_directories(m_base / "escape" / "python");
        fs::create_symlink(m_base / "outside" / "python" / "function.py", m_base / "escape" / "python" / "function.py");
        QTest::addRow("dot-dot") << "local-path" + base + "/sebs/../outside:python"
                                 << "expected local-path";
        QTest::addRow("no config.json") << "local-path" + base + "/no-config:python"
                                        << "has no config.json";
        QTest::addRow("missing dir") << "local-path" + base + "/nope:python"
                                     << "does not exist";
        QTest::addRow("other language") << "local-path" + base + "/outside:nodejs"
                                        << "Python wrapper only";
        QTest::addRow("function symlinked out") << "local-path" + base + "/escape:python"
                                                << "outside";
    }

    void rejectsUnsafeOrIncompleteDirectories() {
        QFETCH(QString, image);
        QFETCH(QString, expected);
        const auto command = resolveLocalImage(image.toStdString(), m_root.string(), "/nonexistent");
        QVERIFY(!command.ok());
        QCOMPARE(command.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(command.error().message).contains(expected), command.error().message.c_str());
    }

    void parsesRequirements() {
        const std::string text = "# comment\n"
                                 "Pillow>=9.0  # inline comment\n"
                                 "python-igraph==0.10.4\n"
                                 "requests[socks] ; python_version >= '3.8'\n"
                                 "-r other.txt\n"
                                 "--index-url https://example.invalid/simple\n"
                                 "git+https://example.invalid/repo.git\n"
                                 "\n"
                                 "  jinja2\n";
        QCOMPARE(parseRequirements(text), (std::vector<std::string>{"Pillow", "python-igraph", "requests", "jinja2"}));
    }

    void mapsDistributionsToModulesAndPackages_data() {
        QTest::addColumn<QString>("distribution");
        QTest::addColumn<QString>("module");
        QTest::addColumn<QString>("package");
        QTest::addRow("Pillow") << "Pillow"
                                << "PIL"
                                << "python3-pil";
        QTest::addRow("python-igraph") << "python-igraph"
                                       << "igraph"
                                       << "python3-igraph";
        QTest::addRow("scikit-learn") << "scikit_learn"
                                      << "sklearn"
                                      << "python3-sklearn";
        QTest::addRow("beautifulsoup4") << "beautifulsoup4"
                                        << "bs4"
                                        << "python3-bs4";
        QTest::addRow("PyYAML") << "PyYAML"
                                << "yaml"
                                << "python3-yaml";
        QTest::addRow("opencv-python") << "opencv-python"
                                       << "cv2"
                                       << "python3-opencv";
        QTest::addRow("Jinja2") << "Jinja2"
                                << "jinja2"
                                << "python3-jinja2";
        QTest::addRow("unknown") << "Some-Thing"
                                 << "some_thing"
                                 << "";
    }

    void mapsDistributionsToModulesAndPackages() {
        QFETCH(QString, distribution);
        QFETCH(QString, module);
        QFETCH(QString, package);
        QCOMPARE(QString::fromStdString(importNameFor(distribution.toStdString())), module);
        QCOMPARE(QString::fromStdString(debianPackageFor(module.toStdString())), package);
    }

    void acceptsInstalledModules() {
        if (findPython().empty())
            QSKIP("no python3 (set FAASWB_PYTHON)");
        const fs::path dir = addSebsBenchmark(m_base / "present", "json\nsys  # stdlib names are importable too\n");
        const Status status = checkPythonRequirements(dir.string());
        QVERIFY2(status.ok(), qPrintable(messageOf(status)));
        QVERIFY(checkPythonRequirements((m_base / "no-requirements-anywhere").string()).ok());
    }

    void namesMissingModules() {
        if (findPython().empty())
            QSKIP("no python3 (set FAASWB_PYTHON)");
        const fs::path dir = addSebsBenchmark(m_base / "missing", "json\ndefinitely_missing_mod_xyz>=1.0\nPillow\n");
        const Status status = checkPythonRequirements(dir.string());
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, ErrorCode::InvalidInput);
        const QString message = messageOf(status);
        QVERIFY2(message.startsWith(QStringLiteral("SeBS benchmark ") + QString::fromStdString(dir.string()) +
                                    QStringLiteral(": Python modules missing: ")),
                 qPrintable(message));
        QVERIFY2(
            message.contains(QStringLiteral("definitely_missing_mod_xyz (no Debian package known; install with pip)")),
            qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("json")), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestSebsFunction)
#include "tst_sebs_function.moc"
