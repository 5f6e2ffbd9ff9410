#pragma once

#include "Command.h"

// `reconsolectl bench reconcile`: its own file, one entry in the bench table (BenchCommand.cpp).
namespace Commands {
Command benchReconcile();
}
