#include "core/html.h"

#include <gtest/gtest.h>

namespace vh {
namespace {

TEST(HtmlTest, EscapesWhatHtmlGivesMeaning) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">O'Neil & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain"), "plain");
}

}  // namespace
}  // namespace vh
