#include "core/role.h"

namespace vh {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kSupplier:
      return "supplier";
    case Role::kParticipant:
      return "participant";
    case Role::kCoordinator:
      return "coordinator";
    case Role::kPrivacyOfficer:
      return "privacy-officer";
    case Role::kAdmin:
      return "admin";
    case Role::kSystem:
      return "system";
  }
  return "";
}

std::optional<Role> ParseCertificateRole(std::string_view ou) {
  for (Role r : {Role::kSupplier, Role::kParticipant, Role::kCoordinator, Role::kPrivacyOfficer,
                 Role::kAdmin}) {
    if (RoleName(r) == ou) return r;
  }
  return std::nullopt;
}

}  // namespace vh
