// Command-line flags and their environment variables.
//
// Every flag --some-flag can also be given as GLS_SOME_FLAG; a flag on the
// command line wins over the environment. A bad flag is reported in one line
// naming it, and gls-local exits with code 2.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "state/time/clock.hpp"

namespace gls {

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 8766;
  int threads = 1;
  std::string db;  // a file path or ":memory:"
  std::vector<std::string> fixtures;
  bool default_fixtures = true;
  std::string account_id = "111122223333";
  std::string region = "us-west-2";
  ClockMode clock = ClockMode::Real;
  double time_scale = 1.0;
  std::optional<uint64_t> seed;
  std::string timings;
  std::string export_dir;
  std::optional<double> auto_connect_seconds;
  std::string log_level = "info";
  std::string log_format = "text";
  size_t journal_size = 1000;  // requests the journal keeps
  bool validate_responses = false;
  bool render_cache = true;  // GetStreamSession and GetStreamGroup answer an unchanged resource with the body rendered last
  size_t max_connections = 10'000;
  size_t max_streams = 8;  // live WebRTC peers at once
  size_t max_state_documents = 4;  // GET and PUT /_gls/state served at once
  uint64_t state_body_limit = uint64_t{1} << 30;  // bytes of a PUT /_gls/state body
  // Who may drive it (see server/http/access_policy.hpp).
  std::vector<std::string> allowed_hosts;  // Host names accepted beside the loopback ones
  std::vector<std::string> cors_origins;   // page origins that may call it ("*": any)
  std::string admin_token;                 // when set, the admin API needs "Authorization: Bearer <token>"
  bool aws_rate_limits = false;            // --rate-limits aws: the service's documented request rates
};


struct CliResult {
  Options options;
  bool run = false;     // false: exit with exit_code after printing `output`
  int exit_code = 0;
  std::string output;   // --help / --version text, or the error line
};

using EnvLookup = std::function<const char*(const char*)>;

CliResult parse_cli(int argc, const char* const* argv, const EnvLookup& env);

// $XDG_DATA_HOME/gls-local/state.db, else ~/.local/share/gls-local/state.db.
std::string default_db_path(const EnvLookup& env);

std::string usage();

}  // namespace gls
