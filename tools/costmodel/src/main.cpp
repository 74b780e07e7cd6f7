// costmodel: monthly AWS cost of an environment, what-if scenarios and cost per
// million requests. See tools/costmodel/README.md.

#include <iostream>
#include <string>
#include <vector>

#include "costmodel/cli.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return costmodel::run_cli(args, std::cout, std::cerr);
}
