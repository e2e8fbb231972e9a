#include "cli.hpp"

#include "media/stream_media.hpp"

#include <charconv>
#include <cmath>
#include <thread>

namespace gls {

namespace {

struct Flag {
  const char* name;  // without the leading "--"
  const char* env;
  bool takes_value;
  // Applies the value; returns an error message, or empty when fine.
  std::function<std::string(Options&, const std::string&)> apply;
};

template <class T>
bool parse_number(const std::string& s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool parse_double(const std::string& s, double& out) {
  try {
    size_t n = 0;
    out = std::stod(s, &n);
    return n == s.size() && std::isfinite(out);
  } catch (...) {
    return false;
  }
}

// A repeatable flag's values: the command line gives one at a time, the
// environment a comma-separated list.
template <class Valid>
std::string add_list(std::vector<std::string>& list, const std::string& value, Valid valid, const char* problem) {
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty() || !valid(item)) return problem;
    list.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return {};
}

// A number of bytes, with an optional K, M or G (powers of 1024).
bool parse_bytes(const std::string& s, uint64_t& out) {
  std::string digits = s;
  int shift = 0;
  if (!s.empty() && std::string_view("KMG").find(s.back()) != std::string_view::npos) {
    shift = 10 * (1 + static_cast<int>(std::string_view("KMG").find(s.back())));
    digits.pop_back();
  }
  if (!parse_number(digits, out) || out > (uint64_t{1} << 40) >> shift) return false;
  out <<= shift;
  return true;
}

bool parse_bool(const std::string& s, bool& out) {
  if (s == "1" || s == "true" || s == "yes" || s == "on") return out = true, true;
  if (s == "0" || s == "false" || s == "no" || s == "off") return out = false, true;
  return false;
}

// A flag whose value is a non-empty text kept in `field`.
std::function<std::string(Options&, const std::string&)> text(std::string Options::*field, const char* refusal) {
  return [field, refusal](Options& o, const std::string& v) {
    if (v.empty()) return std::string(refusal);
    o.*field = v;
    return std::string();
  };
}

// A flag without a value that sets `field` to `when_given` (or takes true/false).
std::function<std::string(Options&, const std::string&)> switch_flag(bool Options::*field, bool when_given) {
  return [field, when_given](Options& o, const std::string& v) {
    bool b = true;
    if (!v.empty() && !parse_bool(v, b)) return std::string("must be true or false");
    o.*field = b ? when_given : !when_given;
    return std::string();
  };
}

const std::vector<Flag>& flags() {
  static const std::vector<Flag> table = {
      {"host", "GLS_HOST", true, text(&Options::host, "must not be empty")},
      {"port", "GLS_PORT", true, [](Options& o, const std::string& v) {
         unsigned p = 0;
         if (!parse_number(v, p) || p > 65535) return std::string("must be a port number from 0 to 65535");
         o.port = static_cast<uint16_t>(p);
         return std::string();
       }},
      {"threads", "GLS_THREADS", true, [](Options& o, const std::string& v) {
         if (!parse_number(v, o.threads) || o.threads < 1 || o.threads > 256)
           return std::string("must be a number of I/O threads from 1 to 256");
         return std::string();
       }},
      {"db", "GLS_DB", true, text(&Options::db, "must be a file path or :memory:")},
      {"fixtures", "GLS_FIXTURES", true, [](Options& o, const std::string& v) {
         if (v.empty()) return std::string("must name a file or directory");
         o.fixtures.push_back(v);
         return std::string();
       }},
      {"no-default-fixtures", "GLS_NO_DEFAULT_FIXTURES", false, switch_flag(&Options::default_fixtures, false)},
      {"account-id", "GLS_ACCOUNT_ID", true, [](Options& o, const std::string& v) {
         if (v.size() != 12 || v.find_first_not_of("0123456789") != std::string::npos)
           return std::string("must be 12 digits");
         o.account_id = v;
         return std::string();
       }},
      {"region", "GLS_REGION", true, [](Options& o, const std::string& v) {
         if (v.empty() || v.size() > 20 || v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
           return std::string("must be a region name such as us-west-2");
         o.region = v;
         return std::string();
       }},
      {"clock", "GLS_CLOCK", true, [](Options& o, const std::string& v) {
         if (!parse_clock_mode(v, o.clock)) return std::string("must be real or manual");
         return std::string();
       }},
      {"time-scale", "GLS_TIME_SCALE", true, [](Options& o, const std::string& v) {
         if (!parse_double(v, o.time_scale) || o.time_scale < kMinTimeScale || o.time_scale > kMaxTimeScale)
           return std::string("must be a number from 0.001 to 1000000");
         return std::string();
       }},
      {"seed", "GLS_SEED", true, [](Options& o, const std::string& v) {
         uint64_t s = 0;
         if (!parse_number(v, s)) return std::string("must be a non-negative integer");
         o.seed = s;
         return std::string();
       }},
      {"timings", "GLS_TIMINGS", true, text(&Options::timings, "must name a JSON file")},
      {"export-dir", "GLS_EXPORT_DIR", true, text(&Options::export_dir, "must name a directory")},
      {"auto-connect", "GLS_AUTO_CONNECT", true, [](Options& o, const std::string& v) {
         double s = 0;
         if (!parse_double(v, s) || s < 0 || s > 86400) return std::string("must be seconds from 0 to 86400");
         o.auto_connect_seconds = s;
         return std::string();
       }},
      {"log-level", "GLS_LOG_LEVEL", true, [](Options& o, const std::string& v) {
         if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error")
           return std::string("must be trace, debug, info, warn or error");
         o.log_level = v;
         return std::string();
       }},
      {"log-format", "GLS_LOG_FORMAT", true, [](Options& o, const std::string& v) {
         if (v != "text" && v != "json") return std::string("must be text or json");
         o.log_format = v;
         return std::string();
       }},
      {"journal-size", "GLS_JOURNAL_SIZE", true, [](Options& o, const std::string& v) {
         if (!parse_number(v, o.journal_size) || o.journal_size > 1'000'000)
           return std::string("must be a number of requests from 0 to 1000000");
         return std::string();
       }},
      {"validate-responses", "GLS_VALIDATE_RESPONSES", false, switch_flag(&Options::validate_responses, true)},
      {"no-render-cache", "GLS_NO_RENDER_CACHE", false, switch_flag(&Options::render_cache, false)},
      {"max-connections", "GLS_MAX_CONNECTIONS", true, [](Options& o, const std::string& v) {
         if (!parse_number(v, o.max_connections) || o.max_connections < 1 || o.max_connections > 1'000'000)
           return std::string("must be a number of connections from 1 to 1000000");
         return std::string();
       }},
      {"max-streams", "GLS_MAX_STREAMS", true, [](Options& o, const std::string& v) {
         if (!parse_number(v, o.max_streams) || o.max_streams > 1000)
           return std::string("must be a number of streams from 0 to 1000");
         return std::string();
       }},
      {"max-state-documents", "GLS_MAX_STATE_DOCUMENTS", true, [](Options& o, const std::string& v) {
         if (!parse_number(v, o.max_state_documents) || o.max_state_documents < 1 || o.max_state_documents > 64)
           return std::string("must be a number of documents from 1 to 64");
         return std::string();
       }},
      {"state-body-limit", "GLS_STATE_BODY_LIMIT", true, [](Options& o, const std::string& v) {
         if (!parse_bytes(v, o.state_body_limit) || o.state_body_limit < 1024 || o.state_body_limit > (uint64_t{64} << 30))
           return std::string("must be a number of bytes from 1K to 64G (K, M and G: powers of 1024)");
         return std::string();
       }},
      {"allowed-host", "GLS_ALLOWED_HOST", true, [](Options& o, const std::string& v) {
         return add_list(o.allowed_hosts, v, [](const std::string& h) {
           return h.find_first_of("/ \t@") == std::string::npos;
         }, "must be a host name such as gls-local or dev.example.com, or * (repeatable; the environment takes a comma-separated list)");
       }},
      {"cors-origin", "GLS_CORS_ORIGIN", true, [](Options& o, const std::string& v) {
         return add_list(o.cors_origins, v, [](const std::string& origin) {
           return origin == "*" || ((origin.rfind("http://", 0) == 0 || origin.rfind("https://", 0) == 0) &&
                                    origin.find('/', origin.find("//") + 2) == std::string::npos &&
                                    origin.find_first_of(" \t,") == std::string::npos);
         }, "must be an origin such as http://localhost:3000, or * (repeatable; the environment takes a comma-separated list)");
       }},
      {"rate-limits", "GLS_RATE_LIMITS", true, [](Options& o, const std::string& v) {
         if (v != "aws" && v != "off") return std::string("must be aws or off");
         o.aws_rate_limits = v == "aws";
         return std::string();
       }},
      {"admin-token", "GLS_ADMIN_TOKEN", true, [](Options& o, const std::string& v) {
         if (v.size() < 8 || v.find_first_of(" \t\r\n") != std::string::npos)
           return std::string("must be at least 8 characters without spaces");
         o.admin_token = v;
         return std::string();
       }},
  };
  return table;
}

}  // namespace

std::string default_db_path(const EnvLookup& env) {
  const char* xdg = env("XDG_DATA_HOME");
  if (xdg && *xdg) return std::string(xdg) + "/gls-local/state.db";
  const char* home = env("HOME");
  return std::string(home && *home ? home : ".") + "/.local/share/gls-local/state.db";
}

std::string usage() {
  return R"(gls-local: a local emulator of the Amazon GameLift Streams API

Usage: gls-local [flags]

  --host ADDRESS            address to listen on (default 127.0.0.1)
  --port N                  port to listen on; 0 picks a free one (default 8766)
  --threads N               I/O threads (default: the number of cores)
  --db PATH | :memory:      SQLite database (default $XDG_DATA_HOME/gls-local/state.db)
  --fixtures FILE_OR_DIR    load fixtures into an empty database (repeatable)
  --no-default-fixtures     do not load the built-in fixtures/default.json
  --account-id ID           default account, 12 digits (default 111122223333)
  --region REGION           default region (default us-west-2)
  --clock real|manual       real: runs at --time-scale; manual: moves only when told (default real)
  --time-scale X            emulator seconds per wall second in real mode, 0.001 to 1000000 (default 1)
  --seed N                  seed for IDs and probabilistic faults, for reproducible runs
  --timings FILE            JSON file overriding lifecycle durations
  --export-dir DIR          write exported session files under DIR/<bucket>/<key>
  --auto-connect SECONDS    a simulated client connects this long after an ACTIVE session's
                            SignalResponse is first delivered (GetStreamSession,
                            CreateStreamSessionConnection)
  --log-level LEVEL         trace, debug, info, warn or error (default info)
  --log-format text|json    one line per request, as text or JSON (default text)
  --journal-size N          requests the journal (GET /_gls/requests) keeps (default 1000)
  --validate-responses      check every response against the API model (for tests)
  --no-render-cache         render every GetStreamSession and GetStreamGroup from the store,
                            even when nothing changed since the last (to measure the store)
  --max-connections N       open connections at most; more are closed at once (default 10000)
  --max-streams N           sessions streaming over WebRTC at once; others get an inert
                            answer (default 8; 0: none)
  --max-state-documents N   state documents (GET and PUT /_gls/state) served at once; one
                            more is told 503 with Retry-After: 1 (default 4; 1 to 64)
  --state-body-limit BYTES  the largest PUT /_gls/state body, kept beside the database as it
                            arrives; K, M, G: powers of 1024 (default 1G)
  --allowed-host NAME       also accept requests whose Host is NAME (repeatable; * for any).
                            Otherwise accepted: loopback names; bound beyond loopback, also
                            IP addresses and single-label names (compose service names)
  --cors-origin ORIGIN      let pages of ORIGIN (e.g. http://localhost:3000, or *) call the API
                            and the admin API from the browser (repeatable)
  --admin-token TOKEN       the admin API (/_gls/...) requires "Authorization: Bearer TOKEN"
  --rate-limits aws|off     aws: the service's documented request rates per operation and
                            account, beyond which requests get a ThrottlingException (default off)
  --help                    show this help
  --version                 show the version

Every flag can also be set by an environment variable: GLS_ and the flag's name
in capitals, e.g. GLS_PORT=9000 or GLS_NO_DEFAULT_FIXTURES=1.

The stream: )" + media::StreamMedia::describe() + "\n";
}

CliResult parse_cli(int argc, const char* const* argv, const EnvLookup& env) {
  CliResult r;
  Options& o = r.options;
  unsigned cores = std::thread::hardware_concurrency();
  o.threads = cores == 0 ? 1 : static_cast<int>(std::min(cores, 256u));
  o.db = default_db_path(env);

  auto error = [&](const std::string& message) {
    r.run = false;
    r.exit_code = 2;
    r.output = "gls-local: " + message + " (see --help)";
    return r;
  };

  // --help and --version answer whatever else is wrong.
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      r.output = usage();
      return r;
    }
    if (arg == "--version") {
      r.output = std::string("gls-local ") + GLS_VERSION;
      return r;
    }
  }

  // Environment first, so that the command line wins.
  for (const Flag& f : flags()) {
    const char* v = env(f.env);
    if (!v) continue;
    std::string value = v;
    if (f.apply && !value.empty()) {
      std::string problem = f.apply(o, value);
      if (!problem.empty()) return error(std::string(f.env) + "='" + value + "': " + problem);
    }
  }

  bool fixtures_from_cli = false, hosts_from_cli = false, origins_from_cli = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) return error("unexpected argument '" + arg + "'");
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Flag* flag = nullptr;
    for (const Flag& f : flags())
      if (name == f.name) flag = &f;
    if (!flag) return error("unknown flag --" + name);
    if (flag->takes_value && !value) {
      if (i + 1 >= argc || std::string_view(argv[i + 1]).rfind("--", 0) == 0)
        return error("--" + name + " needs a value");
      value = argv[++i];
    }
    if (name == "fixtures" && !fixtures_from_cli) {
      o.fixtures.clear();  // the command line replaces GLS_FIXTURES
      fixtures_from_cli = true;
    }
    if (name == "allowed-host" && !hosts_from_cli) {
      o.allowed_hosts.clear();
      hosts_from_cli = true;
    }
    if (name == "cors-origin" && !origins_from_cli) {
      o.cors_origins.clear();
      origins_from_cli = true;
    }
    std::string problem = flag->apply(o, value.value_or(""));
    if (!problem.empty()) return error("--" + name + " '" + value.value_or("") + "': " + problem);
  }
  r.run = true;
  return r;
}

}  // namespace gls
