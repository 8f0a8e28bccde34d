#include "crypto/primitives.h"

#include <gtest/gtest.h>

#include "crypto/hex.h"

namespace vh::crypto {
namespace {

class PrimitivesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

// Known answers: BLAKE2b-256("") and SHA-256("abc").
TEST_F(PrimitivesTest, KnownAnswers) {
  auto h = ContentHash("");
  EXPECT_EQ(ToHex(h.data(), h.size()),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto two = ContentHash2("ab", "c");
  EXPECT_EQ(two, ContentHash("abc"));
}

TEST_F(PrimitivesTest, KeyedDigestDependsOnKeyAndDomain) {
  auto k1 = SecretBytes::Random(kKeyBytes);
  auto k2 = SecretBytes::Random(kKeyBytes);
  EXPECT_EQ(KeyedDigest(k1, "bsn", "123456782"), KeyedDigest(k1, "bsn", "123456782"));
  EXPECT_NE(KeyedDigest(k1, "bsn", "123456782"), KeyedDigest(k2, "bsn", "123456782"));
  EXPECT_NE(KeyedDigest(k1, "bsn", "123456782"), KeyedDigest(k1, "ref", "123456782"));
  EXPECT_NE(KeyedDigest(k1, "ab", "c"), KeyedDigest(k1, "a", "bc"));
}

TEST_F(PrimitivesTest, SealOpenAndTamper) {
  auto k = SecretBytes::Random(kKeyBytes);
  std::string box = Seal(k, "geheime waarde", "meeting-1");
  auto back = Open(k, box, "meeting-1");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, "geheime waarde");
  EXPECT_FALSE(Open(k, box, "meeting-2"));
  std::string bad = box;
  bad[bad.size() / 2] ^= 1;
  EXPECT_FALSE(Open(k, bad, "meeting-1"));
  EXPECT_FALSE(Open(k, box.substr(0, 10), "meeting-1"));
  auto other = SecretBytes::Random(kKeyBytes);
  EXPECT_FALSE(Open(other, box, "meeting-1"));
}

TEST_F(PrimitivesTest, WrapsKeys) {
  auto kek = SecretBytes::Random(kKeyBytes);
  auto dek = SecretBytes::Random(kKeyBytes);
  std::string wrapped =
      Seal(kek, std::string_view(reinterpret_cast<const char*>(dek.data()), dek.size()), "m");
  auto back = OpenKey(kek, wrapped, "m");
  ASSERT_TRUE(back);
  EXPECT_TRUE(ConstantTimeEqual(back->data(), dek.data(), kKeyBytes));
}

TEST_F(PrimitivesTest, SignVerify) {
  auto kp = NewSigningKeyPair();
  auto sig = Sign(kp.secret_key, "checkpoint 1000");
  EXPECT_TRUE(Verify(kp.public_key, "checkpoint 1000", sig));
  EXPECT_FALSE(Verify(kp.public_key, "checkpoint 1001", sig));
  sig[0] ^= 1;
  EXPECT_FALSE(Verify(kp.public_key, "checkpoint 1000", sig));
}

}  // namespace
}  // namespace vh::crypto
