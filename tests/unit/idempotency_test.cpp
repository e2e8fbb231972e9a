// ClientTokens on the real store: remembered for a day of emulator time,
// at most kMostKept of them, oldest first out, and those an older schema
// kept (the whole request as their fingerprint) still recognized.
#include "state/store/idempotency.hpp"

#include <doctest/doctest.h>

#include <string>

#include "state/digest.hpp"
#include "state/sessions/stream_session.hpp"
#include "tests/unit/old_schema.hpp"

using namespace gls;

namespace {

const Scope kScope{"111122223333", "us-west-2"};
constexpr int64_t kT0 = 1'700'000'000'000;

std::unique_ptr<Store> memory_store() {
  auto opened = Store::open(":memory:");
  REQUIRE(opened.ok());
  return std::move(opened).value();
}

void remember(Store& store, const std::string& token, int64_t at) {
  store.transaction([&](Store& db) {
    idempotency::remember(db, kScope, "StartStreamSession", token, text_digest("input " + token), "sg/" + token, at);
  });
}

// What recall() says of the token at `at`: "" for none, else the resource.
std::string recalled(Store& store, const std::string& token, int64_t at, const std::string& input) {
  return store.transaction([&](Store& db) -> std::string {
    auto r = idempotency::recall(db, kScope, "StartStreamSession", token, text_digest(input), at);
    REQUIRE(r.ok());
    return r->value_or("");
  });
}

int64_t kept(Store& store) {
  return store.transaction([](Store& db) {
    Stmt q = db.prepare("SELECT COUNT(*) FROM idempotency");
    REQUIRE(q.step());
    return q.int64(0);
  });
}

}  // namespace

TEST_CASE("a ClientToken is remembered for kRememberedMs of emulator time, then is new again") {
  auto store = memory_store();
  remember(*store, "t1", kT0);
  CHECK(recalled(*store, "t1", kT0 + idempotency::kRememberedMs, "input t1") == "sg/t1");
  CHECK(store->transaction([](Store& db) {
    return idempotency::recall(db, kScope, "StartStreamSession", "t1", text_digest("other input"), kT0).ok();
  }) == false);
  CHECK(recalled(*store, "t1", kT0 + idempotency::kRememberedMs + 1, "other input") == "");
  // Forgotten, the token is remembered anew (its row is gone, not in the way).
  remember(*store, "t1", kT0 + idempotency::kRememberedMs + 1);
  CHECK(kept(*store) == 1);
}

TEST_CASE("at most kMostKept ClientTokens are kept, the oldest leaving first") {
  auto store = memory_store();
  const int64_t total = idempotency::kMostKept + 1000;
  store->transaction([&](Store& db) {
    for (int64_t i = 0; i < total; ++i)
      idempotency::remember(db, kScope, "StartStreamSession", "t" + std::to_string(i), "f", "r", kT0);
  });
  const int64_t n = kept(*store);
  CHECK(n >= idempotency::kMostKept);
  CHECK(n < idempotency::kMostKept + idempotency::kSweepEvery);
  CHECK(recalled(*store, "t0", kT0, "x") == "");
  const std::string newest = "t" + std::to_string(total - 1);
  CHECK(store->transaction([&](Store& db) {
    return *idempotency::recall(db, kScope, "StartStreamSession", newest, "f", kT0);
  }) == std::optional<std::string>("r"));
}

TEST_CASE("tokens past kRememberedMs leave the store, not only the answers") {
  auto store = memory_store();
  for (int i = 0; i < 200; ++i) remember(*store, "old" + std::to_string(i), kT0);
  const int64_t later = kT0 + idempotency::kRememberedMs + 1;
  for (int i = 0; i < 56; ++i) remember(*store, "new" + std::to_string(i), later);  // the 256th sweeps
  static_assert(idempotency::kSweepEvery == 256);
  CHECK(kept(*store) == 56);
}

TEST_CASE("migration 17 keeps the ClientTokens an older schema kept, by the digest of their request") {
  const std::string input = R"({"Identifier":"sg-1AB2C3De4","SignalRequest":"offer"})";
  test::OldSchemaFile file("idempotency-v16", 16,
                           "INSERT INTO idempotency (account, region, operation, token, fingerprint, resource, "
                           "created_ms, response) VALUES ('111122223333', 'us-west-2', 'StartStreamSession', 'tok', '" +
                               input + "', 'sg-1AB2C3De4/ABC123def4567', " + std::to_string(kT0) + ", '[1]');");
  auto store = file.open_migrated();
  CHECK(recalled(*store, "tok", kT0 + 1000, input) == "sg-1AB2C3De4/ABC123def4567");
  CHECK(store->transaction([](Store& db) {
    return idempotency::original_response(db, kScope, "StartStreamSession", "tok");
  }) == std::optional<std::string>("[1]"));
}

TEST_CASE("a snapshot restores every field of the record, as one SQL's json_array made does") {
  StreamSession s;
  s.group_id = "sg-1AB2C3De4";
  s.id = "ABC123def4567";
  s.app_id = "";
  s.description = "quote \" backslash \\ newline \n tab \t control \x01 and UTF-8 \xc3\xa9\xe2\x82\xac";
  s.status = SessionStatus::PendingClientReconnection;
  s.signal_request = std::string(3000, 'o') + "\r\n";
  s.launch_args_json = R"(["-x","y z"])";
  s.export_fails_at_ms = -1;
  s.created_ms = INT64_MAX;
  s.updated_ms = INT64_MIN;
  s.placed = false;

  const std::string kept = idempotency::snapshot(s, session_fields());
  auto store = memory_store();
  // What the store keeps a record as before this version: SQL's json_array
  // of its columns. Both restore to the same record.
  const std::string kept_by_sql = store->transaction([&](Store& db) {
    Stmt q = db.prepare("SELECT json_array(" + binding::placeholders(binding::count(session_fields())) + ")");
    binding::bind_columns(q, 1, s, session_fields());
    REQUIRE(q.step());
    return q.text(0);
  });
  for (const std::string& json : {kept, kept_by_sql}) {
    CAPTURE(json.substr(0, 200));
    const StreamSession r =
        store->transaction([&](Store& db) { return idempotency::restore(db, json, session_fields()); });
    CHECK(r.group_id == s.group_id);
    CHECK(r.id == s.id);
    CHECK(r.app_id == "");
    CHECK(r.description == s.description);
    CHECK(!r.user_id);
    CHECK(r.status == SessionStatus::PendingClientReconnection);
    CHECK(r.signal_request == s.signal_request);
    CHECK(r.launch_args_json == s.launch_args_json);
    CHECK(r.export_fails_at_ms == std::optional<int64_t>(-1));
    CHECK(r.created_ms == INT64_MAX);
    CHECK(r.updated_ms == INT64_MIN);
    CHECK(!r.placed);
    CHECK(idempotency::snapshot(r, session_fields()) == kept);
  }
}
