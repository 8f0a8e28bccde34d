#include "gateway/codecs/declaration_codec.h"

#include "gateway/codecs/body_reader.h"

namespace vh::gw::codecs {

Json EncodeDeclaration(const exchange::Declaration& declaration) {
  return Json{{"meeting", declaration.meeting},
              {"text", declaration.text},
              {"text_sha256", declaration.text_sha256},
              {"signed", declaration.state == exchange::DeclarationState::kSigned},
              {"declaration", exchange::DeclarationStateName(declaration.state)}};
}

Result<exchange::SignDeclaration> DecodeSignDeclaration(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"text_sha256"}));
  exchange::SignDeclaration s;
  VH_RETURN_IF_ERROR(
      ReadString(body, "text_sha256", "", exchange::kMaxIdBytes, false, &s.text_sha256));
  return s;
}

Json EncodeSignDeclaration(const exchange::SignDeclaration& command) {
  return Json{{"text_sha256", command.text_sha256}};
}

Json EncodeDeclarationSignature(const exchange::DeclarationSignature& signature) {
  return Json{{"meeting", signature.meeting},
              {"partner", signature.partner},
              {"signed_by", signature.signed_by},
              {"signed_at", FormatUtc(signature.signed_at)},
              {"text_sha256", signature.text_sha256}};
}

}  // namespace vh::gw::codecs
