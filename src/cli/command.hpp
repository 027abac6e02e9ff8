// A `vitopo` subcommand. Each lives in its own file and registers itself with
//   static const vitopo::cli::Registration reg{"name", "one-line summary", run};
// where run(args) gets the arguments after the subcommand name and returns the
// process exit code (0 ok, 2 bad input or usage, 1 anything else).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vitopo::cli {

using Args = std::vector<std::string>;
using Run = std::function<int(const Args&)>;

struct Command {
  std::string summary;
  Run run;
};

inline std::map<std::string, Command>& commands() {
  static std::map<std::string, Command> table;
  return table;
}

struct Registration {
  Registration(const std::string& name, const std::string& summary, Run run) {
    commands()[name] = Command{summary, std::move(run)};
  }
};

}  // namespace vitopo::cli
