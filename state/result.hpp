// Errors cross layers as values.
//
// The domain never throws for an expected outcome (a resource that does not
// exist, a request that conflicts with the current state): it returns an
// Error saying what kind of refusal it is, and the server maps that kind to
// the error the API documents for the operation.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gls {

enum class ErrorKind {
  Validation,      // the request is well-formed but not acceptable (400)
  NotFound,        // the named resource does not exist here (404)
  Conflict,        // the resource is not in a state that allows this (409)
  Gone,            // the resource exists but can never be used again (410)
  QuotaExceeded,   // a limit would be exceeded (402)
  AccessNotReady,  // the session cannot take an admin shell yet (409)
  AccessDenied,    // the resource belongs to another account (403)
  Internal,        // something broke that is not the caller's fault (500)
};

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string message;
};

inline Error validation(std::string m) { return {ErrorKind::Validation, std::move(m)}; }
// A rule the documentation states about one member, worded like the
// service's own validation errors: "... Value 'v' at 'member' failed to
// satisfy constraint: rule".
inline Error invalid_member(const std::string& value, std::string_view member, std::string_view rule) {
  return validation("1 validation error detected: Value '" + value + "' at '" + std::string(member) +
                    "' failed to satisfy constraint: " + std::string(rule));
}
inline Error not_found(std::string m) { return {ErrorKind::NotFound, std::move(m)}; }
inline Error conflict(std::string m) { return {ErrorKind::Conflict, std::move(m)}; }
inline Error gone(std::string m) { return {ErrorKind::Gone, std::move(m)}; }
inline Error quota_exceeded(std::string m) { return {ErrorKind::QuotaExceeded, std::move(m)}; }
inline Error access_denied(std::string m) { return {ErrorKind::AccessDenied, std::move(m)}; }
inline Error internal(std::string m) { return {ErrorKind::Internal, std::move(m)}; }

// A value or the Error that prevented it.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error take_error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Success with nothing to return.
struct Ok {};
using Status = Result<Ok>;
inline Status ok() { return Ok{}; }

}  // namespace gls
