// Fixtures: the built-in defaults load as documented; a bad file is refused
// with its name, item and member, and loads nothing.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "admin/fixture_loader.hpp"
#include "state/emulator.hpp"
#include "state/ids.hpp"
#include "state/store/repository.hpp"
#include "state/store/store.hpp"
#include "tests/unit/manual_emulator.hpp"

using gls::Emulator;
using gls::FixtureSource;
using gls::Scope;

namespace {

const Scope kDefault{"111122223333", "us-west-2"};

std::unique_ptr<Emulator> make_emulator() { return gls::testing::manual_emulator(1); }

int64_t count(Emulator& emu, const char* table) {
  return emu.store().transaction([&](gls::Store& db) { return gls::repo::count(db, table); });
}

// Nothing of any kind is stored.
void require_empty(Emulator& emu) {
  for (const char* table : {"applications", "stream_groups", "group_locations", "associations", "stream_sessions",
                            "stream_urls", "history"}) {
    CAPTURE(table);
    CHECK(count(emu, table) == 0);
  }
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The error message of a Result, or nothing (doctest may stringify a message
// even when the assertion holds).
template <class R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().message;
}

// A fixture file that must be refused: the message names the file, the item
// and (when given) the member, and nothing of the file is loaded.
void require_refused(const std::string& text, const std::string& item, const std::string& member,
                     const std::string& name = "bad.json") {
  auto emu = make_emulator();
  gls::Status s = gls::load_fixtures(*emu, FixtureSource{name, text});
  REQUIRE_FALSE(s.ok());
  const std::string& m = s.error().message;
  CAPTURE(m);
  CHECK(s.error().kind == gls::ErrorKind::Validation);
  CHECK(m.rfind("fixtures " + name, 0) == 0);
  if (!item.empty()) CHECK(contains(m, ": " + item));
  // Members are named as the file spells them (PascalCase).
  if (!member.empty()) {
    std::string lower_m = m, lower_member = member;
    for (char& c : lower_m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (char& c : lower_member) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(contains(lower_m, lower_member));
  }
  require_empty(*emu);
}

// A valid application and stream group, before whatever the test adds.
const std::string kApps = R"("applications":[{"Id":"a-111111111"},{"Id":"a-222222222","Status":"PROCESSING"}])";
const std::string kGroups =
    R"("streamGroups":[{"Id":"sg-111111111","DefaultApplication":{"Id":"a-111111111"},)"
    R"("LocationStates":[{"LocationName":"us-west-2"},{"LocationName":"us-east-1","Status":"ACTIVATING"}]}])";

std::string with_sessions(const std::string& sessions) {
  return "{" + kApps + "," + kGroups + R"(,"streamSessions":[)" + sessions + "]}";
}

// Runs `f` in a child process, so that a test can document a crash without
// dying of it. Returns "returned true", "returned false", "threw" or
// "killed by signal N".
template <class F>
std::string in_child(F&& f) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // doctest's crash handlers would report (and go on) in the child: die
    // plainly instead, and let the parent see how.
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, SIG_DFL);
    int code = 1;
    try {
      code = f() ? 0 : 1;
    } catch (...) {
      code = 2;
    }
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  REQUIRE(WIFEXITED(status));
  switch (WEXITSTATUS(status)) {
    case 0: return "returned true";
    case 1: return "returned false";
    default: return "threw";
  }
}

}  // namespace

TEST_CASE("the built-in fixtures load the documented resources") {
  auto emu = make_emulator();
  FixtureSource source = gls::default_fixtures();
  CHECK(contains(source.name, "default.json"));
  gls::Status s = gls::load_fixtures(*emu, source);
  REQUIRE_MESSAGE(s.ok(), why(s));

  CHECK(count(*emu, "applications") == 1);
  CHECK(count(*emu, "stream_groups") == 1);
  CHECK(count(*emu, "group_locations") == 1);
  CHECK(count(*emu, "associations") == 1);
  CHECK(count(*emu, "stream_sessions") == 1);
  CHECK(count(*emu, "history") == 4);  // one creation entry per resource (the group's location included)

  emu->store().transaction([](gls::Store& db) {
    auto app = gls::repo::find_application(db, kDefault, "a-9ZY8X7Wv6");
    REQUIRE(app.has_value());
    CHECK(app->status == gls::ApplicationStatus::Ready);
    CHECK(app->description == "Sample game");
    CHECK(app->runtime_type == "PROTON");
    CHECK(app->runtime_version == "20241007");
    CHECK(app->log_paths_json == R"(["SampleGame/Saved/Logs"])");

    auto group = gls::repo::find_stream_group(db, kDefault, "sg-1AB2C3De4");
    REQUIRE(group.has_value());
    CHECK(group->status == gls::StreamGroupStatus::Active);
    CHECK(group->stream_class == "gen4n_high");
    CHECK(group->default_app_id == std::optional<std::string>("a-9ZY8X7Wv6"));
    CHECK(group->app_ids == std::vector<std::string>{"a-9ZY8X7Wv6"});
    REQUIRE(group->locations.size() == 1);
    CHECK(group->locations[0].name == "us-west-2");
    CHECK(group->locations[0].status == gls::LocationStatus::Active);
    CHECK(group->locations[0].always_on == 4);
    CHECK(group->locations[0].allocated == 1);  // the CONNECTED session

    auto session = gls::repo::find_session(db, kDefault, "sg-1AB2C3De4", "ABC123def4567");
    REQUIRE(session.has_value());
    CHECK(session->status == gls::SessionStatus::Connected);
    CHECK(session->app_id == "a-9ZY8X7Wv6");
    CHECK(session->location == "us-west-2");
    CHECK(session->user_id == std::optional<std::string>("sample-player"));
    CHECK(session->signal_response.has_value());  // a connected session has its answer
    CHECK(session->export_status == std::optional<std::string>("PENDING"));
    CHECK(session->log_uri == std::optional<std::string>("s3://amzn-s3-demo-bucket/logs/sg-1AB2C3De4/ABC123def4567/"));
    CHECK(session->env_vars_json == std::optional<std::string>(R"({"GAME_MODE":"sample","LOG_LEVEL":"info"})"));
  });

  // The documented call works: by IDs and by ARNs.
  auto got = emu->sessions().get(kDefault, "sg-1AB2C3De4", "ABC123def4567");
  REQUIRE(got.ok());
  CHECK(got->status == gls::SessionStatus::Connected);
  got = emu->sessions().get(kDefault, gls::stream_group_arn(kDefault, "sg-1AB2C3De4"),
                            gls::stream_session_arn(kDefault, "sg-1AB2C3De4", "ABC123def4567"));
  REQUIRE(got.ok());
  // Not in another account.
  got = emu->sessions().get({"444455556666", "us-west-2"}, "sg-1AB2C3De4", "ABC123def4567");
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().kind == gls::ErrorKind::NotFound);
}

TEST_CASE("loading the same fixtures twice is refused the second time, keeping the first") {
  auto emu = make_emulator();
  REQUIRE(gls::load_fixtures(*emu, gls::default_fixtures()).ok());
  gls::Status s = gls::load_fixtures(*emu, gls::default_fixtures());
  REQUIRE_FALSE(s.ok());
  CHECK(contains(s.error().message, "applications[0]"));
  CHECK(contains(s.error().message, "a-9ZY8X7Wv6 is defined twice"));
  CHECK(count(*emu, "applications") == 1);
  CHECK(count(*emu, "stream_sessions") == 1);
  CHECK(count(*emu, "history") == 4);
}

TEST_CASE("minimal items get defaults") {
  auto emu = make_emulator();
  gls::Status s = gls::load_fixtures(
      *emu, {"min.json", R"({"applications":[{"Id":"a-111111111"}],"streamGroups":[{"Id":"sg-111111111",)"
                         R"("AssociatedApplications":["a-111111111"]}],"streamSessions":[{"StreamGroupId":"sg-111111111",)"
                         R"("ApplicationArn":"a-111111111"}]})"});
  REQUIRE_MESSAGE(s.ok(), why(s));
  emu->store().transaction([](gls::Store& db) {
    auto app = gls::repo::find_application(db, kDefault, "a-111111111");
    REQUIRE(app.has_value());
    CHECK(app->status == gls::ApplicationStatus::Ready);
    CHECK_FALSE(app->description.empty());
    auto group = gls::repo::find_stream_group(db, kDefault, "sg-111111111");
    REQUIRE(group.has_value());
    CHECK(group->status == gls::StreamGroupStatus::Active);
    REQUIRE(group->locations.size() == 1);
    CHECK(group->locations[0].name == "us-west-2");  // the scope's region
    CHECK_FALSE(group->default_app_id.has_value());
    CHECK(group->app_ids == std::vector<std::string>{"a-111111111"});
  });
  CHECK(count(*emu, "stream_sessions") == 1);
  // The generated session ID has the service's format.
  std::string id = emu->store().transaction([](gls::Store& db) {
    gls::Stmt q = db.prepare("SELECT id FROM stream_sessions");
    REQUIRE(q.step());
    return q.text(0);
  });
  CHECK(gls::is_stream_session_id(id));
}

TEST_CASE("fixture sessions run their group's default application, and hold its units once loaded") {
  auto emu = make_emulator();
  // Sessions that name no application, then one that names it; all placed in the primary location
  // but that one, placed in the other.
  std::string sessions;
  for (int i = 0; i < 30; ++i) {
    char id[14];
    std::snprintf(id, sizeof id, "ABCDEFGH%05d", i);
    sessions += std::string(i ? "," : "") + R"({"Id":")" + id + R"(","StreamGroupId":"sg-111111111")" +
                (i == 29 ? R"(,"ApplicationArn":"a-111111111","Location":"us-east-1")" : "") + "}";
  }
  gls::Status s = gls::load_fixtures(*emu, FixtureSource{"many.json", with_sessions(sessions)});
  REQUIRE_MESSAGE(s.ok(), why(s));
  emu->store().transaction([](gls::Store& db) {
    auto first = gls::repo::find_session(db, kDefault, "sg-111111111", "ABCDEFGH00000");
    REQUIRE(first.has_value());
    CHECK(first->app_id == "a-111111111");
    CHECK(first->location == "us-west-2");
    auto group = gls::repo::find_stream_group(db, kDefault, "sg-111111111");
    REQUIRE(group.has_value());
    REQUIRE(group->locations.size() == 2);
    CHECK(group->locations[0].allocated == 29);
    CHECK(group->locations[1].allocated == 1);
  });
  CHECK(count(*emu, "stream_sessions") == 30);
}

TEST_CASE("bad fixtures are refused naming source, item and member; nothing of the file loads") {
  SUBCASE("a session status outside the enum") {
    require_refused(with_sessions(R"({"Id":"ABCDEFGHIJKLM","StreamGroupId":"sg-111111111","Status":"FOO"})"),
                    "streamSessions[0]", "Value 'FOO' at 'streamSessions[0].Status' failed to satisfy constraint: Member must satisfy enum");
  }
  SUBCASE("an unknown member of a session") {
    require_refused(with_sessions(R"({"StreamGroupId":"sg-111111111","Colour":"blue"})"), "streamSessions[0]",
                    "at 'streamSessions[0].Colour' failed to satisfy constraint: Member is not defined by GetStreamSessionOutput");
  }
  SUBCASE("a session in a stream group that is not defined") {
    require_refused(with_sessions(R"({"Id":"ABCDEFGHIJKLM","StreamGroupId":"sg-999999999"})"), "streamSessions[0]",
                    "member 'StreamGroupId': stream group sg-999999999 is not defined");
  }
  SUBCASE("the second session is the bad one") {
    require_refused(with_sessions(R"({"Id":"ABCDEFGHIJKLM","StreamGroupId":"sg-111111111"},)"
                                  R"({"Id":"ABCDEFGHIJKLN","StreamGroupId":"sg-111111111","Location":"eu-west-3"})"),
                    "streamSessions[1]", "member 'Location'");
  }
  SUBCASE("a session without a group") {
    require_refused(with_sessions(R"({"Id":"ABCDEFGHIJKLM"})"), "streamSessions[0]", "StreamGroupId");
  }
  SUBCASE("a session that names no application, in a group without a default application") {
    require_refused("{" + kApps +
                        R"(,"streamGroups":[{"Id":"sg-111111111","AssociatedApplications":["a-111111111"]}],)" +
                        R"("streamSessions":[{"StreamGroupId":"sg-111111111"}]})",
                    "streamSessions[0]", "needs 'ApplicationArn' when its group has no default application");
  }
  SUBCASE("a session whose application is not associated with its group") {
    require_refused(with_sessions(R"({"StreamGroupId":"sg-111111111","ApplicationArn":"a-222222222"})"),
                    "streamSessions[0]", "a-222222222 is not associated with stream group sg-111111111");
  }
  SUBCASE("a session ID in the wrong format") {
    require_refused(with_sessions(R"({"Id":"short","StreamGroupId":"sg-111111111"})"), "streamSessions[0]",
                    "'short' is not a stream session ID");
  }
  SUBCASE("a session ARN of another account") {
    require_refused(
        with_sessions(R"({"Arn":"arn:aws:gameliftstreams:us-west-2:444455556666:streamsession/sg-111111111/ABCDEFGHIJKLM"})"),
        "streamSessions[0]", "member 'Arn'");
  }
  SUBCASE("a duplicate application ID") {
    require_refused(R"({"applications":[{"Id":"a-111111111"},{"Id":"a-111111111"}]})", "applications[1]",
                    "application a-111111111 is defined twice");
  }
  SUBCASE("a duplicate stream group ID") {
    require_refused("{" + kApps + R"(,"streamGroups":[{"Id":"sg-111111111"},{"Arn":)"
                              R"("arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup/sg-111111111"}]})",
                    "streamGroups[1]", "stream group sg-111111111 is defined twice");
  }
  SUBCASE("an application status outside the enum") {
    require_refused(R"({"applications":[{"Id":"a-111111111","Status":"DONE"}]})", "applications[0]",
                    "Value 'DONE' at 'applications[0].Status'");
  }
  SUBCASE("a bad member of a location of a stream group") {
    require_refused("{" + kApps + R"(,"streamGroups":[{"Id":"sg-111111111","LocationStates":[)"
                              R"({"LocationName":"us-west-2","AlwaysOnCapacity":-1}]}]})",
                    "streamGroups[0]", "at 'streamGroups[0].LocationStates[0].AlwaysOnCapacity'");
  }
  // Each of these once crashed the loader (a null read as a string) or answered 500.
  SUBCASE("null members are refused, naming their document path") {
    struct Case {
      std::string text, item, path;
    };
    for (const Case& c : {
             Case{R"({"streamSessions":[{"Arn":null}]})", "streamSessions[0]", "'streamSessions[0].Arn'"},
             Case{R"({"streamUrls":[{"StreamUrlId":null}]})", "streamUrls[0]", "'streamUrls[0].StreamUrlId'"},
             Case{"{" + kApps + R"(,"streamGroups":[{"Id":"sg-111111111","LocationStates":[{"LocationName":null}]}]})",
                  "streamGroups[0]", "'streamGroups[0].LocationStates[0].LocationName'"},
             Case{"{" + kApps + R"(,"streamGroups":[{"Id":"sg-111111111","LocationStates":[{"LocationName":"us-west-2","Status":null}]}]})",
                  "streamGroups[0]", "'streamGroups[0].LocationStates[0].Status'"},
             Case{R"({"streamGroups":[{"Id":"sg-000000001","DefaultApplication":{"Id":null}}]})", "streamGroups[0]",
                  "'streamGroups[0].DefaultApplication.Id'"},
             Case{R"({"streamGroups":[{"Id":"sg-000000006","Status":null}]})", "streamGroups[0]",
                  "'streamGroups[0].Status'"},
             Case{R"({"applications":[{"Id":null}]})", "applications[0]", "'applications[0].Id'"},
             Case{R"({"applications":[{"Id":"a-111111111","RuntimeEnvironment":null}]})", "applications[0]",
                  "'applications[0].RuntimeEnvironment'"},
             Case{R"({"streamSessions":[{"Id":null}]})", "streamSessions[0]", "'streamSessions[0].Id'"},
             Case{with_sessions(R"({"StreamGroupId":"sg-111111111","ExportFilesMetadata":{"Status":null}})"),
                  "streamSessions[0]", "'streamSessions[0].ExportFilesMetadata.Status'"},
             Case{R"({"streamUrls":[{"Id":null}]})", "streamUrls[0]", "'streamUrls[0].Id'"},
             Case{R"({"streamUrls":[{"StreamUrl":null}]})", "streamUrls[0]", "'streamUrls[0].StreamUrl'"},
             Case{R"({"streamUrls":[{"StreamUrl":5}]})", "streamUrls[0]", "'streamUrls[0].StreamUrl'"},
         }) {
      CAPTURE(c.text);
      require_refused(c.text, c.item, c.path);
    }
  }
  SUBCASE("a default application that is not defined") {
    require_refused("{" + kApps + R"(,"streamGroups":[{"Id":"sg-111111111","DefaultApplication":{"Id":"a-999999999"}}]})",
                    "streamGroups[0]", "member 'DefaultApplication': application a-999999999 is not defined");
  }
  SUBCASE("an application associated with a group that never comes") {
    require_refused(R"({"applications":[{"Id":"a-111111111","AssociatedStreamGroups":["sg-999999999"]}]})",
                    "applications[0]", "member 'AssociatedStreamGroups': stream group sg-999999999 is not defined");
  }
  SUBCASE("an item that is not an object") {
    require_refused(R"({"applications":["a-111111111"]})", "applications[0]", "must be a JSON object");
  }
  SUBCASE("a section that is not a list") {
    require_refused(R"({"applications":{"Id":"a-111111111"}})", "applications", "must be a list of items");
  }
  SUBCASE("an unknown section") {
    require_refused(R"({"applications":[],"fleets":[]})", "fleets", "unknown section");
  }
  SUBCASE("a stream URL with a malformed ARN") {
    require_refused("{" + kApps + R"(,"streamUrls":[{"Arn":"x"}]})", "streamUrls[0]", "Arn");
  }
  SUBCASE("a stream URL of a group that is not defined") {
    require_refused("{" + kApps + R"(,"streamUrls":[{"StreamGroupArn":"sg-000000000"}]})", "streamUrls[0]",
                    "stream group sg-000000000 is not defined");
  }
  SUBCASE("a bad account") {
    require_refused(R"({"account":"12","applications":[{"Id":"a-111111111"}]})", "account", "must be 12 digits");
    require_refused(R"({"account":111122223333})", "account", "must be a string");
  }
  SUBCASE("not JSON") {
    require_refused("{\"applications\": [", "", "not valid JSON", "broken.json");
    require_refused("applications: []", "", "not valid JSON", "yaml.json");
    require_refused(R"({"applications":[]} extra)", "", "unexpected text after the value");
    require_refused("\"applications\"", "", "must be a JSON object");
  }
}

TEST_CASE("a session whose StreamGroupId is not a string is refused, not thrown") {
  // BUG: fixture_loader.cpp stream_session() reads 'StreamGroupId' with
  // opt_string() before check_shape() has checked its type; for a number,
  // rapidjson's GetString() is a null pointer and std::string throws
  // std::logic_error out of load_fixtures instead of a Status naming the member.
  auto emu = make_emulator();
  std::optional<gls::Status> s;
  CHECK_NOTHROW(s.emplace(gls::load_fixtures(*emu, {"bad.json", with_sessions(R"({"StreamGroupId":5})")})));
  REQUIRE(s.has_value());
  REQUIRE_FALSE(s->ok());
  CHECK(contains(s->error().message, "streamSessions[0]"));
  CHECK(contains(s->error().message, "treamGroupId"));
  require_empty(*emu);
}

TEST_CASE("an incomplete RuntimeEnvironment is refused, not a crash") {
  // BUG: fixtures are validated with check_required = false at every depth, so
  // {"RuntimeEnvironment": {}} passes, and application() then calls
  // item["RuntimeEnvironment"]["Type"].GetString() on a missing member:
  // a null pointer assigned to std::string (SIGSEGV in release builds,
  // a rapidjson assertion in debug builds). Run in a child process.
  for (const std::string runtime : {"{}", R"({"Type":"PROTON"})", R"({"Version":"20241007"})"}) {
    CAPTURE(runtime);
    const std::string text =
        R"({"applications":[{"Id":"a-111111111","RuntimeEnvironment":)" + runtime + "}]}";
    std::string outcome = in_child([&] {
      auto emu = make_emulator();
      gls::Status s = gls::load_fixtures(*emu, {"bad.json", text});
      return !s.ok() && contains(s.error().message, "applications[0]") &&
             contains(s.error().message, "untimeEnvironment");
    });
    CHECK(outcome == "returned true");
  }
}

TEST_CASE("'account' and 'region' place a file's resources in that scope") {
  auto emu = make_emulator();
  const Scope other{"444455556666", "eu-central-1"};
  gls::Status s = gls::load_fixtures(
      *emu, {"scoped.json", R"({"account":"444455556666","region":"eu-central-1",)"
                            R"("applications":[{"Id":"a-111111111"}],)"
                            R"("streamGroups":[{"Id":"sg-111111111","DefaultApplication":{"Id":"a-111111111"}}],)"
                            R"("streamSessions":[{"Arn":"arn:aws:gameliftstreams:eu-central-1:444455556666:)"
                            R"(streamsession/sg-111111111/ABCDEFGHIJKLM"}]})"});
  REQUIRE_MESSAGE(s.ok(), why(s));
  emu->store().transaction([&](gls::Store& db) {
    CHECK(gls::repo::find_application(db, other, "a-111111111").has_value());
    CHECK_FALSE(gls::repo::find_application(db, kDefault, "a-111111111").has_value());
    auto group = gls::repo::find_stream_group(db, other, "sg-111111111");
    REQUIRE(group.has_value());
    REQUIRE(group->locations.size() == 1);
    CHECK(group->locations[0].name == "eu-central-1");
    CHECK_FALSE(gls::repo::stream_group_exists(db, kDefault, "sg-111111111"));
    CHECK(gls::repo::find_session(db, other, "sg-111111111", "ABCDEFGHIJKLM").has_value());
    CHECK_FALSE(gls::repo::find_session_anywhere(db, kDefault, "ABCDEFGHIJKLM").has_value());
    CHECK_FALSE(gls::repo::find_session_anywhere(db, {"444455556666", "us-west-2"}, "ABCDEFGHIJKLM").has_value());
  });

  // The same IDs can then be loaded in the default scope from another file.
  s = gls::load_fixtures(*emu, {"default-scope.json", R"({"applications":[{"Id":"a-111111111"}]})"});
  REQUIRE_MESSAGE(s.ok(), why(s));
  CHECK(count(*emu, "applications") == 2);

  // An ARN of the default scope inside a file of another scope does not resolve there.
  s = gls::load_fixtures(*emu, {"mixed.json", R"({"account":"777788889999","applications":[{"Arn":)"
                                              R"("arn:aws:gameliftstreams:us-west-2:111122223333:application/a-333333333"}]})"});
  REQUIRE_FALSE(s.ok());
  CHECK(contains(s.error().message, "mixed.json"));
  CHECK(contains(s.error().message, "applications[0]"));
  CHECK(contains(s.error().message, "member 'Arn'"));
  CHECK(count(*emu, "applications") == 2);
}

TEST_CASE("read_fixture_sources: a file, or every .json of a directory in name order") {
  namespace fs = std::filesystem;
  static std::atomic<int> counter{0};
  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("gls-unit-fixtures-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(counter++) + "-" + std::to_string(rd()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{dir};
  std::ofstream(dir / "b.json") << R"({"applications":[{"Id":"a-bbbbbbbbb"}]})";
  std::ofstream(dir / "a.json") << R"({"applications":[{"Id":"a-aaaaaaaaa"}]})";
  std::ofstream(dir / "notes.txt") << "not fixtures";

  auto sources = gls::read_fixture_sources(dir.string());
  REQUIRE(sources.ok());
  REQUIRE(sources->size() == 2);
  CHECK(fs::path((*sources)[0].name).filename() == "a.json");
  CHECK(fs::path((*sources)[1].name).filename() == "b.json");
  CHECK((*sources)[0].text == R"({"applications":[{"Id":"a-aaaaaaaaa"}]})");

  auto one = gls::read_fixture_sources((dir / "b.json").string());
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK(contains((*one)[0].text, "a-bbbbbbbbb"));

  auto missing = gls::read_fixture_sources((dir / "nope.json").string());
  REQUIRE_FALSE(missing.ok());
  CHECK(contains(missing.error().message, "nope.json"));

  // Each source loads in its own transaction.
  auto emu = make_emulator();
  for (const FixtureSource& src : *sources) REQUIRE(gls::load_fixtures(*emu, src).ok());
  CHECK(count(*emu, "applications") == 2);
}
