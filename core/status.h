#pragma once
// Status and Result<T>: errors as values at module boundaries.
//
// A Status is ok or carries a Code (what kind of failure, mapped to HTTP only
// by the router), a short machine-readable `reason` (e.g. "malformed_json",
// used as the `code` of the JSON error body) and a human message. Messages
// never contain personal data, field values or key material: they are shown
// to callers and written to logs.
//
// Result<T> holds either a T or a non-ok Status, shaped like std::expected.
// Thread-safety: values; no shared state.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace vh {

enum class Code {
  kOk = 0,
  kInvalidArgument,   // 400: malformed input
  kUnauthenticated,   // 401: identity not known to the covenant
  kPermissionDenied,  // 403: known, but not allowed
  kNotFound,          // 404
  kMethodNotAllowed,  // 405
  kConflict,          // 409: state does not allow it (closed, answered)
  kTooLarge,          // 413
  kHeadersTooLarge,   // 431
  kUnprocessable,     // 422: well-formed but semantically wrong
  kUnavailable,       // 503: a dependency (audit store, partner) cannot serve
  kTimeout,           // 504 / 408 depending on context
  kInternal,          // 500
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string reason, std::string msg) {
    return Status(Code::kInvalidArgument, std::move(reason), std::move(msg));
  }
  static Status Unauthenticated(std::string msg) {
    return Status(Code::kUnauthenticated, "unauthenticated", std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(Code::kPermissionDenied, "forbidden", std::move(msg));
  }
  static Status NotFound(std::string msg) {
    return Status(Code::kNotFound, "not_found", std::move(msg));
  }
  static Status Conflict(std::string reason, std::string msg) {
    return Status(Code::kConflict, std::move(reason), std::move(msg));
  }
  static Status Unprocessable(std::string reason, std::string msg) {
    return Status(Code::kUnprocessable, std::move(reason), std::move(msg));
  }
  static Status TooLarge(std::string msg) {
    return Status(Code::kTooLarge, "body_too_large", std::move(msg));
  }
  static Status Unavailable(std::string reason, std::string msg) {
    return Status(Code::kUnavailable, std::move(reason), std::move(msg));
  }
  static Status Timeout(std::string msg) {
    return Status(Code::kTimeout, "timeout", std::move(msg));
  }
  static Status Internal(std::string msg) {
    return Status(Code::kInternal, "internal", std::move(msg));
  }
  static Status Make(Code code, std::string reason, std::string msg) {
    return Status(code, std::move(reason), std::move(msg));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }
  std::string ToString() const { return ok() ? "ok" : reason_ + ": " + message_; }

 private:
  Status(Code code, std::string reason, std::string msg)
      : code_(code), reason_(std::move(reason)), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string reason_;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // Ok status when ok().
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace vh

#define VH_RETURN_IF_ERROR(expr) \
  do {                           \
    ::vh::Status _st = (expr);   \
    if (!_st.ok()) return _st;   \
  } while (0)
