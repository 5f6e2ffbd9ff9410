#pragma once

#include "Command.h"

// reconsolectl's top-level commands, one file each (DemoCommand.cpp, OpsCommand.cpp, …);
// reconsolectl.cpp puts them in the command table.
namespace Commands {
Command demo();
Command migrate();
Command sandbox();
Command serve();
Command ops();
// ops' bulk retries and failure groups (RetryRunsCommand.cpp).
Command opsPlan();
Command opsRuns();
Command opsGroups();
Command events();
Command timeline();
Command diff();
Command drift();
Command import();
Command pull();
Command ledger();
Command reconcile();
Command periods();
Command match();
Command unmatch();
Command writeOff();
Command approve();
Command split();
Command exception();
Command records();
Command audit();
Command credentials();
Command intakeToken();
Command providers();
Command providersPolicy(); // its retry policies (RetryPolicyCommand.cpp)
Command roles();
Command database();
Command bench();
Command exports(); // `export` (a C++ keyword): reports for others to read
} // namespace Commands
