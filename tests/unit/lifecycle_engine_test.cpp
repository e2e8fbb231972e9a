// The lifecycle engine itself, driven by a small lifecycle of its own (a
// lamp) on the real store and scheduler: rows, reason rules, timers armed on
// entry and cancelled on leaving, lifetime timers, entry actions and their
// order, typed timer events and the end of a resource.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "state/emulator.hpp"
#include "state/lifecycle/lifecycle_impl.hpp"

namespace gls {
namespace {

enum class LampStatus { Off, Warming, On, Broken };
enum class LampEvent { Switch, Warm, Break, Repair };
enum class LampTimer { Warmed, BurnOut, Replace };

std::string_view to_string(LampStatus s) {
  switch (s) {
    case LampStatus::Off: return "OFF";
    case LampStatus::Warming: return "WARMING";
    case LampStatus::On: return "ON";
    case LampStatus::Broken: return "BROKEN";
  }
  return "?";
}

struct Lamp {
  std::string id;
  LampStatus status = LampStatus::Off;
  std::optional<std::string> reason;
  int64_t updated_ms = 0;
  std::optional<int64_t> burns_out_at;
  bool dimmed = false;
};

// What the lamp's lifecycle did, in order: entry actions, writes.
std::vector<std::string> g_trace;
std::map<std::string, Lamp> g_lamps;  // the "table" the lamps are written to

struct LampWorld;

struct LampMachine {
  using Owner = LampWorld;  // the engine's owner, whose `lamps` it is
  using Resource = Lamp;
  using State = LampStatus;
  using Event = LampEvent;
  using TimerEvent = LampTimer;
  static constexpr std::string_view kKind = "lamp";
  static constexpr std::string_view kGone = "THROWN_AWAY";
  static const LifecycleTables<LampMachine> kTables;

  static LampStatus& status(Lamp& l) { return l.status; }
  static LampStatus status(const Lamp& l) { return l.status; }
  static std::optional<std::string>* reason(Lamp& l) { return &l.reason; }
  static void touch(Lamp& l, int64_t at) { l.updated_ms = at; }
  static std::string key(const Lamp& l) { return l.id; }
  static std::string describe(const Lamp& l) { return "Lamp " + l.id; }
  static bool is_final(LampStatus) { return false; }
  static int64_t entered_at(const Lamp& l) { return l.updated_ms; }
  static std::string_view event_name(LampEvent e) {
    constexpr std::string_view names[] = {"switch", "warm", "break", "repair"};
    return names[static_cast<int>(e)];
  }
  static int64_t duration_ms(Core&, Store&, const Scope&, const Lamp&, std::string_view name) {
    return name == "warmSeconds" ? 2'000 : 30'000;
  }
  static void save(Store&, const Scope&, const Lamp& l, int64_t) {
    g_trace.push_back("write " + std::string(to_string(l.status)));
    g_lamps[l.id] = l;
  }
  static void erase(Core&, Store&, const Scope&, Lamp& l) { g_lamps.erase(l.id); }
  template <class F>
  static void visit(Core&, Store&, const Scope&, std::string_view key, F&& f) {
    auto it = g_lamps.find(std::string(key));
    if (it != g_lamps.end()) f(it->second);
  }
};
using Step = LifecycleStep<LampMachine>;

void note_warming(Step& s) { g_trace.push_back("enter WARMING from " + std::string(to_string(s.from))); }
void note_broken(Step& s) {
  g_trace.push_back("enter BROKEN");
  s.follow_up = true;
}
void after_broken(Step& s) { g_trace.push_back(s.follow_up ? "after BROKEN (follow-up)" : "after BROKEN"); }
bool bright(const Step& s) { return !s.resource.dimmed; }
bool replace_now(TimerFiring<LampMachine>& f);
std::optional<int64_t> burn_out(const Lamp& l) { return l.burns_out_at; }
bool not_broken(const Lamp& l) { return l.status != LampStatus::Broken; }

// clang-format off
constexpr Transition<LampStatus, LampEvent> kLampRows[] = {
    {LampStatus::Off,     LampEvent::Switch, LampStatus::Warming, ReasonRule::Clear},
    {LampStatus::Warming, LampEvent::Warm,   LampStatus::On,      ReasonRule::Keep},
    {LampStatus::Warming, LampEvent::Break,  LampStatus::Broken,  ReasonRule::Set, "burntOut"},
    {LampStatus::On,      LampEvent::Switch, LampStatus::Off,     ReasonRule::Clear},
    {LampStatus::On,      LampEvent::Break,  LampStatus::Broken,  ReasonRule::FromEvent},
    {LampStatus::Broken,  LampEvent::Repair, LampStatus::Off,     ReasonRule::Clear},
};
constexpr StatusTimer<LampMachine> kLampTimers[] = {
    {LampStatus::Warming, LampTimer::Warmed,  "warmSeconds"},
    {LampStatus::Broken,  LampTimer::Replace, "replaceSeconds", bright},
};
constexpr LifetimeTimer<LampMachine> kLampLifetime[] = {{LampTimer::BurnOut, burn_out, not_broken}};
constexpr StatusEntry<LampMachine> kLampEntries[] = {
    {LampStatus::Warming, false, note_warming},
    {LampStatus::Broken,  true,  note_broken, after_broken},
};
constexpr TimerEventRow<LampMachine> kLampTimerEvents[] = {
    {LampTimer::Warmed,  "warmed",  LampEvent::Warm},
    {LampTimer::BurnOut, "burnOut", LampEvent::Break, Cause::Fault},
    {LampTimer::Replace, "replace", LampEvent::Repair, Cause::Timer, replace_now},
};
// clang-format on

const LifecycleTables<LampMachine> LampMachine::kTables = {
    kLampRows, kLampTimers, kLampLifetime, kLampEntries, kLampTimerEvents};

}  // namespace

template class Lifecycle<LampMachine>;

namespace {

using LampLifecycle = Lifecycle<LampMachine>;
const Scope kScope{"111122223333", "us-west-2"};

struct LampWorld {
  std::unique_ptr<Emulator> emu;
  std::unique_ptr<LampLifecycle> lamps;
  int64_t t0 = 0;

  LampWorld() {
    auto store = Store::open(":memory:");
    REQUIRE(store.ok());
    EmulatorConfig config;
    config.clock_mode = ClockMode::Manual;
    emu = std::make_unique<Emulator>(std::move(*store), config);
    lamps = std::make_unique<LampLifecycle>(*emu, *this, emu->cascades());
    emu->scheduler().on("lamp", [this](Store& db, const Timer& t) { lamps->on_timer(db, t); });
    t0 = emu->clock().now_ms();
    g_trace.clear();
    g_lamps.clear();
  }

  template <class F>
  auto in_store(F&& f) {
    return emu->store().transaction([&](Store& db) { return f(db); });
  }
  std::set<std::string> timers(const std::string& id) {
    return in_store([&](Store& db) {
      std::set<std::string> out;
      Stmt q = db.prepare("SELECT event FROM timers WHERE kind = 'lamp' AND resource = ?");
      q.args(id);
      while (q.step()) out.insert(q.text(0));
      return out;
    });
  }
  std::vector<HistoryEntry> history(const std::string& id) {
    return in_store([&](Store& db) { return repo::history(db, kScope, "lamp", id); });
  }
  Lamp started(const std::string& id, std::optional<int64_t> burns_out_at = std::nullopt) {
    Lamp l;
    l.id = id;
    l.burns_out_at = burns_out_at;
    in_store([&](Store& db) { lamps->start(db, kScope, l, LampStatus::Off, t0); });
    g_lamps[id] = l;
    return l;
  }
  void advance(int64_t ms) {
    REQUIRE(emu->clock().advance(ms).ok());
    emu->catch_up();
  }
};

bool replace_now(TimerFiring<LampMachine>& f) {
  if (f.timer.detail == "throwAway") {
    f.owner.lamps->end(f.db, f.scope, f.resource, f.timer.due_ms);
    return false;
  }
  return true;
}

}  // namespace
}  // namespace gls

using namespace gls;

TEST_CASE("the engine refuses a (status, event) pair that is not a row, and changes nothing") {
  LampWorld w;
  Lamp l = w.started("l1");
  Status st = w.in_store([&](Store& db) { return w.lamps->apply(db, kScope, l, LampEvent::Warm, w.t0, Cause::Api); });
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().kind == ErrorKind::Conflict);
  CHECK(st.error().message == "Lamp l1 is OFF; warm is not possible in that status");
  CHECK(l.status == LampStatus::Off);
  CHECK(w.history("l1").size() == 1);  // only the creation
  CHECK(LampLifecycle::find(LampStatus::Off, LampEvent::Switch)->to == LampStatus::Warming);
  CHECK(LampLifecycle::find(LampStatus::Off, LampEvent::Break) == nullptr);
  CHECK(LampLifecycle::reachable(LampStatus::On, LampStatus::Broken));
  CHECK_FALSE(LampLifecycle::reachable(LampStatus::Off, LampStatus::On));
}

TEST_CASE("reason rules: Clear, Keep, Set and FromEvent") {
  LampWorld w;
  Lamp l = w.started("l1");
  l.reason = "stale";
  w.in_store([&](Store& db) {
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Switch, w.t0, Cause::Api).ok());
    CHECK_FALSE(l.reason.has_value());  // Clear
    l.reason = "kept";
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Warm, w.t0, Cause::Api).ok());
    CHECK(l.reason == std::optional<std::string>("kept"));  // Keep
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Break, w.t0, Cause::Admin, "shattered").ok());
    CHECK(l.reason == std::optional<std::string>("shattered"));  // FromEvent
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Repair, w.t0, Cause::Api).ok());
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Switch, w.t0, Cause::Api).ok());
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Break, w.t0, Cause::Api, "ignored").ok());
    CHECK(l.reason == std::optional<std::string>("burntOut"));  // Set
  });
  auto h = w.history("l1");
  REQUIRE(h.size() == 7);
  CHECK(h[3].to == "BROKEN");
  CHECK(h[3].reason == std::optional<std::string>("shattered"));
  CHECK(h[3].cause == "admin");
  CHECK(h[6].reason == std::optional<std::string>("burntOut"));
}

TEST_CASE("a status arms its timers on entry and cancels them when left; a timer fires at its due time") {
  LampWorld w;
  Lamp l = w.started("l1");
  CHECK(w.timers("l1").empty());
  w.in_store([&](Store& db) { REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Switch, w.t0, Cause::Api).ok()); });
  CHECK(w.timers("l1") == std::set<std::string>{"warmed"});
  w.advance(1'999);
  CHECK(g_lamps["l1"].status == LampStatus::Warming);
  w.advance(1);
  CHECK(g_lamps["l1"].status == LampStatus::On);
  auto h = w.history("l1");
  REQUIRE(h.size() == 3);
  CHECK(h[2].cause == "timer");
  CHECK(h[2].time_ms == w.t0 + 2'000);  // stamped with its due time
  CHECK(w.timers("l1").empty());

  // Leaving WARMING before it is warm cancels its timer.
  Lamp m = w.started("l2");
  w.in_store([&](Store& db) {
    REQUIRE(w.lamps->apply(db, kScope, m, LampEvent::Switch, w.t0, Cause::Api).ok());
    REQUIRE(w.lamps->apply(db, kScope, m, LampEvent::Break, w.t0, Cause::Api).ok());
  });
  CHECK(w.timers("l2") == std::set<std::string>{"replace"});

  // A status timer can start again from a later time, alone or with its status's others.
  w.in_store([&](Store& db) {
    CHECK(w.lamps->due(db, kScope, m, LampTimer::Replace) == std::optional<int64_t>(w.t0 + 30'000));
    w.lamps->rearm(db, kScope, m, LampTimer::Replace, w.t0 + 1'000);
    CHECK(w.lamps->due(db, kScope, m, LampTimer::Replace) == std::optional<int64_t>(w.t0 + 31'000));
    w.lamps->rearm(db, kScope, m, w.t0 + 2'000);
    CHECK(w.lamps->due(db, kScope, m, LampTimer::Replace) == std::optional<int64_t>(w.t0 + 32'000));
  });
  CHECK(w.timers("l2") == std::set<std::string>{"replace"});
}

TEST_CASE("timer conditions, lifetime timers and statuses that end every timer") {
  LampWorld w;
  Lamp l = w.started("l1", w.t0 + 60'000);
  CHECK(w.timers("l1") == std::set<std::string>{"burnOut"});
  w.in_store([&](Store& db) { REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Switch, w.t0, Cause::Api).ok()); });
  CHECK(w.timers("l1") == std::set<std::string>{"burnOut", "warmed"});  // the lifetime timer stays
  // BROKEN ends every timer, and arms "replace" only when the lamp is bright.
  l.dimmed = true;
  w.in_store([&](Store& db) { REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Break, w.t0, Cause::Api).ok()); });
  CHECK(w.timers("l1").empty());

  // A lifetime timer fires with its own cause.
  Lamp m = w.started("l2", w.t0 + 5'000);
  w.in_store([&](Store& db) { REQUIRE(w.lamps->apply(db, kScope, m, LampEvent::Switch, w.t0, Cause::Api).ok()); });
  w.advance(5'000);
  CHECK(g_lamps["l2"].status == LampStatus::Broken);
  CHECK(w.history("l2").back().cause == "fault");
  CHECK(w.history("l2").back().reason == std::nullopt);  // FromEvent without a reason
}

TEST_CASE("entry actions run before the write, after-write actions after it, in one change") {
  LampWorld w;
  Lamp l = w.started("l1");
  g_trace.clear();
  w.in_store([&](Store& db) {
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Switch, w.t0, Cause::Api).ok());
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Break, w.t0, Cause::Api).ok());
  });
  const std::vector<std::string> expected = {"enter WARMING from OFF", "write WARMING", "enter BROKEN", "write BROKEN",
                                             "after BROKEN (follow-up)"};
  CHECK(g_trace == expected);
}

TEST_CASE("force: only one-step moves unless forced; adopt arms as of LastUpdatedAt") {
  LampWorld w;
  Lamp l = w.started("l1");
  w.in_store([&](Store& db) {
    Status refused = w.lamps->force(db, kScope, l, LampStatus::On, std::nullopt, false, w.t0);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message ==
          "Lamp l1 cannot go from OFF to ON in one transition; send \"force\": true to set it anyway");
    REQUIRE(w.lamps->force(db, kScope, l, LampStatus::Warming, std::nullopt, false, w.t0).ok());
    REQUIRE(w.lamps->force(db, kScope, l, LampStatus::Broken, std::string("why"), true, w.t0).ok());
  });
  CHECK(l.status == LampStatus::Broken);
  CHECK(l.reason == std::optional<std::string>("why"));
  CHECK(w.history("l1").back().cause == "admin");

  Lamp arriving;
  arriving.id = "l2";
  arriving.status = LampStatus::Warming;
  arriving.updated_ms = w.t0 - 1'500;  // warming for 1.5 s already
  w.in_store([&](Store& db) { w.lamps->adopt(db, kScope, arriving); });
  g_lamps["l2"] = arriving;
  w.advance(500);
  CHECK(g_lamps["l2"].status == LampStatus::On);
}

TEST_CASE("typed timer events: names only in the timers table; interpretation and the end of a resource") {
  CHECK(LampLifecycle::timer_name(LampTimer::BurnOut) == "burnOut");
  CHECK(LampLifecycle::parse_timer("replace") == std::optional<LampTimer>(LampTimer::Replace));
  CHECK_FALSE(LampLifecycle::parse_timer("nonsense").has_value());

  LampWorld w;
  Lamp l = w.started("l1");
  w.in_store([&](Store& db) {
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Switch, w.t0, Cause::Api).ok());
    REQUIRE(w.lamps->apply(db, kScope, l, LampEvent::Break, w.t0, Cause::Api).ok());
    w.lamps->cancel(db, kScope, l, LampTimer::Replace);
    w.lamps->arm(db, kScope, l, LampTimer::Replace, w.t0 + 10, "throwAway");
    CHECK(w.lamps->due(db, kScope, l, LampTimer::Replace) == std::optional<int64_t>(w.t0 + 10));
    db.prepare("INSERT INTO timers (due_ms, id, account, region, kind, resource, event) VALUES (?1, (SELECT "
               "COALESCE(MAX(id), 0) + 1 FROM timers WHERE due_ms = ?1), ?2, ?3, 'lamp', 'l1', ?4)")
        .args(w.t0 + 5, kScope.account, kScope.region, std::string("nonsense"))
        .run();
  });
  w.emu->store().transaction([&](Store& db) { w.emu->scheduler().reload(db); });
  w.advance(10);  // the unknown timer is dropped; "replace" with throwAway ends the lamp
  CHECK(g_lamps.count("l1") == 0);
  auto h = w.history("l1");
  CHECK(h.back().from == std::optional<std::string>("BROKEN"));
  CHECK(h.back().to == "THROWN_AWAY");
  CHECK(w.timers("l1").empty());
}
