#pragma once

#include "Command.h"

// `reconsolectl bench retry`: its own file, one entry in the bench table (BenchCommand.cpp).
namespace Commands {
Command benchRetry();
}
