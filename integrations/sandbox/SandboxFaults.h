#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

// Faults the sandbox injects into its next answers, in order. Spec (for --faults):
// comma-separated `kind[=arg][*count]`, e.g. `rate_limit=2*3,server_error,timeout_after_charge`;
// `pass*2,malformed` answers two requests as usual and the third with the fault (mid-paging);
// `timeout_after_charge%10` meets 10 % of all requests, at random, for as long as it runs.
// Over HTTP: POST /_sandbox/faults with the form field `spec` (and `clear` to end those armed),
// authorized like any request.
struct SandboxFault
{
    enum class Kind
    {
        RateLimit, // 429, arg = Retry-After seconds (default 1)
        ServerError, // 500
        Unavailable, // 503
        Slow, // answer after arg ms (default 3000); the request is processed
        TimeoutAfterCharge, // the request is processed (the card charged), the answer never comes
        DropAfterCharge, // the request is processed, then the connection drops mid-answer
        Reset, // the connection drops mid-answer; nothing was processed
        Malformed, // 200 with a body that is not JSON; nothing processed
        ListWithoutData, // 200 with a list envelope that has no `data`; nothing processed
        Pass, // no fault: the request is answered as usual (so the faults after it meet later requests)
    };
    Kind kind = Kind::ServerError;
    int arg = -1;
    int percent = 0; // > 0: not queued once, but met by this share of every request

    static Result<QList<SandboxFault>> parse(const QString &spec);
    static QString kindName(Kind kind);
    static QStringList kindNames(); // every fault, as --faults takes them
};
