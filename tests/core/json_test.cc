#include "core/json.h"

#include <gtest/gtest.h>

namespace vh {
namespace {

TEST(JsonTest, ParsesValidObject) {
  auto r = ParseJson(R"({"a": [1, 2, {"b": "c"}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["a"][2]["b"], "c");
}

TEST(JsonTest, RefusesMalformedWithOffsetNotContent) {
  auto r = ParseJson(R"({"geheim": "Jansen", )");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "malformed_json");
  EXPECT_EQ(r.status().message().find("Jansen"), std::string::npos);
  EXPECT_NE(r.status().message().find("near byte"), std::string::npos);
}

TEST(JsonTest, RefusesDeepNestingWithoutRecursing) {
  std::string deep(100000, '[');
  auto r = ParseJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested deeper"), std::string::npos);
  EXPECT_EQ(JsonDepth(R"({"a": "[[[[[["})", 3), 1u);
}

TEST(JsonTest, RefusesOversized) {
  JsonLimits lim;
  lim.max_bytes = 10;
  auto r = ParseJson(R"({"a": "0123456789"})", lim);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kTooLarge);
}

TEST(JsonTest, RefusesInvalidUtf8) {
  std::string bad = "{\"a\": \"\xff\xfe\"}";
  EXPECT_FALSE(ParseJson(bad).ok());
}

TEST(JsonTest, CommentsOnlyWhenAllowed) {
  std::string text = "// note\n{\"a\": 1 /* x */}";
  EXPECT_FALSE(ParseJson(text).ok());
  JsonLimits lim;
  lim.allow_comments = true;
  EXPECT_TRUE(ParseJson(text, lim).ok());
}

TEST(JsonTest, UnknownKeyNamesPath) {
  Json j = {{"a", 1}, {"zz", 2}};
  Status s = CheckKnownKeys(j, "/body", {"a", "b"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kUnprocessable);
  EXPECT_EQ(s.reason(), "unknown_field");
  EXPECT_EQ(s.message(), "/body/zz: unknown field");
}

TEST(JsonTest, ErrorBodyShape) {
  auto j = Json::parse(ErrorBody("not_found", "no such meeting"));
  EXPECT_EQ(j["error"]["code"], "not_found");
  EXPECT_EQ(j["error"]["message"], "no such meeting");
}

TEST(JsonTest, SyntaxErrorHasLineColumnAndNoContent) {
  EXPECT_FALSE(FindJsonSyntaxError("{\"a\": 1}", false));
  // A missing comma: the token after it, where the object expected ',' or '}'.
  auto e = FindJsonSyntaxError("{\n  // c\n  \"a\": 1\n  \"geheim\": 2\n}", true);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line, 4u);
  EXPECT_EQ(e->column, 3u);
  EXPECT_EQ(e->reason, "unexpected string literal; expected ',' or '}'");
  // An invalid literal: nlohmann's "last read: '...'" (the text) is left out.
  e = FindJsonSyntaxError("{\"a\": [1,\n  geheim]}", false);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line, 2u);
  EXPECT_EQ(e->column, 3u);
  EXPECT_EQ(e->reason.find("geheim"), std::string::npos) << e->reason;
  EXPECT_EQ(e->reason, "invalid literal");
  // The end of the text.
  e = FindJsonSyntaxError("{\"a\": 1,\n", false);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line, 2u);
  EXPECT_EQ(e->column, 1u);
  EXPECT_EQ(e->reason, "unexpected end of input; expected string literal");
}

TEST(JsonTest, AKeyTwiceInOneObjectIsRefusedWhereItRepeats) {
  // nlohmann alone keeps the last: {"fields": {...}, "fields": {}} would
  // silently become the second.
  auto r = ParseJson(R"({"fields": {"a": 1}, "fields": {}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "malformed_json");
  EXPECT_EQ(r.status().message(), "a key appears twice in one object (near byte 21)");
  // Compared decoded; the same name in another object, as a value or in an
  // array is no repeat; a comment is skipped where comments are allowed.
  EXPECT_FALSE(ParseJson(R"({"bsn": 1, "\u0062sn": 2})").ok());
  EXPECT_TRUE(ParseJson(R"({"a": {"a": "a"}, "b": [{"a": 1}, {"a": 2}], "c": "a"})").ok());
  EXPECT_TRUE(ParseJson(R"({"a": "x\"y", "b": "\\", "c": 1})").ok());
  JsonLimits lim;
  lim.allow_comments = true;
  EXPECT_TRUE(ParseJson("{\"a\": 1, /* \"a\": */ \"b\": 2 // \"a\"\n}", lim).ok());
  // A person's file: its line and column.
  auto e = FindJsonSyntaxError("{\n  \"rules\": [],\n  \"id\": 1,\n  \"rules\": []\n}", false);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line, 4u);
  EXPECT_EQ(e->column, 3u);
  EXPECT_EQ(e->reason, "a key appears twice in one object");
}

}  // namespace
}  // namespace vh
