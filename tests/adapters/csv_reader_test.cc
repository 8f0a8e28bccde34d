#include "adapters/csv_reader.h"

#include <gtest/gtest.h>

namespace vh::adapters {
namespace {

TEST(CsvReaderTest, ReadsQuotesDelimitersAndLineEndings) {
  std::vector<CsvRecord> recs;
  FileError e;
  ASSERT_TRUE(
      ParseCsv("\xEF\xBB\xBF"
               "a;b;c\r\n1;\"x;y\";\"he said \"\"hi\"\"\"\r\n\r\n2;\"multi\nline\";\n",
               ';', &recs, &e))
      << e.ToString();
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].cells, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(recs[1].cells, (std::vector<std::string>{"1", "x;y", "he said \"hi\""}));
  EXPECT_EQ(recs[1].line, 2);
  EXPECT_EQ(recs[2].line, 4);
  EXPECT_EQ(recs[2].cells, (std::vector<std::string>{"2", "multi\nline", ""}));
  EXPECT_EQ(recs[1].columns, (std::vector<int>{1, 3, 9}));
}

TEST(CsvReaderTest, UnterminatedQuoteNamesWhereItOpened) {
  std::vector<CsvRecord> recs;
  FileError e;
  ASSERT_FALSE(ParseCsv("a,b\n1,2\n3,\"open\n4,5\n", ',', &recs, &e));
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.ToString(), "line 3, column 3: quoted cell is never closed");
}

TEST(CsvReaderTest, StrayQuotesAreErrorsWithPlace) {
  std::vector<CsvRecord> recs;
  FileError e;
  ASSERT_FALSE(ParseCsv("a,b\n1,x\"y\n", ',', &recs, &e));
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 4);
  ASSERT_FALSE(ParseCsv("a,b\n\"1\"x,2\n", ',', &recs, &e));
  EXPECT_EQ(e.line, 2);
}

TEST(CsvReaderTest, InvalidUtf8NamesLineAndColumn) {
  FileError e;
  EXPECT_TRUE(
      CheckUtf8("gem\xC3\xAB"
                "ente\n",
                &e));
  EXPECT_FALSE(CheckUtf8("ok\nab\xFF", &e));
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 3);
  EXPECT_FALSE(CheckUtf8("\xC0\xAF", &e));  // overlong
}

TEST(CsvReaderTest, NeverCrashesOnArbitraryBytes) {
  std::string s;
  unsigned x = 12345;
  for (int round = 0; round < 2000; ++round) {
    s.clear();
    for (int i = 0; i < 64; ++i) {
      x = x * 1103515245 + 12345;
      const char alphabet[] = {'"', ',', ';', '\n', '\r', 'a', '1', ' ', '\0', '\xC3'};
      s.push_back(alphabet[(x >> 16) % sizeof(alphabet)]);
    }
    std::vector<CsvRecord> recs;
    FileError e;
    (void)ParseCsv(s, ',', &recs, &e);
    (void)CheckUtf8(s, &e);
  }
  SUCCEED();
}

}  // namespace
}  // namespace vh::adapters
