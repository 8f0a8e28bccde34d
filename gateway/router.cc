#include "gateway/router.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace vh::gw {
int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kInvalidArgument:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kPermissionDenied:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kMethodNotAllowed:
      return 405;
    case Code::kConflict:
      return 409;
    case Code::kTooLarge:
      return 413;
    case Code::kUnprocessable:
      return 422;
    case Code::kHeadersTooLarge:
      return 431;
    case Code::kUnavailable:
      return 503;
    case Code::kTimeout:
      return 504;
    case Code::kInternal:
      return 500;
  }
  return 500;
}

ApiResponse ApiResponse::FromJson(int status, const Json& j) {
  ApiResponse r;
  r.status = status;
  r.body = DumpJson(j);
  return r;
}

void DeferredResponse::Complete(ApiResponse r) {
  std::function<void(ApiResponse)> then;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!then_) {
      response_ = std::move(r);
      return;
    }
    then = std::move(then_);
  }
  then(std::move(r));
}

void DeferredResponse::OnComplete(std::function<void(ApiResponse)> f) {
  std::optional<ApiResponse> ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!response_) {
      then_ = std::move(f);
      return;
    }
    ready = std::move(response_);
  }
  f(std::move(*ready));
}

ApiResponse ApiResponse::FromText(int status, std::string json_text) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(json_text);
  return r;
}

ApiResponse ApiResponse::FromSharedText(int status, std::shared_ptr<const std::string> json_text) {
  ApiResponse r;
  r.status = status;
  r.shared_body = std::move(json_text);
  return r;
}

ApiResponse ApiResponse::FromStatus(const Status& s) {
  ApiResponse r;
  r.status = HttpStatusFor(s.code());
  r.body = ErrorBody(s.reason(), s.message());
  return r;
}

Router::Segments Router::SplitPath(std::string_view path) {
  Segments out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) {
      if (out.size == kMaxSegments) {
        out.too_long = true;
        return out;
      }
      out.at[out.size++] = path.substr(i, j - i);
    }
    i = j;
  }
  return out;
}

void Router::Add(std::string method, std::string pattern, Roles roles, Handler handler,
                 Dispatch dispatch) {
  Route r;
  r.method = std::move(method);
  if (std::size_t q = pattern.find('?'); q != std::string::npos) {
    std::string_view names = std::string_view(pattern).substr(q + 1);
    while (!names.empty()) {
      const std::size_t amp = std::min(names.find('&'), names.size());
      if (names.substr(0, amp) == "*") {
        r.any_query = true;
      } else if (amp > 0) {
        r.query.emplace_back(names.substr(0, amp));
      }
      names.remove_prefix(std::min(amp + 1, names.size()));
    }
    pattern.resize(q);
  }
  const Segments segs = SplitPath(pattern);
  // A route the router could never match, or that nobody may call: a bug.
  if (segs.too_long || roles.empty()) std::abort();
  for (std::size_t i = 0; i < segs.size; ++i) r.segments.emplace_back(segs.at[i]);
  r.pattern = std::move(pattern);
  r.roles = std::move(roles);
  r.house_only = std::all_of(r.roles.begin(), r.roles.end(), [](Role role) {
    return role == Role::kCoordinator || role == Role::kAdmin;
  });
  r.handler = std::move(handler);
  r.dispatch = dispatch;
  Shape& shape = shapes_[segs.size];
  if (segs.size > 0 && IsParam(segs.at[segs.size - 1])) {
    shape.param_last.push_back(routes_.size());
  } else {
    shape.by_last[std::string(segs.size > 0 ? segs.at[segs.size - 1] : "")].push_back(
        routes_.size());
  }
  routes_.push_back(std::move(r));
}

template <typename F>
void Router::ForEachCandidate(const Segments& segs, F f) const {
  if (segs.too_long) return;
  const Shape& shape = shapes_[segs.size];
  static const std::vector<std::size_t> kNone;
  auto it = shape.by_last.find(segs.size > 0 ? segs.at[segs.size - 1] : std::string_view());
  const std::vector<std::size_t>& literal = it == shape.by_last.end() ? kNone : it->second;
  const std::vector<std::size_t>& param = shape.param_last;
  // The two ascending lists merged: the routes in the order added.
  for (std::size_t i = 0, j = 0; i < literal.size() || j < param.size();) {
    const bool take_literal = j == param.size() || (i < literal.size() && literal[i] < param[j]);
    const Route& r = routes_[take_literal ? literal[i++] : param[j++]];
    if (MatchSegments(r, segs) && f(r)) return;
  }
}

bool Router::MatchSegments(const Route& r, const Segments& segs) {
  if (segs.too_long || r.segments.size() != segs.size) return false;
  for (std::size_t i = 0; i < segs.size; ++i) {
    if (!IsParam(r.segments[i]) && r.segments[i] != segs.at[i]) return false;
  }
  return true;
}

std::vector<Router::RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_)
    out.push_back({r.method, r.pattern, r.roles, r.query, r.any_query, r.house_only});
  return out;
}

Router::Match Router::Find(const std::string& method, const std::string& path, Role role) const {
  Match m;
  const Segments segs = SplitPath(path);
  const Route* path_match = nullptr;
  const Route* found = nullptr;
  ForEachCandidate(segs, [&](const Route& r) {
    path_match = &r;
    if (r.method != method) return false;
    found = &r;
    return true;
  });
  if (found) {
    const Route& r = *found;
    m.route = r.pattern;
    for (std::size_t i = 0; i < segs.size; ++i) {
      if (IsParam(r.segments[i])) m.params.emplace_back(segs.at[i]);
    }
    if (std::find(r.roles.begin(), r.roles.end(), role) == r.roles.end()) {
      m.status = Status::PermissionDenied("role '" + std::string(RoleName(role)) +
                                          "' may not call " + method + " " + r.pattern);
      return m;
    }
    m.handler = &r.handler;
    m.dispatch = r.dispatch;
    m.query = &r.query;
    m.any_query = r.any_query;
    m.house_only = r.house_only;
    return m;
  }
  if (path_match) {
    m.route = path_match->pattern;
    std::set<std::string_view> methods;  // sorted: "GET, POST"
    ForEachCandidate(segs, [&](const Route& r) {
      methods.insert(r.method);
      return false;
    });
    for (std::string_view each : methods) {
      (m.allow += m.allow.empty() ? "" : ", ") += each;
    }
    m.status = Status::Make(
        Code::kMethodNotAllowed, "method_not_allowed",
        method + " is not allowed on " + path_match->pattern + " (" + m.allow + " is)");
  } else {
    m.status = Status::NotFound("no such route");
  }
  return m;
}

}  // namespace vh::gw
