// The `etl` command: parse the command line, run one subcommand, map its outcome to an exit code.
#include "app/cli.h"

int main(int argc, char** argv) {
  return etl::app::Main(argc, argv);
}
