// Resource IDs and ARNs, and the emulator's VirtualClock.
#include <doctest/doctest.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "state/time/clock.hpp"
#include "state/ids.hpp"

using gls::ClockMode;
using gls::IdGenerator;
using gls::ResourceType;
using gls::Scope;
using gls::VirtualClock;

namespace {

const Scope kScope{"111122223333", "us-west-2"};

// xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, lower-case hex, V one of 8 9 a b.
// (Not std::regex: GCC 12 warns inside <regex> in sanitizer builds.)
bool uuid_v4_shape(const std::string& u) {
  if (u.size() != 36) return false;
  for (size_t i = 0; i < u.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (u[i] == '-')) return false;
    if (!dash && std::string_view("0123456789abcdef").find(u[i]) == std::string_view::npos) return false;
  }
  return u[14] == '4' && std::string_view("89ab").find(u[19]) != std::string_view::npos;
}

bool all_alnum(const std::string& s) {
  for (unsigned char c : s)
    if (!std::isalnum(c)) return false;
  return true;
}

}  // namespace

// ---- IDs ---------------------------------------------------------------------------

TEST_CASE("generated IDs have the service's formats") {
  IdGenerator ids(42);
  for (int i = 0; i < 200; ++i) {
    std::string a = ids.application(), g = ids.stream_group(), u = ids.stream_url(), s = ids.stream_session();
    CAPTURE(a);
    CAPTURE(g);
    CAPTURE(u);
    CAPTURE(s);
    REQUIRE(a.size() == 11);
    CHECK(a.rfind("a-", 0) == 0);
    CHECK(all_alnum(a.substr(2)));
    REQUIRE(g.size() == 12);
    CHECK(g.rfind("sg-", 0) == 0);
    CHECK(all_alnum(g.substr(3)));
    REQUIRE(u.size() == 12);
    CHECK(u.rfind("su-", 0) == 0);
    CHECK(all_alnum(u.substr(3)));
    CHECK(s.size() == 13);
    CHECK(all_alnum(s));
    // ...and the recognisers agree.
    CHECK(gls::is_application_id(a));
    CHECK(gls::is_stream_group_id(g));
    CHECK(gls::is_stream_url_id(u));
    CHECK(gls::is_stream_session_id(s));
  }
  // Upper case, lower case and digits all occur.
  std::string many = ids.alphanumeric(2000);
  bool upper = false, lower = false, digit = false;
  for (unsigned char c : many) {
    upper |= std::isupper(c) != 0;
    lower |= std::islower(c) != 0;
    digit |= std::isdigit(c) != 0;
  }
  CHECK(upper);
  CHECK(lower);
  CHECK(digit);
  CHECK(ids.hex(64).find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(ids.hex(64).size() == 64);
}

TEST_CASE("ID recognisers") {
  CHECK(gls::is_application_id("a-9ZY8X7Wv6"));
  CHECK_FALSE(gls::is_application_id("a-9ZY8X7Wv"));     // 8
  CHECK_FALSE(gls::is_application_id("a-9ZY8X7Wv6x"));   // 10
  CHECK_FALSE(gls::is_application_id("a-9ZY8X7W-6"));
  CHECK_FALSE(gls::is_application_id("b-9ZY8X7Wv6"));
  CHECK(gls::is_stream_group_id("sg-1AB2C3De4"));
  CHECK_FALSE(gls::is_stream_group_id("sg-1AB2C3De"));
  CHECK_FALSE(gls::is_stream_group_id("su-1AB2C3De4"));
  CHECK(gls::is_stream_url_id("su-1AB2C3De4"));
  CHECK(gls::is_stream_session_id("ABC123def4567"));
  CHECK_FALSE(gls::is_stream_session_id("ABC123def456"));
  CHECK_FALSE(gls::is_stream_session_id("ABC123def-567"));
}

TEST_CASE("IDs are reproducible for a seed and differ between seeds") {
  IdGenerator a(7), b(7), c(8);
  std::set<std::string> seen;
  bool differs = false;
  for (int i = 0; i < 50; ++i) {
    std::string x = a.stream_session();
    CHECK(x == b.stream_session());
    differs |= x != c.stream_session();
    seen.insert(x);
    CHECK(a.uuid() == b.uuid());
    c.uuid();
  }
  CHECK(differs);
  CHECK(seen.size() == 50);  // no repeats in a short run
}

TEST_CASE("stream session IDs sort in the order they were named (their index entries append)") {
  IdGenerator ids(3);
  std::string previous = ids.stream_session();
  // Past the first two carries of the counted part (62 and 62^2 sessions).
  for (int i = 1; i < 5000; ++i) {
    std::string next = ids.stream_session();
    CAPTURE(previous);
    CAPTURE(next);
    REQUIRE(previous < next);
    REQUIRE(gls::is_stream_session_id(next));
    previous = next;
  }
}

TEST_CASE("uuid() is a version 4, variant 1 UUID") {
  IdGenerator ids(1);
  std::set<char> variants;
  for (int i = 0; i < 200; ++i) {
    std::string u = ids.uuid();
    CAPTURE(u);
    CHECK(uuid_v4_shape(u));
    variants.insert(u[19]);
  }
  CHECK(variants.size() > 1);
  // The checker itself rejects what is not the shape.
  CHECK_FALSE(uuid_v4_shape("123e4567-e89b-12d3-a456-426614174000"));  // version 1
  CHECK_FALSE(uuid_v4_shape("123e4567-e89b-42d3-c456-426614174000"));  // variant
  CHECK_FALSE(uuid_v4_shape("123E4567-E89B-42D3-A456-426614174000"));  // upper case
  CHECK(uuid_v4_shape("123e4567-e89b-42d3-a456-426614174000"));
}

// ---- ARNs --------------------------------------------------------------------------

TEST_CASE("ARNs of each resource type, and parse_arn") {
  CHECK(gls::application_arn(kScope, "a-9ZY8X7Wv6") ==
        "arn:aws:gameliftstreams:us-west-2:111122223333:application/a-9ZY8X7Wv6");
  CHECK(gls::stream_group_arn(kScope, "sg-1AB2C3De4") ==
        "arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup/sg-1AB2C3De4");
  CHECK(gls::stream_session_arn(kScope, "sg-1AB2C3De4", "ABC123def4567") ==
        "arn:aws:gameliftstreams:us-west-2:111122223333:streamsession/sg-1AB2C3De4/ABC123def4567");
  CHECK(gls::stream_url_arn(kScope, "sg-1AB2C3De4", "su-1AB2C3De4") ==
        "arn:aws:gameliftstreams:us-west-2:111122223333:streamurl/sg-1AB2C3De4/su-1AB2C3De4");

  auto arn = gls::parse_arn(gls::stream_session_arn({"444455556666", "eu-central-1"}, "sg-1AB2C3De4", "ABC123def4567"));
  REQUIRE(arn.has_value());
  CHECK(arn->region == "eu-central-1");
  CHECK(arn->account == "444455556666");
  CHECK(arn->type == "streamsession");
  CHECK(arn->path == std::vector<std::string>{"sg-1AB2C3De4", "ABC123def4567"});

  arn = gls::parse_arn(gls::application_arn(kScope, "a-9ZY8X7Wv6"));
  REQUIRE(arn.has_value());
  CHECK(arn->type == "application");
  CHECK(arn->path == std::vector<std::string>{"a-9ZY8X7Wv6"});

  for (const char* bad : {"", "arn:aws:gameliftstreams", "arn:aws:gamelift:us-west-2:111122223333:fleet/f-1",
                          "arn:aws-cn:gameliftstreams:cn-north-1:111122223333:streamgroup/sg-1AB2C3De4",
                          "arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup",
                          "arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup/",
                          "arn:aws:gameliftstreams:us-west-2:111122223333:streamsession/sg-1AB2C3De4/",
                          "arn:aws:gameliftstreams:us-west-2:111122223333:streamsession//ABC123def4567",
                          "arn:aws:gameliftstreams:us-west-2", "sg-1AB2C3De4",
                          "ARN:aws:gameliftstreams:us-west-2:111122223333:streamgroup/sg-1AB2C3De4"}) {
    CAPTURE(bad);
    CHECK_FALSE(gls::parse_arn(bad).has_value());
  }
  CHECK(gls::arn_type_name(ResourceType::StreamUrl) == "streamurl");
  CHECK(gls::display_name(ResourceType::StreamGroup) == "stream group");
}

TEST_CASE("resolve_id: IDs pass through, ARNs are checked for type, account and region") {
  auto r = gls::resolve_id(kScope, "sg-1AB2C3De4", ResourceType::StreamGroup);
  REQUIRE(r.ok());
  CHECK(*r == "sg-1AB2C3De4");
  // IDs are not checked here: existence is the finder's business.
  r = gls::resolve_id(kScope, "anything", ResourceType::Application);
  REQUIRE(r.ok());
  CHECK(*r == "anything");

  r = gls::resolve_id(kScope, gls::stream_group_arn(kScope, "sg-1AB2C3De4"), ResourceType::StreamGroup);
  REQUIRE(r.ok());
  CHECK(*r == "sg-1AB2C3De4");
  r = gls::resolve_id(kScope, gls::application_arn(kScope, "a-9ZY8X7Wv6"), ResourceType::Application);
  REQUIRE(r.ok());
  CHECK(*r == "a-9ZY8X7Wv6");
  r = gls::resolve_id(kScope, gls::stream_session_arn(kScope, "sg-1AB2C3De4", "ABC123def4567"),
                      ResourceType::StreamSession);
  REQUIRE(r.ok());
  CHECK(*r == "ABC123def4567");

  // An ARN of another type is a validation error.
  const std::string app_arn = gls::application_arn(kScope, "a-9ZY8X7Wv6");
  r = gls::resolve_id(kScope, app_arn, ResourceType::StreamGroup);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == gls::ErrorKind::Validation);
  CHECK(r.error().message == "'" + app_arn + "' is not a stream group ARN");
  // A session ARN where a group is expected (two path parts), and a malformed ARN.
  r = gls::resolve_id(kScope, gls::stream_session_arn(kScope, "sg-1AB2C3De4", "ABC123def4567"),
                      ResourceType::StreamGroup);
  CHECK(r.error().kind == gls::ErrorKind::Validation);
  r = gls::resolve_id(kScope, "arn:aws:gameliftstreams:us-west-2:111122223333:streamsession/ABC123def4567",
                      ResourceType::StreamSession);
  CHECK(r.error().kind == gls::ErrorKind::Validation);
  r = gls::resolve_id(kScope, "arn:nonsense", ResourceType::Application);
  CHECK(r.error().kind == gls::ErrorKind::Validation);

  // The right type in another account or region does not exist here.
  const std::string foreign = gls::stream_group_arn({"444455556666", "us-west-2"}, "sg-1AB2C3De4");
  r = gls::resolve_id(kScope, foreign, ResourceType::StreamGroup);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == gls::ErrorKind::NotFound);
  CHECK(r.error().message.find(foreign) != std::string::npos);
  r = gls::resolve_id(kScope, gls::stream_group_arn({"111122223333", "eu-west-1"}, "sg-1AB2C3De4"),
                      ResourceType::StreamGroup);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == gls::ErrorKind::NotFound);
}

TEST_CASE("the wrong-type message reads well for every type") {
  // BUG (cosmetic): ids.cpp arn_path() writes "is not a " + display name, so
  // an application ARN check says "is not a application ARN".
  const std::string group_arn = gls::stream_group_arn(kScope, "sg-1AB2C3De4");
  auto r = gls::resolve_id(kScope, group_arn, ResourceType::Application);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "'" + group_arn + "' is not an application ARN");
}

TEST_CASE("resolve_child_id: the ARN must name the same stream group") {
  const std::string group = "sg-1AB2C3De4";
  auto r = gls::resolve_child_id(kScope, group, "ABC123def4567", ResourceType::StreamSession);
  REQUIRE(r.ok());
  CHECK(*r == "ABC123def4567");

  r = gls::resolve_child_id(kScope, group, gls::stream_session_arn(kScope, group, "ABC123def4567"),
                            ResourceType::StreamSession);
  REQUIRE(r.ok());
  CHECK(*r == "ABC123def4567");
  r = gls::resolve_child_id(kScope, group, gls::stream_url_arn(kScope, group, "su-1AB2C3De4"), ResourceType::StreamUrl);
  REQUIRE(r.ok());
  CHECK(*r == "su-1AB2C3De4");

  // The session exists under another group: not found in this one.
  const std::string elsewhere = gls::stream_session_arn(kScope, "sg-999999999", "ABC123def4567");
  r = gls::resolve_child_id(kScope, group, elsewhere, ResourceType::StreamSession);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == gls::ErrorKind::NotFound);
  CHECK(r.error().message.find(group) != std::string::npos);

  // Wrong type, wrong scope.
  r = gls::resolve_child_id(kScope, group, gls::stream_url_arn(kScope, group, "su-1AB2C3De4"),
                            ResourceType::StreamSession);
  CHECK(r.error().kind == gls::ErrorKind::Validation);
  r = gls::resolve_child_id(kScope, group, gls::stream_session_arn({"444455556666", "us-west-2"}, group, "ABC123def4567"),
                            ResourceType::StreamSession);
  CHECK(r.error().kind == gls::ErrorKind::NotFound);
}

// ---- VirtualClock ------------------------------------------------------------------

TEST_CASE("clock modes parse and print") {
  ClockMode m = ClockMode::Real;
  CHECK(gls::parse_clock_mode("manual", m));
  CHECK(m == ClockMode::Manual);
  CHECK(gls::parse_clock_mode("real", m));
  CHECK(m == ClockMode::Real);
  CHECK_FALSE(gls::parse_clock_mode("Manual", m));
  CHECK_FALSE(gls::parse_clock_mode("", m));
  CHECK(m == ClockMode::Real);
  CHECK(gls::to_string(ClockMode::Manual) == "manual");
  CHECK(gls::to_string(ClockMode::Real) == "real");
}

TEST_CASE("a manual clock stands still until advanced or set") {
  VirtualClock clock(ClockMode::Manual, 1.0, 1'000'000);
  CHECK(clock.now_ms() == 1'000'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(clock.now_ms() == 1'000'000);
  auto reading = clock.read();
  CHECK(reading.now_ms == 1'000'000);
  CHECK(reading.mode == ClockMode::Manual);
  CHECK(reading.scale == 1.0);

  CHECK(clock.advance(0).ok());
  CHECK(clock.now_ms() == 1'000'000);
  CHECK(clock.advance(1500).ok());
  CHECK(clock.now_ms() == 1'001'500);
  CHECK(clock.set(2'000'000).ok());
  CHECK(clock.now_ms() == 2'000'000);
  CHECK(clock.set(2'000'000).ok());  // setting to now is fine
  CHECK(clock.now_ms() == 2'000'000);
}

TEST_CASE("the clock refuses to go backwards") {
  VirtualClock clock(ClockMode::Manual, 1.0, 5'000);
  gls::Status s = clock.advance(-1);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == gls::ErrorKind::Validation);
  CHECK(s.error().message.find("backwards") != std::string::npos);
  CHECK(clock.now_ms() == 5'000);

  s = clock.set(4'999);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == gls::ErrorKind::Validation);
  CHECK(clock.now_ms() == 5'000);

  // Also in real mode, where "now" keeps moving.
  VirtualClock real(ClockMode::Real, 1.0, 5'000);
  CHECK_FALSE(real.set(4'000).ok());
  CHECK(real.now_ms() >= 5'000);
}

TEST_CASE("a real clock runs at its scale") {
  VirtualClock clock(ClockMode::Real, 1000.0, 0);
  const auto wall_start = std::chrono::steady_clock::now();
  int64_t before = clock.now_ms();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  int64_t after = clock.now_ms();
  const auto wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wall_start).count();
  // 30 ms of wall time at 1000x is 30 s of emulator time; allow for a slow machine.
  CHECK(after - before >= 25'000);
  CHECK(after - before <= (wall_ms + 5) * 1000);

  // Advancing a real clock adds to where it is.
  int64_t t = clock.now_ms();
  CHECK(clock.advance(3'600'000).ok());
  CHECK(clock.now_ms() >= t + 3'600'000);

  // Scale 1 runs at wall speed.
  VirtualClock slow(ClockMode::Real, 1.0, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(slow.now_ms() >= 15);
  CHECK(slow.now_ms() < 5'000);
}

TEST_CASE("readings never decrease") {
  VirtualClock clock(ClockMode::Real, 1000.0, 0);
  int64_t last = clock.now_ms();
  int decreases = 0;
  bool switched = true;
  for (int i = 0; i < 20000; ++i) {
    int64_t now = i % 2 ? clock.now_ms() : clock.read().now_ms;
    if (now < last) ++decreases;
    last = now;
    // Switch modes and scales now and then, and advance: still never backwards.
    if (i % 5000 == 0) switched &= clock.set_mode(i % 10000 == 0 ? ClockMode::Manual : ClockMode::Real, 1000.0).ok();
    if (i % 7000 == 0) switched &= clock.advance(1).ok();
  }
  CHECK(switched);
  CHECK(decreases == 0);
  CHECK(last > 0);
}

TEST_CASE("set_mode keeps time continuous and validates the scale") {
  VirtualClock clock(ClockMode::Real, 1000.0, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  int64_t before = clock.now_ms();
  CHECK(before > 0);
  REQUIRE(clock.set_mode(ClockMode::Manual, 1.0).ok());
  int64_t frozen = clock.now_ms();
  // Switching mode neither jumps back nor skips ahead by more than the switch took.
  CHECK(frozen >= before);
  CHECK(frozen - before < 500'000);  // at most 0.5 s of wall time at 1000x
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(clock.now_ms() == frozen);
  CHECK(clock.read().mode == ClockMode::Manual);
  CHECK(clock.read().scale == 1.0);

  // Back to real: time resumes from where it stood.
  REQUIRE(clock.set_mode(ClockMode::Real, 2.0).ok());
  int64_t resumed = clock.now_ms();
  CHECK(resumed >= frozen);
  CHECK(resumed - frozen < 1'000);
  CHECK(clock.read().scale == 2.0);

  for (double bad : {0.0, -1.0, 1e7, 1e-300, 0.000999, std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()}) {
    CAPTURE(bad);
    gls::Status s = clock.set_mode(ClockMode::Real, bad);
    CHECK_FALSE(s.ok());
    CHECK(clock.read().scale == 2.0);
  }
  CHECK(clock.set_mode(ClockMode::Real, 1e6).ok());
  CHECK(clock.set_mode(ClockMode::Real, gls::kMinTimeScale).ok());
}

TEST_CASE("time conversions saturate instead of overflowing") {
  using gls::seconds_to_ms;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  CHECK(seconds_to_ms(1.5) == 1500);
  CHECK(seconds_to_ms(0.0004) == 0);
  CHECK(seconds_to_ms(0.0005) == 1);
  CHECK(seconds_to_ms(-2.0) == -2000);
  CHECK(seconds_to_ms(1e300) == kMax);
  CHECK(seconds_to_ms(-1e300) == kMin);
  CHECK(seconds_to_ms(std::numeric_limits<double>::infinity()) == kMax);
  CHECK(seconds_to_ms(std::numeric_limits<double>::quiet_NaN()) == 0);
  CHECK(gls::saturate_to_int64(9223372036854775807.0) == kMax);  // 2^63 after rounding to a double
  CHECK(gls::saturate_to_int64(-9223372036854775808.0) == kMin);

  // Far ahead, at the slowest scale: a bounded wait, never an overflowed one.
  VirtualClock slow(ClockMode::Real, gls::kMinTimeScale, 0);
  auto wait = slow.wall_time_until(kMax);
  CHECK(wait > std::chrono::hours(24));
  CHECK(wait <= std::chrono::hours(24 * 366));
  VirtualClock manual(ClockMode::Manual, 1.0, kMax - 10);
  CHECK(manual.advance(100).ok());
  CHECK(manual.now_ms() == kMax);
}

TEST_CASE("wall_time_until") {
  VirtualClock manual(ClockMode::Manual, 1.0, 10'000);
  CHECK(manual.wall_time_until(20'000) == std::chrono::steady_clock::duration::max());
  CHECK(manual.wall_time_until(0) == std::chrono::steady_clock::duration::max());

  VirtualClock real(ClockMode::Real, 10.0, 10'000);
  CHECK(real.wall_time_until(0) == std::chrono::steady_clock::duration::zero());
  CHECK(real.wall_time_until(real.now_ms()) == std::chrono::steady_clock::duration::zero());
  // 10 s of emulator time at 10x is about 1 s of wall time, never less than what is left.
  auto wait = real.wall_time_until(real.now_ms() + 10'000);
  CHECK(wait > std::chrono::milliseconds(500));
  CHECK(wait <= std::chrono::milliseconds(1'002));
}

TEST_CASE("wall_now_ms is the system time") {
  using namespace std::chrono;
  int64_t sys = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  CHECK(std::abs(VirtualClock::wall_now_ms() - sys) < 1'000);
}
