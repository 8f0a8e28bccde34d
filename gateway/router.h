#pragma once
// Router: method + path pattern + allowed roles -> Handler.
//
// Patterns are literal segments and "{name}" captures, e.g.
// "/v1/meetings/{id}/dossier". Match() returns 404 when no pattern matches
// the path, 405 when one matches but not with this method, 403 when the role
// is not among the route's roles (kAnyRole: every role). A route that admits
// only the house's roles (coordinator, admin) is the house's: Match says so
// (house_only), and App refuses other partners' certificates of those roles
// before the handler parses the body. Routes are added at start
// and read concurrently afterwards (no locking; REQUIRES: no Add after
// serving starts).

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api.h"

namespace vh::gw {

// Where a handler runs. kPool (the default): on the handler pool, because it
// may block (audit group commit, store I/O). kInline: on the I/O thread; only
// for handlers that never block and never write the audit log.
enum class Dispatch { kPool, kInline };

// The roles a route admits; kAnyRole admits every certificate role.
using Roles = std::vector<Role>;
inline const Roles kAnyRole = {Role::kSupplier, Role::kParticipant, Role::kCoordinator,
                               Role::kPrivacyOfficer, Role::kAdmin};

class Router {
 public:
  // `pattern` is the path template ("/v1/meetings/{id}"), followed by the
  // query parameters the route takes, if any: "/v1/meetings?status",
  // "/v1/statistics?from&to"; "?*" takes any (the console's files). A
  // request with another query parameter is 400 `bad_query` (App), so a
  // misspelt filter is never silently ignored.
  void Add(std::string method, std::string pattern, Roles roles, Handler handler,
           Dispatch dispatch = Dispatch::kPool);

  // A path's (or a path template's) non-empty segments, as views into it;
  // the OpenAPI description (openapi.h) matches its templates the same way.
  // No route has more than kMaxSegments, so a path with more matches none
  // (`too_long`).
  static constexpr std::size_t kMaxSegments = 16;
  struct Segments {
    std::array<std::string_view, kMaxSegments> at;
    std::size_t size = 0;
    bool too_long = false;
  };
  static Segments SplitPath(std::string_view path);
  // A template segment that takes any value: "{id}".
  static bool IsParam(std::string_view segment) {
    return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
  }

  struct Match {
    const Handler* handler = nullptr;  // null when status is not ok
    std::string route;                 // the pattern matched ("" when none)
    std::vector<std::string> params;
    Status status;  // NotFound, MethodNotAllowed, PermissionDenied or ok
    Dispatch dispatch = Dispatch::kPool;
    // The query parameters the route takes (null: none); any when any_query.
    const std::vector<std::string>* query = nullptr;
    bool any_query = false;
    // MethodNotAllowed: the methods the path takes ("GET, POST"), for Allow.
    std::string allow;
    // The route admits only coordinator and admin certificates: the house's.
    bool house_only = false;
  };
  Match Find(const std::string& method, const std::string& path, Role role) const;

  // The routes as added (method, pattern, roles), e.g. for a test that walks
  // every route.
  struct RouteInfo {
    std::string method;
    std::string pattern;  // without the query part
    Roles roles;
    std::vector<std::string> query;
    bool any_query = false;
    bool house_only = false;
  };
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    std::vector<std::string> query;
    bool any_query = false;
    Roles roles;
    bool house_only = false;
    Handler handler;
    Dispatch dispatch;
  };
  static bool MatchSegments(const Route& r, const Segments& segs);
  // Calls f(route) for each route that could match `segs`, in the order
  // added, until f returns true: the routes of the path's number of
  // segments whose last segment is the path's or a parameter (a path is
  // never compared with the routes of another shape).
  template <typename F>
  void ForEachCandidate(const Segments& segs, F f) const;
  std::vector<Route> routes_;
  // By number of segments: the routes (indices into routes_, ascending)
  // whose last segment is a literal, by that literal, and those whose last
  // segment is a parameter.
  struct Shape {
    std::map<std::string, std::vector<std::size_t>, std::less<>> by_last;
    std::vector<std::size_t> param_last;
  };
  std::array<Shape, kMaxSegments + 1> shapes_;
};

}  // namespace vh::gw
