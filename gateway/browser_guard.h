#pragma once
// What the gateway does for browsers: it serves a web console over the same
// mutual TLS as the API.
//
// A browser sends the user's client certificate with every request to the
// gateway, also one that a page of another site makes it send (a form, a
// fetch with mode "no-cors"): cross-site request forgery. The API does not
// look at Content-Type, so such a request would act as the user. Browsers
// say where a request comes from (Sec-Fetch-Site, Origin); partner systems,
// adapters and curl send neither header and are not affected.
//
// Thread-safety: pure functions.

#include <string_view>

#include "core/status.h"
#include "gateway/api.h"

namespace vh::gw {

// Ok, or PermissionDenied "cross_site_request" when `req`
//   - is for the API (/v1/...), whatever its method, and carries
//     Sec-Fetch-Site other than "same-origin" or "none": reads leave events
//     too (a check, a dossier view), which another site's page must not make
//     in the user's name; the console's files open from anywhere;
//   - changes state (POST, PUT, DELETE, PATCH) and carries such a
//     Sec-Fetch-Site, or an Origin other than the gateway's own: "https://"
//     + the Host header as the client sent it (an Origin without a Host is
//     refused).
// A request without either header passes. The message names neither value.
Status CheckSameOrigin(const ApiRequest& req);

// The response headers every answer carries for browsers, as the lines the
// session writes into each response head (beside Cache-Control: no-store,
// nosniff and HSTS):
//   Content-Security-Policy: default-src 'self'; frame-ancestors 'none';
//     base-uri 'none'; form-action 'none'   (no inline script or style)
//   Referrer-Policy: no-referrer
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Resource-Policy: same-origin  (no other site embeds a body)
inline constexpr std::string_view kBrowserHeaderLines =
    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Cross-Origin-Resource-Policy: same-origin\r\n";

}  // namespace vh::gw
