#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace costmodel {

// Runs `costmodel <command> [options]` (args exclude the program name). Returns the exit
// code: 0 on success, 2 on bad input (message on err), 3 on an unexpected internal error.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string usage_text();

}  // namespace costmodel
