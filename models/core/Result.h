#pragma once

#include <QString>

#include <optional>
#include <utility>

// The one way failure is reported across Reconsole: an error class that decides what
// happens next (retry, stop, ask a person) and a message a person can act on.
enum class ErrorClass
{
    None,
    Network, // the request never reached the provider
    Timeout, // no answer in time; the provider may have acted
    RateLimited, // 429; honour Retry-After
    Server, // 5xx
    Client, // 4xx validation or a decline; retrying will not help
    Auth, // credential problem
    Conflict, // idempotency key reused with other parameters
    Storage, // our own database
    Keychain, // the OS keychain
    Input, // bad input from a person or a file
    State, // an illegal transition
    Revoked, // the credential an operation needs was revoked
    Certificate, // the provider's TLS certificate was refused; a person must fix trust, retrying will not
};

QString errorClassName(ErrorClass errorClass);
ErrorClass errorClassFromName(const QString &name);
// Whether a later try may go otherwise: the network, a timeout (asked about first), the
// provider's rate limit or its server, our own database. A decline, a validation error, a
// credential or certificate problem, a reused key: only a person can change those.
bool isTransient(ErrorClass errorClass);

struct Error
{
    ErrorClass errorClass = ErrorClass::None;
    QString message;
};

struct Done
{
};

// [[nodiscard]]: a result nobody looked at is a failure nobody saw (the build makes it an error).
template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    { }
    Result(Error error)
        : m_error(std::move(error))
    { }

    static Result failure(ErrorClass errorClass, const QString &message) { return Error { errorClass, message }; }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    // By value from a temporary, so `for (x : f().value())` never iterates a dead object.
    T value() && { return std::move(*m_value); }
    const T &operator*() const { return *m_value; }
    const T *operator->() const { return &*m_value; }
    T value_or(T fallback) const { return m_value ? *m_value : std::move(fallback); }
    const Error &error() const { return m_error; }
    QString message() const { return m_error.message; }
    // Whether it worked, and why not, without the value.
    Result<Done> status() const { return ok() ? Result<Done>(Done {}) : Result<Done>(m_error); }

private:
    std::optional<T> m_value;
    Error m_error;
};

using Status = Result<Done>;
inline Status success()
{
    return Done {};
}
inline Error failure(ErrorClass errorClass, const QString &message)
{
    return Error { errorClass, message };
}
