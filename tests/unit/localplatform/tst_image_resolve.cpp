// resolveLocalImage(): `local/<benchmark-id>:<language>` images resolve to wrapper commands whose files exist, and
// every bad image gives a message naming the problem — including paths that escape the benchmarks root.
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

void touch(const fs::path& path, bool executable = false) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << (executable ? "#!/bin/sh\n" : "# test\n");
    if (executable)
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add);
}

void addBenchmark(const fs::path& root, const std::string& id, const std::vector<std::string>& languages) {
    touch(root / id / "benchmark.yaml");
    for (const auto& language : languages) {
        if (language == "python")
            touch(root / id / "python" / "function.py");
        else if (language == "nodejs")
            touch(root / id / "nodejs" / "function.js");
        else
            fs::create_directories(root / id / language);
    }
}

} // namespace

class TestImageResolve : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    fs::path m_root;
    fs::path m_bin;
    fs::path m_outside;

    std::string root() const { return m_root.string(); }
    std::string bin() const { return m_bin.string(); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const fs::path base = m_dir.path().toStdString();
        m_root = base / "benchmarks";
        m_bin = base / "bin";
        m_outside = base / "outside";
        touch(m_root / "wrappers" / "python" / "server.py");
        touch(m_root / "wrappers" / "nodejs" / "server.js");
        touch(m_bin / "faaswb-function-host", true);
        addBenchmark(m_root, "000.noop", {"cpp", "python", "nodejs"});
        addBenchmark(m_root, "010.sleep", {"cpp", "python"});
        // A benchmark folder that is a symlink out of the root, and one whose function file is.
        addBenchmark(m_outside, "999.evil", {"cpp", "python", "nodejs"});
        fs::create_directory_symlink(m_outside / "999.evil", m_root / "999.evil");
        addBenchmark(m_root, "020.cpu", {"cpp", "nodejs"});
        fs::create_directories(m_root / "020.cpu" / "python");
        fs::create_symlink(m_outside / "999.evil" / "python" / "function.py",
                           m_root / "020.cpu" / "python" / "function.py");
    }

    void cpp() {
        const auto command = resolveLocalImage("local/000.noop:cpp", root(), bin());
        QVERIFY2(command.ok(), command.ok() ? "" : command.error().message.c_str());
        QCOMPARE(command->program, (m_bin / "faaswb-function-host").string());
        QCOMPARE(command->args, std::vector<std::string>{"000.noop"});
    }

    void interpreters_data() {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("wrapper");
        QTest::addColumn<QString>("function");
        QTest::addRow("python") << "python"
                                << "server.py"
                                << "function.py";
        QTest::addRow("nodejs") << "nodejs"
                                << "server.js"
                                << "function.js";
    }
    void interpreters() {
        QFETCH(QString, language);
        QFETCH(QString, wrapper);
        QFETCH(QString, function);
        const std::string lang = language.toStdString();
        const auto command = resolveLocalImage("local/000.noop:" + lang, root(), bin());
        if (!command.ok() && command.error().message.find("runtime not installed") != std::string::npos)
            QSKIP(command.error().message.c_str());
        QVERIFY2(command.ok(), command.ok() ? "" : command.error().message.c_str());
        QVERIFY(fs::exists(command->program));
        QCOMPARE(command->args.size(), std::size_t(2));
        QCOMPARE(command->args[0], (m_root / "wrappers" / lang / wrapper.toStdString()).string());
        QCOMPARE(command->args[1], (m_root / "000.noop" / lang / function.toStdString()).string());
        for (const auto& arg : command->args)
            QVERIFY(fs::exists(arg));
    }

    void realBenchmarks() {
        const std::string benchmarks = faaswb::test::sourcePath(QStringLiteral("benchmarks")).toStdString();
        const auto command = resolveLocalImage("local/010.sleep:python", benchmarks, bin());
        if (!command.ok() && command.error().message.find("runtime not installed") != std::string::npos)
            QSKIP(command.error().message.c_str());
        QVERIFY2(command.ok(), command.ok() ? "" : command.error().message.c_str());
        QVERIFY(command->args[1].ends_with("010.sleep/python/function.py"));
        QVERIFY(fs::exists(command->args[1]));
    }

    void errors_data() {
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("expected");
        QTest::addRow("not local") << "docker.io/foo:python"
                                   << "is not a local image";
        QTest::addRow("no language") << "local/000.noop"
                                     << "names no language";
        QTest::addRow("empty id") << "local/:python"
                                  << "must be a folder name";
        QTest::addRow("unknown language") << "local/000.noop:pyton"
                                          << "did you mean 'python'";
        QTest::addRow("unknown benchmark") << "local/000.nop:python"
                                           << "unknown benchmark '000.nop' (did you mean "
                                              "'000.noop'?)";
        QTest::addRow("unknown, no suggestion") << "local/zzz:python"
                                                << "unknown benchmark 'zzz'";
        QTest::addRow("wrappers is no benchmark") << "local/wrappers:python"
                                                  << "unknown benchmark 'wrappers'";
        QTest::addRow("language missing") << "local/010.sleep:nodejs"
                                          << "benchmark '010.sleep' has no nodejs version (it provides: cpp, python)";
        QTest::addRow("slash in id") << "local/000.noop/../x:python"
                                     << "must be a folder name";
        QTest::addRow("dot dot id") << "local/..:python"
                                    << "must be a folder name";
        QTest::addRow("dot dot language") << "local/000.noop:../../etc"
                                          << "must be one of";
        QTest::addRow("slash language") << "local/000.noop:python/x"
                                        << "must be one of";
        QTest::addRow("symlinked benchmark") << "local/999.evil:python"
                                             << "outside the benchmarks folder";
        QTest::addRow("symlinked benchmark cpp") << "local/999.evil:cpp"
                                                 << "outside the benchmarks folder";
        QTest::addRow("symlinked function") << "local/020.cpu:python"
                                            << "outside the benchmarks folder";
    }
    void errors() {
        QFETCH(QString, image);
        QFETCH(QString, expected);
        const auto command = resolveLocalImage(image.toStdString(), root(), bin());
        QVERIFY(!command.ok());
        QCOMPARE(command.error().code, ErrorCode::InvalidInput);
        const QString message = QString::fromStdString(command.error().message);
        QVERIFY2(message.contains(expected), qPrintable(message));
    }

    void missingRuntime() {
        const auto cpp = resolveLocalImage("local/000.noop:cpp", root(), (m_root / "nowhere").string());
        QVERIFY(!cpp.ok());
        QVERIFY2(cpp.error().message.find("runtime not installed") != std::string::npos, cpp.error().message.c_str());

        qputenv("FAASWB_NODE", "");
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", QByteArray::fromStdString(m_root.string()));
        const auto node = resolveLocalImage("local/000.noop:nodejs", root(), bin());
        qputenv("PATH", path);
        QVERIFY(!node.ok());
        QVERIFY2(node.error().message.find("runtime not installed") != std::string::npos, node.error().message.c_str());
    }

    void missingRoot() {
        const auto command = resolveLocalImage("local/000.noop:cpp", (m_root / "absent").string(), bin());
        QVERIFY(!command.ok());
        QVERIFY(command.error().message.find("does not exist") != std::string::npos);
    }

    void executableDirIsOurs() {
        QCOMPARE(QString::fromStdString(executableDir()), QCoreApplication::applicationDirPath());
    }
};

QTEST_GUILESS_MAIN(TestImageResolve)
#include "tst_image_resolve.moc"
