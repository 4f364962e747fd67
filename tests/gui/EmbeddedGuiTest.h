#pragma once
// main() of a gui test that runs the console against an embedded server: the test object is run
// inside a QApplication, then the process leaves like paydesk-server does (the embedded server is
// already stopped by the test's cleanup; library static destructors are skipped).

#include <QApplication>
#include <QTest>

#include <cstdio>
#include <cstdlib>

namespace paydesk::testing {

template <typename Test> [[noreturn]] void runEmbeddedGuiTest(int argc, char **argv)
{
    QApplication app(argc, argv);
    Test test;
    const int failures = QTest::qExec(&test, argc, argv);
    std::fflush(nullptr);
    std::_Exit(failures);
}

} // namespace paydesk::testing
