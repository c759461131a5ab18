// faas-workbench: the GUI when started without a subcommand, the headless command line otherwise.
#include "cli/cli.h"

int main(int argc, char** argv) { return faaswb::cli::main(argc, argv); }
