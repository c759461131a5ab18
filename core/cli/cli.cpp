#include "cli/cli.h"

#include <cstring>
#include <iostream>

namespace faaswb::cli {

int main(int argc, char** argv) {
    if (argc >= 2 && std::strcmp(argv[1], "--version") == 0) {
        std::cout << "faas-workbench " << FAASWB_VERSION << "\n";
        return 0;
    }
    std::cerr << "usage: faas-workbench --version\n";
    return 2;
}

} // namespace faaswb::cli
