#pragma once
// The JSON of the declaration resources (docs/openapi.json): GET
// /v1/meetings/{id}/declaration and POST /v1/meetings/{id}/declarations.
// DecodeSignDeclaration does the structural checks (422 naming the JSON
// path); the exchange compares the hash. Thread-safety: pure functions.

#include "core/json.h"
#include "core/status.h"
#include "exchange/types.h"

namespace vh::gw::codecs {

// {meeting, text, text_sha256, signed, declaration}: `signed` and
// `declaration` ("unsigned" | "signed" | "outdated") are the caller's own.
Json EncodeDeclaration(const exchange::Declaration& declaration);

Result<exchange::SignDeclaration> DecodeSignDeclaration(const Json& body);
Json EncodeSignDeclaration(const exchange::SignDeclaration& command);
// {meeting, partner, signed_by, signed_at, text_sha256}
Json EncodeDeclarationSignature(const exchange::DeclarationSignature& signature);

}  // namespace vh::gw::codecs
