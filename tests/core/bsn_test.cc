#include "core/bsn.h"

#include <gtest/gtest.h>

namespace vh {
namespace {

TEST(BsnTest, ElevenProef) {
  EXPECT_TRUE(IsValidBsn("111222333"));  // 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-3 = 66
  EXPECT_TRUE(IsValidBsn("123456782"));
  EXPECT_FALSE(IsValidBsn("123456789"));
  EXPECT_FALSE(IsValidBsn("000000000"));
  EXPECT_FALSE(IsValidBsn("12345678"));
  EXPECT_FALSE(IsValidBsn("12345678a"));
  EXPECT_FALSE(IsValidBsn("1234567820"));
  EXPECT_FALSE(IsValidBsn("111 222 333"));  // normalise first
}

TEST(BsnTest, NormalisesAsPeopleAndSpreadsheetsWriteIt) {
  EXPECT_EQ(NormaliseBsn("111222333"), "111222333");
  EXPECT_EQ(NormaliseBsn("111 222 333"), "111222333");
  EXPECT_EQ(NormaliseBsn("111.222.333"), "111222333");
  EXPECT_EQ(NormaliseBsn("1112-22-333"), "111222333");
  EXPECT_EQ(NormaliseBsn("12345678"), "012345678");  // a spreadsheet dropped the zero
  EXPECT_EQ(NormaliseBsn("S1"), std::nullopt);
  EXPECT_EQ(NormaliseBsn(""), std::nullopt);
  EXPECT_EQ(NormaliseBsn("1234567"), std::nullopt);
  EXPECT_EQ(NormaliseBsn("1234567890"), std::nullopt);
  EXPECT_EQ(NormaliseBsn("12345678x"), std::nullopt);
  EXPECT_TRUE(IsValidBsn(*NormaliseBsn("1112 22 333")));
}

}  // namespace
}  // namespace vh
