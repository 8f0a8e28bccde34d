// file-drop against a real directory, with the FakeSink standing in for the
// exchange.

#include "adapters/file_drop_adapter.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "adapters/adapter_config.h"
#include "tests/adapters/fake_sink.h"
#include "tests/adapters/test_util.h"

namespace vh::adapters {
namespace {

namespace fs = std::filesystem;
using testing::FakeSink;
using testing::ListDir;
using testing::ReadAll;
using testing::TempDir;
using testing::TestBsn;
using testing::WriteFile;

OpenRequest DropRequest(const std::string& id, int bsn_seed) {
  OpenRequest r;
  r.id = id;
  r.meeting = "m-1";
  r.overlegvorm = "briefing";
  r.identity = {{"persoon.bsn", TestBsn(bsn_seed)}};
  r.fields = {"inkomen.uitkering", "wonen.situatie"};
  return r;
}

class FileDropAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    drop_ = tmp_.path() + "/drop";
    state_ = tmp_.path() + "/state";
    sink_.AddRequest(DropRequest("r-1", 1));
    sink_.AddRequest(DropRequest("r-2", 2));
    sink_.AddRequest(DropRequest("r-3", 3));
  }

  Json Entry(Json overrides = Json::object()) {
    Json e{{"partner", "gemeente-leiden"},
           {"kind", "file-drop"},
           {"dir", drop_},
           {"format", "csv"},
           {"settle_seconds", 0},
           {"mapping",
            {{"BSN", "persoon.bsn"},
             {"Uitkering", "inkomen.uitkering"},
             {"Woonsituatie", "wonen.situatie"},
             {"Schuld", "inkomen.schulden_bedrag"},
             {"Medisch", "zorg.diagnose"}}}};
    if (overrides.contains("mapping")) e.erase("mapping");
    e.merge_patch(overrides);
    return e;
  }

  std::unique_ptr<FileDropAdapter> Make(Json overrides = Json::object()) {
    auto cfg = ParseAdapterConfigs(Json::array({Entry(overrides)}), "gateway.json", "/");
    EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
    auto a = FileDropAdapter::Create((*cfg)[0], state_, sink_, metrics_);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(*a) : nullptr;
  }

  std::string ValidCsv() {
    return "BSN;Uitkering;Woonsituatie;Schuld\n" + TestBsn(1) + ";ja;Zelfstandig;1200\n" +
           TestBsn(2) + ";nee;dakloos;\n";
  }

  TempDir tmp_;
  std::string drop_, state_;
  FakeSink sink_;
  AdapterMetrics metrics_;
  StopSignal never_;
};

TEST_F(FileDropAdapterTest, ValidCsvIsImportedOnceAndMovedToDone) {
  auto a = Make({{"delimiter", ";"}});
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/leiden-2026-11-23.csv", ValidCsv());
  a->RunOnce(never_);
  auto answers = sink_.answers();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].request, "r-1");
  EXPECT_EQ(answers[0].fields, (Json{{"inkomen.uitkering", true},
                                     {"wonen.situatie", "zelfstandig"},
                                     {"inkomen.schulden_bedrag", 1200}}));
  EXPECT_EQ(answers[1].request, "r-2");
  EXPECT_EQ(answers[1].fields, (Json{{"inkomen.uitkering", false}, {"wonen.situatie", "dakloos"}}));
  EXPECT_EQ(answers[0].source.channel, "file-drop");
  EXPECT_EQ(answers[0].source.location, "leiden-2026-11-23.csv");
  EXPECT_EQ(ListDir(drop_), std::vector<std::string>{});
  EXPECT_EQ(ListDir(drop_ + "/done"), std::vector<std::string>{"leiden-2026-11-23.csv"});
  EXPECT_EQ(metrics_.Get(kFilesTotal, "gemeente-leiden", "imported"), 1u);
  a->RunOnce(never_);
  EXPECT_EQ(sink_.answers().size(), 2u);
}

TEST_F(FileDropAdapterTest, BadRowRejectsTheWholeFileNamingLineAndColumn) {
  auto a = Make({{"delimiter", ";"}});
  ASSERT_NE(a, nullptr);
  std::string csv = "BSN;Uitkering;Woonsituatie;Schuld\n" + TestBsn(1) + ";ja;zelfstandig;10\n" +
                    TestBsn(2) + ";misschien;dakloos;\n" + TestBsn(3) + ";nee;kasteel;veel\n";
  WriteFile(drop_ + "/export.csv", csv);
  a->RunOnce(never_);
  EXPECT_TRUE(sink_.answers().empty());  // not even the good first row
  EXPECT_EQ(ListDir(drop_ + "/rejected"),
            (std::vector<std::string>{"export.csv", "export.csv.error.txt"}));
  std::string err = ReadAll(drop_ + "/rejected/export.csv.error.txt");
  EXPECT_NE(err.find("export.csv: line 3, column 2: 'Uitkering': expected a boolean"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("line 4, column 3: 'Woonsituatie': expected one of: zelfstandig, dakloos, "
                     "opvang"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("line 4, column 4: 'Schuld': expected a whole number"), std::string::npos)
      << err;
  EXPECT_EQ(err.find("misschien"), std::string::npos);  // never the values
  EXPECT_EQ(err.find(TestBsn(2)), std::string::npos);
  EXPECT_EQ(metrics_.Get(kFilesTotal, "gemeente-leiden", "rejected"), 1u);
}

TEST_F(FileDropAdapterTest, RowWithoutOpenRequestRejectsTheFile) {
  auto a = Make();
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/x.csv", "BSN,Uitkering\n" + TestBsn(1) + ",ja\n" + TestBsn(7) + ",nee\n" +
                                  TestBsn(1) + ",nee\n");
  a->RunOnce(never_);
  EXPECT_TRUE(sink_.answers().empty());
  std::string err = ReadAll(drop_ + "/rejected/x.csv.error.txt");
  EXPECT_NE(err.find("line 3, column 1: 'BSN': no open request of gemeente-leiden matches"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("line 4, column 1: answers the same request as line 2"), std::string::npos)
      << err;
}

TEST_F(FileDropAdapterTest, UnknownColumnAndRaggedRowsAreRejected) {
  auto a = Make();
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/a.csv", "BSN,Uitkering,Geheim\n" + TestBsn(1) + ",ja,x\n");
  WriteFile(drop_ + "/b.csv", "BSN,Uitkering\n" + TestBsn(1) + ",ja,extra\n");
  WriteFile(drop_ + "/c.csv", "BSN,Uitkering\n" + TestBsn(1) + ",\"ja\n");
  a->RunOnce(never_);
  EXPECT_TRUE(sink_.answers().empty());
  EXPECT_NE(ReadAll(drop_ + "/rejected/a.csv.error.txt")
                .find("line 1, column 3: column 'Geheim' is not in the mapping"),
            std::string::npos);
  EXPECT_NE(ReadAll(drop_ + "/rejected/b.csv.error.txt").find("line 2: expected 2 cells, found 3"),
            std::string::npos);
  EXPECT_NE(ReadAll(drop_ + "/rejected/c.csv.error.txt")
                .find("line 2, column 11: quoted cell is never closed"),
            std::string::npos);
}

TEST_F(FileDropAdapterTest, SameFileDroppedTwiceIsImportedOnce) {
  auto a = Make({{"delimiter", ";"}});
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/monday.csv", ValidCsv());
  a->RunOnce(never_);
  ASSERT_EQ(sink_.answers().size(), 2u);
  // The same content again, under the same and under another name, also
  // after a restart of the gateway (a new adapter reading the ledger).
  sink_.AddRequest(DropRequest("r-1b", 1));  // even with a new open request for that person
  WriteFile(drop_ + "/monday.csv", ValidCsv());
  a->RunOnce(never_);
  a = Make({{"delimiter", ";"}});
  WriteFile(drop_ + "/tuesday.csv", ValidCsv());
  a->RunOnce(never_);
  EXPECT_EQ(sink_.answers().size(), 2u);
  EXPECT_EQ(metrics_.Get(kFilesTotal, "gemeente-leiden", "duplicate"), 2u);
  std::string err = ReadAll(drop_ + "/rejected/tuesday.csv.error.txt");
  EXPECT_NE(err.find("already imported from 'monday.csv'"), std::string::npos) << err;
  auto rejected = ListDir(drop_ + "/rejected");
  EXPECT_EQ(rejected.size(), 4u);  // monday.csv, its error, tuesday.csv, its error
}

TEST_F(FileDropAdapterTest, FilesStillBeingWrittenAreNotRead) {
  auto a = Make({{"settle_seconds", 1}});
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/.export.csv", "BSN,Uitkering\n" + TestBsn(1) + ",ja\n");
  WriteFile(drop_ + "/export.csv.tmp", "BSN,Uitkering\n" + TestBsn(1) + ",ja\n");
  WriteFile(drop_ + "/fresh.csv", "BSN,Uitkering\n" + TestBsn(1) + ",ja\n");
  a->RunOnce(never_);  // fresh.csv: just written, not settled
  EXPECT_TRUE(sink_.answers().empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  a->RunOnce(never_);  // unchanged for a second and seen twice: read now
  ASSERT_EQ(sink_.answers().size(), 1u);
  EXPECT_EQ(ListDir(drop_ + "/done"), std::vector<std::string>{"fresh.csv"});
  EXPECT_EQ(ListDir(drop_), (std::vector<std::string>{".export.csv", "export.csv.tmp"}));
}

TEST_F(FileDropAdapterTest, JsonFilesByRequestIdWithErrorsByLine) {
  auto a = Make({{"format", "json"},
                 {"mapping",
                  {{"verzoek", "@request"},
                   {"uitkering", "inkomen.uitkering"},
                   {"straat", "persoon.adres/straat"},
                   {"woonplaats", "persoon.adres/woonplaats"}}}});
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/bad.json",
            "{\"answers\": [\n  {\"verzoek\": \"r-1\", \"uitkering\": true},\n"
            "  {\"verzoek\": \"r-404\", \"uitkering\": false}\n]}\n");
  WriteFile(drop_ + "/broken.json", "[\n {\"verzoek\": \"r-1\",\n  \"uitkering\": tru }\n]\n");
  a->RunOnce(never_);
  EXPECT_TRUE(sink_.answers().empty());
  EXPECT_NE(ReadAll(drop_ + "/rejected/bad.json.error.txt")
                .find("line 3, column 3: 'verzoek': no open request with this id"),
            std::string::npos)
      << ReadAll(drop_ + "/rejected/bad.json.error.txt");
  EXPECT_NE(ReadAll(drop_ + "/rejected/broken.json.error.txt").find("line 3"), std::string::npos)
      << ReadAll(drop_ + "/rejected/broken.json.error.txt");
  WriteFile(drop_ + "/good.json",
            "[{\"verzoek\": \"r-2\", \"uitkering\": \"nee\", \"straat\": \"Teststraat 1\", "
            "\"woonplaats\": \"Leiden\"}]");
  a->RunOnce(never_);
  ASSERT_EQ(sink_.answers().size(), 1u);
  EXPECT_EQ(sink_.answers()[0].request, "r-2");
  EXPECT_EQ(sink_.answers()[0].fields,
            (Json{{"inkomen.uitkering", false},
                  {"persoon.adres", {{"straat", "Teststraat 1"}, {"woonplaats", "Leiden"}}}}));
}

TEST_F(FileDropAdapterTest, ColumnsTheCovenantDoesNotAllowAreWithheldNotRejected) {
  auto a = Make();
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/x.csv", "BSN,Uitkering,Medisch\n" + TestBsn(1) + ",ja,synthetisch\n");
  a->RunOnce(never_);
  ASSERT_EQ(sink_.answers().size(), 1u);
  EXPECT_EQ(sink_.withheld()[0], Json::array({"zorg.diagnose"}));
  EXPECT_EQ(metrics_.Get(kFieldsTotal, "gemeente-leiden", "withheld"), 1u);
}

TEST_F(FileDropAdapterTest, InterruptedImportResumesWithoutAnsweringTwice) {
  auto a = Make({{"delimiter", ";"}});
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/x.csv", "BSN;Uitkering\n" + TestBsn(1) + ";ja\n" + TestBsn(2) + ";nee\n" +
                                  TestBsn(3) + ";ja\n");
  sink_.FailAnswers(/*after=*/1, /*count=*/1);  // r-1 stored, then the store is unavailable
  a->RunOnce(never_);
  ASSERT_EQ(sink_.answers().size(), 1u);
  EXPECT_EQ(ListDir(drop_), std::vector<std::string>{"x.csv"});  // left for the next round
  // The gateway restarts; the ledger says r-1 (line 2) was answered.
  a = Make({{"delimiter", ";"}});
  a->RunOnce(never_);
  auto answers = sink_.answers();
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].request, "r-1");
  EXPECT_EQ(answers[1].request, "r-2");
  EXPECT_EQ(answers[2].request, "r-3");
  EXPECT_EQ(ListDir(drop_ + "/done"), std::vector<std::string>{"x.csv"});
  EXPECT_EQ(metrics_.Get(kFilesTotal, "gemeente-leiden", "imported"), 1u);
}

TEST_F(FileDropAdapterTest, GarbageNeverCrashesAndIsRejected) {
  auto a = Make();
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/bin.csv", std::string("\x00\xFF\xFE,\n\"\"\"", 8));
  WriteFile(drop_ + "/empty.csv", "");
  WriteFile(drop_ + "/header.csv", "BSN,Uitkering\n");
  a->RunOnce(never_);
  EXPECT_TRUE(sink_.answers().empty());
  EXPECT_EQ(ListDir(drop_ + "/rejected").size(), 6u);
  EXPECT_NE(ReadAll(drop_ + "/rejected/header.csv.error.txt").find("no rows"), std::string::npos);
}

// Whoever can write the drop folder plants links where the
// gateway writes its reports. The gateway must replace them, never write
// through them (here onto a stand-in for a key file).
TEST_F(FileDropAdapterTest, ReportsNeverWriteThroughLinksPlantedInTheFolder) {
  auto a = Make({{"delimiter", ";"}});
  ASSERT_NE(a, nullptr);
  const std::string victim = tmp_.path() + "/audit.key";
  WriteFile(victim, "SECRET\n");
  fs::create_symlink(victim, drop_ + "/rejected/.bad.csv.error.txt.tmp");
  fs::create_symlink(victim, drop_ + "/rejected/bad.csv.error.txt");
  // A quoted header cell may hold line breaks: the report repeats it.
  WriteFile(drop_ + "/bad.csv", "BSN;\"x\nssh-ed25519 AAAA attacker\n\"\n" + TestBsn(1) + ";1\n");
  a->RunOnce(never_);
  EXPECT_EQ(ReadAll(victim), "SECRET\n");
  EXPECT_FALSE(fs::is_symlink(drop_ + "/rejected/bad.csv.error.txt"));
  const std::string report = ReadAll(drop_ + "/rejected/bad.csv.error.txt");
  EXPECT_NE(report.find("vhgate did not import bad.csv"), std::string::npos) << report;
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.rfind("ssh-ed25519", 0), std::string::npos) << report;
  }
  struct stat st {};
  ASSERT_EQ(::lstat((drop_ + "/rejected/bad.csv.error.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);

  // A valid file whose answer is refused at import (answered elsewhere
  // between validation and import): done/late.csv.warnings.txt says so.
  WriteFile(drop_ + "/late.csv", "BSN;Uitkering\n" + TestBsn(3) + ";ja\n");
  fs::create_symlink(victim, drop_ + "/done/late.csv.warnings.txt");
  fs::create_symlink(victim, drop_ + "/done/.late.csv.warnings.txt.tmp");
  sink_.ConflictAnswers(1);
  a->RunOnce(never_);
  EXPECT_EQ(ReadAll(victim), "SECRET\n");
  EXPECT_FALSE(fs::is_symlink(drop_ + "/done/late.csv.warnings.txt"));
  EXPECT_NE(ReadAll(drop_ + "/done/late.csv.warnings.txt").find("was not answered"),
            std::string::npos);
}

// Inputs are regular files read from a descriptor with a bound: a link (to a
// key, to /dev/zero), a FIFO or a device named like an export is not read,
// and the round does not hang on it.
TEST_F(FileDropAdapterTest, LinksFifosAndDevicesAreNotRead) {
  auto a = Make({{"delimiter", ";"}});
  ASSERT_NE(a, nullptr);
  const std::string outside = tmp_.path() + "/outside.csv";
  WriteFile(outside, ValidCsv());
  fs::create_symlink(outside, drop_ + "/link.csv");
  fs::create_symlink("/dev/zero", drop_ + "/zero.csv");
  ASSERT_EQ(::mkfifo((drop_ + "/fifo.csv").c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  a->RunOnce(never_);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(sink_.answers().empty());
  EXPECT_TRUE(fs::is_symlink(drop_ + "/link.csv"));  // left where it is
  EXPECT_TRUE(ListDir(drop_ + "/rejected").empty());
  EXPECT_TRUE(ListDir(drop_ + "/done").empty());
}

// done/ or rejected/ replaced by a link before the start: the gateway does
// not start writing into wherever it points.
TEST_F(FileDropAdapterTest, ADoneFolderThatIsALinkStopsTheStart) {
  fs::create_directories(drop_);
  fs::create_directories(tmp_.path() + "/elsewhere");
  fs::create_symlink(tmp_.path() + "/elsewhere", drop_ + "/done");
  auto cfg = ParseAdapterConfigs(Json::array({Entry()}), "gateway.json", "/");
  ASSERT_TRUE(cfg.ok());
  auto a = FileDropAdapter::Create((*cfg)[0], state_, sink_, metrics_);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find(drop_ + "/done"), std::string::npos) << a.status().message();
}

// The folders the gateway creates are 0750, its ledger 0600 in a 0700 state
// directory.
TEST_F(FileDropAdapterTest, CreatedFoldersAndLedgerAreNotOpenToOthers) {
  const mode_t old = ::umask(022);
  auto a = Make({{"delimiter", ";"}});
  ::umask(old);
  ASSERT_NE(a, nullptr);
  WriteFile(drop_ + "/x.csv", ValidCsv());
  a->RunOnce(never_);
  auto mode = [](const std::string& p) {
    struct stat st {};
    ::lstat(p.c_str(), &st);
    return st.st_mode & 0777;
  };
  EXPECT_EQ(mode(drop_), 0750u);
  EXPECT_EQ(mode(drop_ + "/done"), 0750u);
  EXPECT_EQ(mode(drop_ + "/rejected"), 0750u);
  EXPECT_EQ(mode(state_), 0700u);
  EXPECT_EQ(mode(state_ + "/file-drop-gemeente-leiden.ledger"), 0600u);
}

}  // namespace
}  // namespace vh::adapters
