#include "core/role.h"

#include <gtest/gtest.h>

namespace vh {
namespace {

TEST(RoleTest, CertificateRolesRoundTripAndSystemIsNotOne) {
  for (Role r : {Role::kSupplier, Role::kParticipant, Role::kCoordinator, Role::kPrivacyOfficer,
                 Role::kAdmin}) {
    EXPECT_EQ(ParseCertificateRole(RoleName(r)), r);
  }
  EXPECT_EQ(ParseCertificateRole("system"), std::nullopt);
  EXPECT_EQ(ParseCertificateRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseCertificateRole(""), std::nullopt);
}

}  // namespace
}  // namespace vh
