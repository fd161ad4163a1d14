#include "cli/commands.hpp"

int
main(int argc, char** argv)
{
  return ccaudit::cli::run(argc, argv);
}
