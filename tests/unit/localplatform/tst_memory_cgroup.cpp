// cgroup v2 memory-limit detection on synthetic /proc and /sys trees (every branch of detectMemoryCgroup), the
// instance group's control files, the child's async-signal-safe join through a pre-opened fd, the status annotation
// and resources.limits.memory in the revision template.
#include "localplatform/memory_cgroup.h"
#include "localplatform/revision_template.h"
#include "localplatform/supervisor_process.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace faaswb;
using namespace faaswb::localplatform;

namespace {

constexpr int kPid = 4242;
const char* const kV1Memory = "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n";
const char* const kHybridV2 = "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
const char* const kPureV2 = "29 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

void writeFile(const std::string& path, const std::string& content) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << content;
}

std::string readFile(const std::string& path) {
    std::ifstream file(path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

// A fake root with /proc/self/{mountinfo,cgroup}; cgroup directories are added by the tests.
struct FakeTree {
    QTemporaryDir dir;
    std::string root() const { return dir.path().toStdString(); }
    CgroupEnvironment environment() const { return {root() + "/proc/self", root()}; }
    void proc(const std::string& mountinfo, const std::string& cgroup) {
        writeFile(root() + "/proc/self/mountinfo", mountinfo);
        writeFile(root() + "/proc/self/cgroup", cgroup);
    }
    // A cgroup directory (relative to the fake root) with its interface files.
    std::string group(const std::string& path, const std::string& controllers, const std::string& subtree,
                      const std::string& procs) {
        const std::string groupDir = root() + path;
        writeFile(groupDir + "/cgroup.controllers", controllers);
        writeFile(groupDir + "/cgroup.subtree_control", subtree);
        writeFile(groupDir + "/cgroup.procs", procs);
        return groupDir;
    }
    MemoryCgroupSupport detect() const { return detectMemoryCgroup(environment(), kPid); }
};

#define QVERIFY_REASON(support, expected)                                                                              \
    do {                                                                                                               \
        QVERIFY(!(support).enforceable());                                                                             \
        QCOMPARE(QString::fromStdString((support).reason), QString::fromStdString(expected));                          \
    } while (false)

nlohmann::json serviceWithMemory(const nlohmann::json& memory) {
    nlohmann::json service = {
        {"apiVersion", "serving.knative.dev/v1"},
        {"kind", "Service"},
        {"metadata", {{"name", "mem"}}},
        {"spec", {{"template", {{"spec", {{"containers", {{{"image", "local/030.memory:python"}}}}}}}}}}};
    if (!memory.is_null())
        service["spec"]["template"]["spec"]["containers"][0]["resources"] = {{"limits", {{"memory", memory}}}};
    return service;
}

} // namespace

class TestMemoryCgroup : public QObject {
    Q_OBJECT
private slots:
    void noCgroup2Mount_namesCgroupV1ForMemory() {
        FakeTree tree;
        tree.proc(kV1Memory, "4:memory:/x\n");
        QVERIFY_REASON(tree.detect(), "not enforceable here: no cgroup v2 hierarchy is mounted (this machine uses "
                                      "cgroup v1 for memory)");
        tree.proc("", "");
        QVERIFY_REASON(tree.detect(), "not enforceable here: no cgroup v2 hierarchy is mounted");
    }

    void noUnifiedLine() {
        FakeTree tree;
        tree.proc(kPureV2, "4:memory:/x\n");
        QVERIFY_REASON(tree.detect(), "not enforceable here: this process is in no cgroup v2 group (no \"0::\" line in "
                                      "/proc/self/cgroup)");
    }

    void unreadableControllers() {
        FakeTree tree;
        tree.proc(kPureV2, "0::/missing\n");
        QVERIFY_REASON(tree.detect(), "not enforceable here: cannot read " + tree.root() +
                                          "/sys/fs/cgroup/missing/cgroup.controllers");
    }

    // This machine's shape: memory on a v1 hierarchy, the hybrid unified hierarchy without it.
    void hybridWithoutMemory_isCgroupV1ForMemory() {
        FakeTree tree;
        tree.proc(std::string(kV1Memory) + kHybridV2, "4:memory:/a\n0::/\n");
        tree.group("/sys/fs/cgroup/unified", "hugetlb\n", "", "1\n");
        QVERIFY_REASON(tree.detect(), "not enforceable here: cgroup v2 memory controller not available (this machine "
                                      "uses cgroup v1 for memory)");
    }

    void pureV2WithoutMemory_listsTheControllers() {
        FakeTree tree;
        tree.proc(kPureV2, "0::/user.slice\n");
        const std::string own = tree.group("/sys/fs/cgroup/user.slice", "cpu io\n", "", "1\n");
        QVERIFY_REASON(tree.detect(), "not enforceable here: cgroup v2 memory controller not available in " + own +
                                          " (cgroup.controllers: \"cpu io\")");
    }

    void nonRootGroupWithProcesses_noInternalProcessesRule() {
        FakeTree tree;
        tree.proc(kPureV2, "0::/app.scope\n");
        const std::string own = tree.group("/sys/fs/cgroup/app.scope", "cpu memory pids\n", "pids\n", "77\n");
        const auto support = tree.detect();
        QVERIFY(!support.enforceable());
        QVERIFY2(support.reason.starts_with("not enforceable here: the memory controller cannot be enabled for child "
                                            "groups of " +
                                            own + ": that group has member processes"),
                 support.reason.c_str());
        QCOMPARE(readFile(own + "/cgroup.subtree_control"), std::string("pids\n")); // nothing was written
        QVERIFY(!std::filesystem::exists(own + "/faaswb-4242"));
    }

    void subtreeControlNotWritable() {
        if (::geteuid() == 0)
            QSKIP("root may write a read-only file; the permission branch needs an unprivileged user");
        FakeTree tree;
        tree.proc(kPureV2, "0::/\n");
        const std::string own = tree.group("/sys/fs/cgroup", "memory\n", "", "1\n");
        ::chmod((own + "/cgroup.subtree_control").c_str(), 0444);
        QVERIFY_REASON(tree.detect(), "not enforceable here: cannot enable the memory controller for child groups: " +
                                          own + "/cgroup.subtree_control is not writable (Permission denied)");
    }

    void writingSubtreeControlFails() {
        FakeTree tree;
        tree.proc(kPureV2, "0::/\n");
        const std::string own = tree.group("/sys/fs/cgroup", "memory\n", "", "1\n");
        std::filesystem::remove(own + "/cgroup.subtree_control");
        std::filesystem::create_directories(own + "/cgroup.subtree_control/x"); // readable, but no file to write
        writeFile(own + "/cgroup.subtree_control/x/y", "");
        const auto support = tree.detect();
        QVERIFY(!support.enforceable());
        QVERIFY2(support.reason.starts_with("not enforceable here: cannot "), support.reason.c_str());
    }

    void rootGroup_enablesMemoryAndCreatesTheInstanceRoot() {
        FakeTree tree;
        tree.proc(kPureV2, "0::/\n");
        const std::string own = tree.group("/sys/fs/cgroup", "cpu memory\n", "cpu\n", "1\n2\n");
        writeFile(own + "/faaswb-4242/cgroup.subtree_control", ""); // what the kernel creates with the directory
        const auto support = tree.detect();
        QVERIFY2(support.enforceable(), support.reason.c_str());
        QCOMPARE(support.root, own + "/faaswb-4242");
        QCOMPARE(support.annotation(), std::string("enforced (cgroup v2)"));
        QCOMPARE(readFile(own + "/cgroup.subtree_control"), std::string("+memory"));
        QCOMPARE(readFile(support.root + "/cgroup.subtree_control"), std::string("+memory"));
    }

    void alreadyDelegated_writesNothingAbove() {
        FakeTree tree;
        tree.proc(kPureV2, "0::/user.slice/daemon\n");
        const std::string own = tree.group("/sys/fs/cgroup/user.slice/daemon", "memory\n", "memory pids\n", "");
        writeFile(own + "/faaswb-4242/cgroup.subtree_control", "");
        const auto support = tree.detect();
        QVERIFY2(support.enforceable(), support.reason.c_str());
        QCOMPARE(readFile(own + "/cgroup.subtree_control"), std::string("memory pids\n"));
    }

    void childWithoutSubtreeControl_isReportedAndRemoved() {
        FakeTree tree;
        tree.proc(kPureV2, "0::/\n");
        const std::string own = tree.group("/sys/fs/cgroup", "memory\n", "memory\n", "1\n");
        const auto support = tree.detect();
        QVERIFY(!support.enforceable());
        QVERIFY2(support.reason.starts_with("not enforceable here: cannot enable the memory controller in " + own +
                                            "/faaswb-4242: cannot open"),
                 support.reason.c_str());
        QVERIFY(!std::filesystem::exists(own + "/faaswb-4242"));
    }

    void cannotCreateTheChildGroup() {
        FakeTree tree;
        tree.proc(kPureV2, "0::/\n");
        const std::string own = tree.group("/sys/fs/cgroup", "memory\n", "memory\n", "1\n");
        writeFile(own + "/faaswb-4242", "a file where the group would go");
        const auto support = tree.detect();
        QVERIFY(!support.enforceable());
        QVERIFY2(support.reason.find("Not a directory") != std::string::npos, support.reason.c_str());
    }

    // Inside a cgroup namespace-like mount (mount root /sub), /proc/self/cgroup's path includes the mount root.
    void mountRootAndEscapedMountPoint() {
        FakeTree tree;
        tree.proc("29 23 0:26 /sub /sys/fs/cg\\0402 rw - cgroup2 cgroup2 rw\n", "0::/sub/app\n");
        const std::string own = tree.group("/sys/fs/cg 2/app", "memory\n", "memory\n", "");
        writeFile(own + "/faaswb-4242/cgroup.subtree_control", "");
        const auto support = tree.detect();
        QVERIFY2(support.enforceable(), support.reason.c_str());
        QCOMPARE(support.root, own + "/faaswb-4242");
    }

    void thisMachine_printsItsAnswer() {
        const MemoryCgroupSupport& support = processMemoryCgroup();
        qInfo("memory limits on this machine: %s", support.annotation().c_str());
        QVERIFY(support.enforceable() ? support.reason.empty() : support.reason.starts_with("not enforceable here: "));
        QCOMPARE(&processMemoryCgroup(), &support); // detected once
    }

    void instanceGroup_writesLimitAndSwap_readsOomKills() {
        QTemporaryDir root;
        const std::string group = root.path().toStdString() + "/pod-1";
        for (const char* file : {"memory.max", "memory.swap.max", "memory.oom.group", "cgroup.procs"})
            writeFile(group + "/" + file, "");
        writeFile(group + "/memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\n");
        auto cgroup = InstanceCgroup::create(root.path().toStdString(), "pod-1", 67108864);
        QVERIFY2(cgroup.ok(), cgroup.ok() ? "" : cgroup.error().message.c_str());
        QCOMPARE(readFile(group + "/memory.max"), std::string("67108864"));
        QCOMPARE(readFile(group + "/memory.swap.max"), std::string("0"));
        QCOMPARE(readFile(group + "/memory.oom.group"), std::string("1"));
        QCOMPARE((*cgroup)->oomKills(), std::int64_t(1));
        QVERIFY((*cgroup)->procsFd() >= 0);
        QVERIFY(!(*cgroup)->remove()); // a plain directory with files is not empty; a cgroup's files do not count
        QCOMPARE(describeMemoryKill((*cgroup)->limitBytes()),
                 std::string("killed by the memory limit (memory.max 67108864 bytes)"));
    }

    void instanceGroup_withoutMemoryController_isAnError() {
        QTemporaryDir root;
        auto cgroup = InstanceCgroup::create(root.path().toStdString(), "pod-2", 1 << 20);
        QVERIFY(!cgroup.ok());
        QVERIFY2(cgroup.error().message.find("memory.max") != std::string::npos, cgroup.error().message.c_str());
        QVERIFY(!std::filesystem::exists(root.path().toStdString() + "/pod-2"));
    }

    // The child writes its own pid to the pre-opened cgroup.procs before exec (here a plain file stands in).
    void child_joinsThroughThePreopenedFd() {
        QTemporaryDir dir;
        const std::string procs = dir.path().toStdString() + "/cgroup.procs";
        const int fd = ::open(procs.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        QVERIFY(fd >= 0);
        const int log = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        auto spawned = detail::spawnProcess({"/bin/true", {}}, detail::instanceEnvironment({}), log, fd);
        QVERIFY(spawned.ok());
        int status = 0;
        QCOMPARE(::waitpid(spawned->pid, &status, 0), spawned->pid);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        QCOMPARE(readFile(procs), std::to_string(spawned->pid));
        QVERIFY(!detail::readExecError(spawned->execErrorFd));
        for (int open : {fd, log, spawned->stdoutFd, spawned->execErrorFd})
            ::close(open);
    }

    void child_reportsAFailedJoinAsNegativeErrno() {
        const int readOnly = ::open("/dev/null", O_RDONLY | O_CLOEXEC); // write() on it fails with EBADF
        const int log = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        auto spawned = detail::spawnProcess({"/bin/true", {}}, detail::instanceEnvironment({}), log, readOnly);
        QVERIFY(spawned.ok());
        int status = 0;
        QCOMPARE(::waitpid(spawned->pid, &status, 0), spawned->pid);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 127);
        QCOMPARE(detail::readExecError(spawned->execErrorFd), std::optional<int>(-EBADF));
        for (int open : {readOnly, log, spawned->stdoutFd, spawned->execErrorFd})
            ::close(open);
    }

    void annotation_onlyWithALimit() {
        const MemoryCgroupSupport notHere{"", "not enforceable here: test"};
        RevisionTemplate tmpl;
        nlohmann::json status = {{"observedGeneration", 1}};
        annotateMemoryLimit(status, tmpl, notHere);
        QVERIFY(!status.contains("annotations"));
        tmpl.memoryLimitBytes = 64 << 20;
        annotateMemoryLimit(status, tmpl, notHere);
        QCOMPARE(status["annotations"]["faaswb.dev/memory-limit"].get<std::string>(),
                 std::string("not enforceable here: test"));
        annotateMemoryLimit(status, tmpl, MemoryCgroupSupport{"/sys/fs/cgroup/faaswb-1", ""});
        QCOMPARE(status["annotations"]["faaswb.dev/memory-limit"].get<std::string>(),
                 std::string("enforced (cgroup v2)"));
    }

    void revisionTemplate_readsLimitsMemory() {
        const auto none = parseRevisionTemplate(serviceWithMemory(nullptr));
        QVERIFY(none.ok());
        QVERIFY(!none->memoryLimitBytes);
        const auto mebi = parseRevisionTemplate(serviceWithMemory("64Mi"));
        QVERIFY2(mebi.ok(), mebi.ok() ? "" : mebi.error().message.c_str());
        QCOMPARE(mebi->memoryLimitBytes, std::optional<std::int64_t>(67108864));
        const auto giga = parseRevisionTemplate(serviceWithMemory("1G"));
        QVERIFY(giga.ok());
        QCOMPARE(giga->memoryLimitBytes, std::optional<std::int64_t>(1000000000));
        for (const nlohmann::json& bad : {nlohmann::json("64Qi"), nlohmann::json("512Ki"), nlohmann::json(true)}) {
            const auto parsed = parseRevisionTemplate(serviceWithMemory(bad));
            QVERIFY2(!parsed.ok(), bad.dump().c_str());
            QVERIFY2(parsed.error().message.starts_with("spec.template.spec.containers[0].resources.limits.memory: "),
                     parsed.error().message.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestMemoryCgroup)
#include "tst_memory_cgroup.moc"
