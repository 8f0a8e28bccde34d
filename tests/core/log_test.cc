// core/log: every line one JSON object, and nothing in it that a terminal
// would act on (controls, bidirectional overrides), whatever a field holds.
#include "core/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace vh {
namespace {

// The line Log writes to stderr for `fields`.
std::string CaptureLine(const Json& fields) {
  std::FILE* tmp = std::tmpfile();
  const int saved = ::dup(2);
  ::dup2(::fileno(tmp), 2);
  LogWarn("test_event", fields);
  ::dup2(saved, 2);
  ::close(saved);
  std::string out;
  std::rewind(tmp);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, tmp)) > 0) out.append(buf, n);
  std::fclose(tmp);
  return out;
}

TEST(LogTest, ControlAndBidiCharactersAreEscapedInEveryField) {
  // A subject as a client certificate may carry it: a right-to-left
  // override, a newline that would start a forged line, an ANSI escape, DEL,
  // a C1 control (CSI), a zero-width space and a line separator.
  const std::string cn =
      "Evil\u202Egnp.exe\n{\"event\":\"forged\"}\x1b[31m\x7f\xc2\x9b\u200B\u2028end";
  const std::string line = CaptureLine({{"subject", cn}, {cn, 1}});
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line only";
  for (const std::string raw : {"\u202E", "\x1b", "\x7f", "\xc2\x9b", "\u200B", "\u2028"}) {
    EXPECT_EQ(line.find(raw), std::string::npos) << line;
  }
  EXPECT_NE(line.find("\\u202e"), std::string::npos) << line;
  EXPECT_NE(line.find("\\u007f"), std::string::npos) << line;
  EXPECT_NE(line.find("\\u009b"), std::string::npos) << line;
  // It still parses, to the very same text.
  Json j = Json::parse(line, nullptr, false);
  ASSERT_TRUE(j.is_object()) << line;
  EXPECT_EQ(j["subject"], cn);
  EXPECT_TRUE(j.contains(cn));
}

TEST(LogTest, OrdinaryTextIsLeftAlone) {
  const std::string name = "Gemeente 's-Hertogenbosch — café Ærø 日本";
  const std::string line = CaptureLine({{"name", name}});
  EXPECT_NE(line.find(name), std::string::npos) << line;
  EXPECT_EQ(EscapeLogLine("{\"a\":\"plain\"}"), "{\"a\":\"plain\"}");
}

}  // namespace
}  // namespace vh
