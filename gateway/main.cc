// vhgate: the command line (gateway/README.md; gateway/commands/command_line.h).

#include <iostream>
#include <string>
#include <vector>

#include "gateway/commands/command_line.h"

int main(int argc, char** argv) {
  return vh::gw::RunCommandLine(std::vector<std::string>(argv + 1, argv + argc), std::cout,
                                std::cerr);
}
