#pragma once

#include <QEventLoop>

#include <optional>

// Runs one asynchronous call (`call(done)`) to completion on a local event loop: for the
// command line and for start-up, where nothing else is waiting.
template <typename T, typename Call> T await(Call call)
{
    std::optional<T> result;
    QEventLoop loop;
    call([&](T r) {
        result = std::move(r);
        loop.quit();
    });
    if (!result)
        loop.exec();
    return std::move(*result);
}
