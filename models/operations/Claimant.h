#pragma once

#include <QString>

// Who holds an operation while its request is in flight: the person or agent it is done for,
// and the process doing it (`alice@host:1234`). A claim is renewed while the request is out
// (a heartbeat), so one that lapsed means its process stopped; on this host that is checked
// too, before anyone calls the request interrupted.
namespace Claimant {
QString of(const QString &actor);
// Whether the process named in `claimedBy` no longer runs. A process on another host cannot be
// asked: there the lapsed lease is the only sign, and it is taken as gone.
bool isGone(const QString &claimedBy);
} // namespace Claimant
