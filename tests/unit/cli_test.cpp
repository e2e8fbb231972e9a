// Command-line flags, their environment variables, and the default database path.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"

using gls::CliResult;
using Env = std::map<std::string, std::string>;

namespace {

gls::EnvLookup lookup(const Env& env) {
  return [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

CliResult parse(std::vector<std::string> args, const Env& env = {{"HOME", "/home/player"}}) {
  std::vector<const char*> argv = {"gls-local"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return gls::parse_cli(static_cast<int>(argv.size()), argv.data(), lookup(env));
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A refused command line: exit 2, one line naming what is wrong.
void require_refused(const CliResult& r, const std::string& names) {
  CHECK_FALSE(r.run);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find('\n') == std::string::npos);
  CHECK(r.output.rfind("gls-local: ", 0) == 0);
  CHECK_MESSAGE(contains(r.output, names), "output: " << r.output);
}

}  // namespace

TEST_CASE("defaults") {
  CliResult r = parse({});
  REQUIRE(r.run);
  CHECK(r.exit_code == 0);
  CHECK(r.output.empty());
  const gls::Options& o = r.options;
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == 8766);
  unsigned cores = std::thread::hardware_concurrency();
  CHECK(o.threads == (cores == 0 ? 1 : static_cast<int>(std::min(cores, 256u))));
  CHECK(o.db == "/home/player/.local/share/gls-local/state.db");
  CHECK(o.fixtures.empty());
  CHECK(o.default_fixtures);
  CHECK(o.account_id == "111122223333");
  CHECK(o.region == "us-west-2");
  CHECK(o.clock == gls::ClockMode::Real);
  CHECK(o.time_scale == 1.0);
  CHECK_FALSE(o.seed.has_value());
  CHECK(o.timings.empty());
  CHECK(o.export_dir.empty());
  CHECK_FALSE(o.auto_connect_seconds.has_value());
  CHECK(o.log_level == "info");
  CHECK(o.log_format == "text");
  CHECK(o.journal_size == 1000);
  CHECK_FALSE(o.validate_responses);
  CHECK(o.render_cache);
  CHECK(o.state_body_limit == uint64_t{1} << 30);
}

TEST_CASE("--state-body-limit takes bytes, or K, M and G of 1024") {
  // (A pair, not a structured binding: clang's CAPTURE cannot take one.)
  for (const auto& limit : {std::pair{"4096", uint64_t{4096}}, std::pair{"1K", uint64_t{1024}},
                            std::pair{"64M", uint64_t{64} << 20}, std::pair{"64G", uint64_t{64} << 30}}) {
    CAPTURE(limit.first);
    CliResult r = parse({"--state-body-limit", limit.first});
    REQUIRE(r.run);
    CHECK(r.options.state_body_limit == limit.second);
  }
  CliResult r = parse({}, {{"HOME", "/home/player"}, {"GLS_STATE_BODY_LIMIT", "2G"}});
  REQUIRE(r.run);
  CHECK(r.options.state_body_limit == uint64_t{2} << 30);
}

TEST_CASE("each flag with a good value") {
  CliResult r = parse({"--host", "0.0.0.0", "--port", "9000", "--threads", "4", "--db", ":memory:", "--fixtures",
                       "a.json", "--fixtures", "dir", "--no-default-fixtures", "--account-id", "444455556666",
                       "--region", "eu-central-1", "--clock", "manual", "--time-scale", "60", "--seed", "18446744073709551615",
                       "--timings", "t.json", "--export-dir", "/tmp/exports", "--auto-connect", "1.5", "--log-level",
                       "debug", "--log-format", "json", "--journal-size", "50", "--validate-responses",
                       "--no-render-cache"});
  REQUIRE_MESSAGE(r.run, r.output);
  const gls::Options& o = r.options;
  CHECK(o.host == "0.0.0.0");
  CHECK(o.port == 9000);
  CHECK(o.threads == 4);
  CHECK(o.db == ":memory:");
  CHECK(o.fixtures == std::vector<std::string>{"a.json", "dir"});
  CHECK_FALSE(o.default_fixtures);
  CHECK(o.account_id == "444455556666");
  CHECK(o.region == "eu-central-1");
  CHECK(o.clock == gls::ClockMode::Manual);
  CHECK(o.time_scale == 60.0);
  CHECK(o.seed == std::optional<uint64_t>(18446744073709551615ULL));
  CHECK(o.timings == "t.json");
  CHECK(o.export_dir == "/tmp/exports");
  CHECK(o.auto_connect_seconds == std::optional<double>(1.5));
  CHECK(o.log_level == "debug");
  CHECK(o.log_format == "json");
  CHECK(o.journal_size == 50);
  CHECK(o.validate_responses);
  CHECK_FALSE(o.render_cache);

  // Limits that are still good.
  r = parse({"--port", "0", "--threads", "256", "--time-scale", "1000000", "--auto-connect", "0",
             "--seed", "0", "--port", "65535", "--journal-size", "0"});
  REQUIRE_MESSAGE(r.run, r.output);
  CHECK(r.options.port == 65535);  // the last one wins
  CHECK(r.options.threads == 256);
  CHECK(r.options.time_scale == 1e6);
  CHECK(r.options.auto_connect_seconds == std::optional<double>(0.0));
  CHECK(r.options.seed == std::optional<uint64_t>(0));
  CHECK(r.options.journal_size == 0);
  CHECK(parse({"--journal-size", "1000000"}).options.journal_size == 1000000);
  CHECK(parse({"--time-scale", "0.001"}).options.time_scale == 0.001);
}

TEST_CASE("who may drive it: hosts, origins, the admin token and the connection limit") {
  CliResult r = parse({"--allowed-host", "gls-local", "--allowed-host", "dev.example.com", "--cors-origin",
                       "http://localhost:3000", "--cors-origin", "*", "--admin-token", "s3cret-token",
                       "--max-connections", "50"});
  REQUIRE_MESSAGE(r.run, r.output);
  CHECK(r.options.allowed_hosts == std::vector<std::string>{"gls-local", "dev.example.com"});
  CHECK(r.options.cors_origins == std::vector<std::string>{"http://localhost:3000", "*"});
  CHECK(r.options.admin_token == "s3cret-token");
  CHECK(r.options.max_connections == 50);
  CHECK(parse({}).options.max_connections == 10000);
  CHECK(parse({}).options.allowed_hosts.empty());
  CHECK_FALSE(parse({}).options.aws_rate_limits);
  CHECK(parse({"--rate-limits", "aws"}).options.aws_rate_limits);
  CHECK_FALSE(parse({"--rate-limits", "aws", "--rate-limits", "off"}).options.aws_rate_limits);

  // The environment takes comma-separated lists; the command line replaces them.
  Env env{{"GLS_ALLOWED_HOST", "a,b"}, {"GLS_CORS_ORIGIN", "https://x.example:8443,http://y"}};
  r = parse({}, env);
  REQUIRE_MESSAGE(r.run, r.output);
  CHECK(r.options.allowed_hosts == std::vector<std::string>{"a", "b"});
  CHECK(r.options.cors_origins == std::vector<std::string>{"https://x.example:8443", "http://y"});
  r = parse({"--allowed-host", "c"}, env);
  CHECK(r.options.allowed_hosts == std::vector<std::string>{"c"});
  CHECK(r.options.cors_origins.size() == 2);
}

TEST_CASE("each flag with a bad value is refused, naming the flag") {
  struct Case {
    const char* flag;
    const char* value;
  };
  for (const Case& c : {
           Case{"--host", ""},
           Case{"--port", "abc"}, Case{"--port", "65536"}, Case{"--port", "-1"}, Case{"--port", "80x"},
           Case{"--port", ""},
           Case{"--threads", "0"}, Case{"--threads", "257"}, Case{"--threads", "two"},
           Case{"--db", ""},
           Case{"--fixtures", ""},
           Case{"--account-id", "12345"}, Case{"--account-id", "1111222233334"}, Case{"--account-id", "11112222333a"},
           Case{"--region", ""}, Case{"--region", "US-WEST-2"}, Case{"--region", "us_west_2"},
           Case{"--region", "a-very-long-region-name-1"},
           Case{"--clock", "fast"}, Case{"--clock", "Manual"},
           Case{"--time-scale", "0"}, Case{"--time-scale", "-1"}, Case{"--time-scale", "1000001"},
           Case{"--time-scale", "inf"}, Case{"--time-scale", "nan"}, Case{"--time-scale", "1x"},
           Case{"--seed", "-1"}, Case{"--seed", "1.5"}, Case{"--seed", "18446744073709551616"},
           Case{"--timings", ""},
           Case{"--export-dir", ""},
           Case{"--auto-connect", "-1"}, Case{"--auto-connect", "86401"}, Case{"--auto-connect", "soon"},
           Case{"--log-level", "verbose"}, Case{"--log-level", "INFO"},
           Case{"--log-format", "xml"},
           Case{"--journal-size", "-1"}, Case{"--journal-size", "1000001"}, Case{"--journal-size", "lots"},
           Case{"--journal-size", "1.5"},
           Case{"--time-scale", "1e-300"}, Case{"--time-scale", "0.0009"},
           Case{"--max-connections", "0"}, Case{"--max-connections", "1000001"}, Case{"--max-connections", "x"},
           Case{"--allowed-host", ""}, Case{"--allowed-host", "a/b"}, Case{"--allowed-host", "a,"},
           Case{"--cors-origin", ""}, Case{"--cors-origin", "localhost:3000"}, Case{"--cors-origin", "http://a/b"},
           Case{"--cors-origin", "ftp://a"},
           Case{"--admin-token", "short"}, Case{"--admin-token", "has a space"},
           Case{"--rate-limits", "AWS"}, Case{"--rate-limits", "on"},
           Case{"--state-body-limit", "1023"}, Case{"--state-body-limit", "65G"}, Case{"--state-body-limit", "1T"},
           Case{"--state-body-limit", "M"}, Case{"--state-body-limit", "-1M"}, Case{"--state-body-limit", "1.5G"},
           Case{"--state-body-limit", "99999999999999999999"},
           Case{"--max-state-documents", "0"}, Case{"--max-state-documents", "65"},
           Case{"--max-state-documents", "four"}, Case{"--max-state-documents", "-1"},
           Case{"--max-state-documents", "1.5"},
       }) {
    CAPTURE(c.flag);
    CAPTURE(c.value);
    CliResult r = parse({c.flag, c.value});
    require_refused(r, std::string(c.flag) + " '" + c.value + "': ");
    // The same with --flag=value.
    r = parse({std::string(c.flag) + "=" + c.value});
    require_refused(r, std::string(c.flag) + " '" + c.value + "': ");
  }

  // Boolean flags take an optional =value.
  CliResult r = parse({"--validate-responses=maybe"});
  require_refused(r, "--validate-responses 'maybe': must be true or false");
  r = parse({"--no-default-fixtures=2"});
  require_refused(r, "--no-default-fixtures '2'");
}

TEST_CASE("the messages say what a good value is") {
  require_refused(parse({"--port", "abc"}), "--port 'abc': must be a port number from 0 to 65535");
  require_refused(parse({"--clock", "fast"}), "must be real or manual");
  require_refused(parse({"--account-id", "1"}), "must be 12 digits");
  CHECK(parse({"--port", "abc"}).output == "gls-local: --port 'abc': must be a port number from 0 to 65535 (see --help)");
}

TEST_CASE("--flag=value is the same as --flag value") {
  CliResult r = parse({"--port=9001", "--db=/tmp/x.db", "--region=ap-south-1", "--clock=manual"});
  REQUIRE_MESSAGE(r.run, r.output);
  CHECK(r.options.port == 9001);
  CHECK(r.options.db == "/tmp/x.db");
  CHECK(r.options.region == "ap-south-1");
  CHECK(r.options.clock == gls::ClockMode::Manual);
  // Only the first '=' splits.
  r = parse({"--db=/tmp/a=b.db"});
  REQUIRE(r.run);
  CHECK(r.options.db == "/tmp/a=b.db");

  r = parse({"--validate-responses=false", "--no-default-fixtures=no"});
  REQUIRE(r.run);
  CHECK_FALSE(r.options.validate_responses);
  CHECK(r.options.default_fixtures);
  r = parse({"--validate-responses=on", "--no-default-fixtures=yes"});
  REQUIRE(r.run);
  CHECK(r.options.validate_responses);
  CHECK_FALSE(r.options.default_fixtures);
}

TEST_CASE("environment variables") {
  Env env = {{"HOME", "/home/p"},         {"GLS_HOST", "::1"},          {"GLS_PORT", "9100"},
             {"GLS_THREADS", "3"},        {"GLS_DB", "/data/gls.db"},   {"GLS_FIXTURES", "fx.json"},
             {"GLS_NO_DEFAULT_FIXTURES", "1"}, {"GLS_ACCOUNT_ID", "999988887777"}, {"GLS_REGION", "eu-west-1"},
             {"GLS_CLOCK", "manual"},     {"GLS_TIME_SCALE", "2.5"},    {"GLS_SEED", "42"},
             {"GLS_TIMINGS", "tm.json"},  {"GLS_EXPORT_DIR", "/exp"},   {"GLS_AUTO_CONNECT", "3"},
             {"GLS_LOG_LEVEL", "warn"},   {"GLS_LOG_FORMAT", "json"},   {"GLS_JOURNAL_SIZE", "7"},
             {"GLS_VALIDATE_RESPONSES", "true"}};
  CliResult r = parse({}, env);
  REQUIRE_MESSAGE(r.run, r.output);
  const gls::Options& o = r.options;
  CHECK(o.host == "::1");
  CHECK(o.port == 9100);
  CHECK(o.threads == 3);
  CHECK(o.db == "/data/gls.db");
  CHECK(o.fixtures == std::vector<std::string>{"fx.json"});
  CHECK_FALSE(o.default_fixtures);
  CHECK(o.account_id == "999988887777");
  CHECK(o.region == "eu-west-1");
  CHECK(o.clock == gls::ClockMode::Manual);
  CHECK(o.time_scale == 2.5);
  CHECK(o.seed == std::optional<uint64_t>(42));
  CHECK(o.timings == "tm.json");
  CHECK(o.export_dir == "/exp");
  CHECK(o.auto_connect_seconds == std::optional<double>(3.0));
  CHECK(o.log_level == "warn");
  CHECK(o.log_format == "json");
  CHECK(o.journal_size == 7);
  CHECK(o.validate_responses);

  // Boolean variables can say no.
  r = parse({}, {{"GLS_NO_DEFAULT_FIXTURES", "0"}, {"GLS_VALIDATE_RESPONSES", "off"}});
  REQUIRE(r.run);
  CHECK(r.options.default_fixtures);
  CHECK_FALSE(r.options.validate_responses);

  // An empty variable is as good as unset.
  r = parse({}, {{"GLS_PORT", ""}, {"GLS_NO_DEFAULT_FIXTURES", ""}});
  REQUIRE(r.run);
  CHECK(r.options.port == 8766);
  CHECK(r.options.default_fixtures);
}

TEST_CASE("a bad environment variable is refused, naming the variable") {
  CliResult r = parse({}, {{"GLS_PORT", "http"}});
  require_refused(r, "GLS_PORT='http': must be a port number from 0 to 65535");
  r = parse({}, {{"GLS_CLOCK", "slow"}});
  require_refused(r, "GLS_CLOCK='slow'");
  r = parse({}, {{"GLS_NO_DEFAULT_FIXTURES", "perhaps"}});
  require_refused(r, "GLS_NO_DEFAULT_FIXTURES='perhaps'");
}

TEST_CASE("the command line wins over the environment") {
  Env env = {{"GLS_PORT", "9100"}, {"GLS_REGION", "eu-west-1"}, {"GLS_FIXTURES", "env.json"},
             {"GLS_NO_DEFAULT_FIXTURES", "1"}, {"GLS_DB", "/env.db"}};
  CliResult r = parse({"--port", "9200", "--fixtures", "cli1.json", "--fixtures", "cli2.json",
                       "--no-default-fixtures=false", "--db", ":memory:"},
                      env);
  REQUIRE_MESSAGE(r.run, r.output);
  CHECK(r.options.port == 9200);
  CHECK(r.options.region == "eu-west-1");  // not on the command line: from the environment
  CHECK(r.options.fixtures == std::vector<std::string>{"cli1.json", "cli2.json"});  // replaces GLS_FIXTURES
  CHECK(r.options.default_fixtures);
  CHECK(r.options.db == ":memory:");

  // Without --fixtures on the command line, GLS_FIXTURES stays.
  r = parse({"--port", "9200"}, env);
  REQUIRE(r.run);
  CHECK(r.options.fixtures == std::vector<std::string>{"env.json"});
}

TEST_CASE("--help and --version print and exit 0") {
  for (const char* help : {"--help", "-h"}) {
    CliResult r = parse({"--port", "1", help, "--bogus"});
    CHECK_FALSE(r.run);
    CHECK(r.exit_code == 0);
    CHECK(r.output == gls::usage());
  }
  const std::string usage = gls::usage();
  for (const char* flag : {"--host", "--port", "--threads", "--db", "--fixtures", "--no-default-fixtures",
                           "--account-id", "--region", "--clock", "--time-scale", "--seed", "--timings", "--export-dir",
                           "--auto-connect", "--log-level", "--log-format", "--journal-size", "--validate-responses",
                           "--max-connections", "--max-streams", "--allowed-host", "--cors-origin", "--admin-token", "--rate-limits",
                           "--state-body-limit", "--max-state-documents", "--help",
                           "--version"}) {
    CAPTURE(flag);
    CHECK(contains(usage, flag));
  }

  CliResult r = parse({"--version"});
  CHECK_FALSE(r.run);
  CHECK(r.exit_code == 0);
  CHECK(r.output == std::string("gls-local ") + GLS_VERSION);
}

TEST_CASE("unknown flags, stray arguments and missing values") {
  require_refused(parse({"--bogus"}), "unknown flag --bogus");
  require_refused(parse({"--bogus=1"}), "unknown flag --bogus");
  require_refused(parse({"--Port", "1"}), "unknown flag --Port");
  require_refused(parse({"-p", "1"}), "unexpected argument '-p'");
  require_refused(parse({"serve"}), "unexpected argument 'serve'");
  require_refused(parse({"--port"}), "--port needs a value");
  require_refused(parse({"--host", "h", "--db"}), "--db needs a value");
  // The next flag is not taken as a value silently: it is checked as one.
  require_refused(parse({"--port", "--host"}), "--port needs a value");
  // The first problem is reported.
  CliResult r = parse({"--port", "x", "--bogus"});
  require_refused(r, "--port 'x'");
}

TEST_CASE("default_db_path") {
  CHECK(gls::default_db_path(lookup({{"XDG_DATA_HOME", "/xdg"}, {"HOME", "/home/p"}})) ==
        "/xdg/gls-local/state.db");
  CHECK(gls::default_db_path(lookup({{"XDG_DATA_HOME", ""}, {"HOME", "/home/p"}})) ==
        "/home/p/.local/share/gls-local/state.db");
  CHECK(gls::default_db_path(lookup({{"HOME", "/home/p"}})) == "/home/p/.local/share/gls-local/state.db");
  CHECK(gls::default_db_path(lookup({})) == "./.local/share/gls-local/state.db");

  // parse_cli uses it when --db is not given.
  CliResult r = parse({}, {{"XDG_DATA_HOME", "/xdg"}});
  REQUIRE(r.run);
  CHECK(r.options.db == "/xdg/gls-local/state.db");
}

TEST_CASE("--max-state-documents bounds the state documents served at once, 1 to 64") {
  CHECK(parse({}).options.max_state_documents == 4);
  CHECK(parse({"--max-state-documents", "1"}).options.max_state_documents == 1);
  CHECK(parse({"--max-state-documents", "64"}).options.max_state_documents == 64);
  CliResult r = parse({}, {{"GLS_MAX_STATE_DOCUMENTS", "7"}});
  REQUIRE_MESSAGE(r.run, r.output);
  CHECK(r.options.max_state_documents == 7);
  CHECK(parse({"--max-state-documents", "2"}, {{"GLS_MAX_STATE_DOCUMENTS", "7"}}).options.max_state_documents == 2);
  require_refused(parse({}, {{"GLS_MAX_STATE_DOCUMENTS", "0"}}),
                  "GLS_MAX_STATE_DOCUMENTS='0': must be a number of documents from 1 to 64");
}

TEST_CASE("--max-streams bounds the live WebRTC streams; --help says whether there is a stream") {
  CHECK(parse({}).options.max_streams == 8);
  CHECK(parse({"--max-streams", "0"}).options.max_streams == 0);
  CHECK(parse({"--max-streams", "3"}).options.max_streams == 3);
  CliResult bad = parse({"--max-streams", "1001"});
  CHECK_FALSE(bad.run);
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.output, "--max-streams"));
  const std::string usage = gls::usage();
  CHECK((contains(usage, "The stream: on (") || contains(usage, "The stream: off (")));
}
