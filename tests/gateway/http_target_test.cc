#include "gateway/http_target.h"

#include <gtest/gtest.h>

namespace vh::gw {
namespace {

ApiRequest Split(std::string_view target) {
  ApiRequest req;
  SplitTarget(target, &req);
  return req;
}

using Query = std::map<std::string, std::string>;

TEST(HttpTargetTest, PathWithoutQuery) {
  ApiRequest r = Split("/v1/meetings/m-42/dossier");
  EXPECT_EQ(r.path, "/v1/meetings/m-42/dossier");
  EXPECT_TRUE(r.query.empty());
}

TEST(HttpTargetTest, QueryPairs) {
  ApiRequest r = Split("/v1/audit/events?bsn=123456782&type=answer_received&limit=10");
  EXPECT_EQ(r.path, "/v1/audit/events");
  EXPECT_EQ(r.query, (Query{{"bsn", "123456782"}, {"type", "answer_received"}, {"limit", "10"}}));
}

TEST(HttpTargetTest, RepeatedKeyKeepsTheLastValue) {
  EXPECT_EQ(Split("/x?a=1&a=2&a=3").query, (Query{{"a", "3"}}));
}

TEST(HttpTargetTest, EmptyValuesAndPairs) {
  // No '=': the value is "". "a=" too. Empty pairs are skipped; an empty key
  // is a key.
  EXPECT_EQ(Split("/x?flag&a=&&=v&").query, (Query{{"flag", ""}, {"a", ""}, {"", "v"}}));
  // A bare '?' is an empty query.
  ApiRequest r = Split("/x?");
  EXPECT_EQ(r.path, "/x");
  EXPECT_TRUE(r.query.empty());
}

TEST(HttpTargetTest, ValueSplitsAtTheFirstEquals) {
  EXPECT_EQ(Split("/x?cursor=a=b=c").query, (Query{{"cursor", "a=b=c"}}));
}

TEST(HttpTargetTest, QueryIsPercentAndFormDecoded) {
  EXPECT_EQ(Split("/x?q=a%20b+c%2Bd&k%3D=%26").query, (Query{{"q", "a b c+d"}, {"k=", "&"}}));
  EXPECT_EQ(Split("/x?to=2024-01-01T00%3A00%3A00Z").query, (Query{{"to", "2024-01-01T00:00:00Z"}}));
  // Both cases of hex digits; an encoded slash in the query is a slash.
  EXPECT_EQ(Split("/x?p=%2f%2F%c3%A9").query, (Query{{"p", "//\xc3\xa9"}}));
}

TEST(HttpTargetTest, BadEscapesStayAsTheyAre) {
  EXPECT_EQ(DecodeQueryComponent("%"), "%");
  EXPECT_EQ(DecodeQueryComponent("%4"), "%4");
  EXPECT_EQ(DecodeQueryComponent("a%zz"), "a%zz");
  EXPECT_EQ(DecodeQueryComponent("%4g%41"), "%4gA");
  EXPECT_EQ(DecodeQueryComponent("100%"), "100%");
  EXPECT_EQ(DecodeQueryComponent("%%41"), "%A");
}

TEST(HttpTargetTest, EscapesDecodeToAnyByte) {
  EXPECT_EQ(DecodeQueryComponent("a%00b"), std::string("a\0b", 3));
  EXPECT_EQ(DecodeQueryComponent("%ff"), "\xff");
}

TEST(HttpTargetTest, PathIsPercentDecodedButPlusStaysAPlus) {
  EXPECT_EQ(Split("/v1/meetings/m%2D42").path, "/v1/meetings/m-42");
  EXPECT_EQ(Split("/v1/a+b").path, "/v1/a+b");
  EXPECT_EQ(DecodePath("a+b%20c"), "a+b c");
}

// An encoded slash must not add a segment: "/v1/meetings/x%2Fdossier" is
// the meeting "x%2Fdossier", not the dossier of meeting "x".
TEST(HttpTargetTest, EncodedSlashInThePathStaysEncoded) {
  EXPECT_EQ(Split("/v1/meetings/x%2Fdossier").path, "/v1/meetings/x%2Fdossier");
  EXPECT_EQ(Split("/v1/meetings/x%2fdossier").path, "/v1/meetings/x%2fdossier");
  EXPECT_EQ(DecodePath("%2E%2E/%41"), "../A");
}

TEST(HttpTargetTest, OddTargetsAreTakenLiterally) {
  // A fragment is not special: it stays in the path or the value.
  EXPECT_EQ(Split("/v1/health#top").path, "/v1/health#top");
  EXPECT_EQ(Split("/x?a=1#f").query, (Query{{"a", "1#f"}}));
  // Only the first '?' starts the query.
  EXPECT_EQ(Split("/x?a=b?c").query, (Query{{"a", "b?c"}}));
  // Absolute form and '*' are no path the router knows: they stay as given.
  EXPECT_EQ(Split("https://gw/v1/health").path, "https://gw/v1/health");
  EXPECT_EQ(Split("*").path, "*");
  EXPECT_EQ(Split("").path, "");
  EXPECT_EQ(Split("?a=1").path, "");
  EXPECT_EQ(Split("?a=1").query, (Query{{"a", "1"}}));
}

TEST(HttpTargetTest, ExistingQueryEntriesAreOverwrittenNotCleared) {
  ApiRequest r;
  r.query["keep"] = "1";
  r.query["a"] = "old";
  SplitTarget("/x?a=new", &r);
  EXPECT_EQ(r.query, (Query{{"keep", "1"}, {"a", "new"}}));
}

}  // namespace
}  // namespace vh::gw
