// faas-workbench: the GUI when started without a subcommand (or with an experiment file), the headless command line
// otherwise. The GUI and the chart renderer come from faaswb_ui; the command line itself is Qt-free.
#include "cli/cli.h"
#include "ui/gui_main.h"

int main(int argc, char** argv) {
    return faaswb::cli::main(argc, argv, faaswb::ui::frontEnd());
}
