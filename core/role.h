#pragma once
// The roles of a client certificate's OU (the one home for their names), and
// the gateway's own actor role for work it does itself (sweeps, reloads by
// signal, CLI commands).

#include <optional>
#include <string_view>

namespace vh {

enum class Role { kSupplier, kParticipant, kCoordinator, kPrivacyOfficer, kAdmin, kSystem };

// The name as certificates and audit events write it: "supplier",
// "participant", "coordinator", "privacy-officer", "admin", "system".
std::string_view RoleName(Role role);

// The role a certificate's OU names; nullopt for anything else, including
// "system", which no certificate may claim.
std::optional<Role> ParseCertificateRole(std::string_view ou);

}  // namespace vh
