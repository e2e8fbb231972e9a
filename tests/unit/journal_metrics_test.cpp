// The request journal's ring buffer, the Prometheus rendering of the
// metrics, and the transition feed: heard after commit, never after rollback.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "observe/metrics.hpp"
#include "observe/request_journal.hpp"
#include "state/store/repository.hpp"
#include "state/store/store.hpp"

using gls::JournalQuery;
using gls::RequestJournal;
using gls::RequestRecord;

namespace {

RequestRecord make(const std::string& op, int status, const std::string& error = "") {
  RequestRecord r;
  r.operation = op;
  r.status = status;
  r.error = error;
  r.request_id = op + "-" + std::to_string(status);
  return r;
}

std::vector<uint64_t> seqs(const std::vector<RequestRecord>& rs) {
  std::vector<uint64_t> out;
  for (const auto& r : rs) out.push_back(r.seq);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the journal keeps the newest entries, newest first") {
  RequestJournal j(3);
  CHECK(j.capacity() == 3);
  CHECK(j.newest({}).empty());
  j.record(make("GetStreamSession", 200));
  j.record(make("GetStreamSession", 429, "ThrottlingException"));
  CHECK(seqs(j.newest({})) == std::vector<uint64_t>{2, 1});
  j.record(make("ListStreamSessions", 200));
  j.record(make("GetStreamSession", 404, "ResourceNotFoundException"));
  j.record(make("TerminateStreamSession", 204));
  CHECK(j.size() == 3);
  CHECK(seqs(j.newest({})) == std::vector<uint64_t>{5, 4, 3});
  // It keeps wrapping correctly.
  for (int i = 0; i < 7; ++i) j.record(make("GetStreamSession", 200));
  CHECK(seqs(j.newest({})) == std::vector<uint64_t>{12, 11, 10});

  JournalQuery limit;
  limit.limit = 2;
  CHECK(seqs(j.newest(limit)) == std::vector<uint64_t>{12, 11});
}

TEST_CASE("journal filters: operation, status and status class") {
  RequestJournal j(100);
  j.record(make("GetStreamSession", 200));
  j.record(make("GetStreamSession", 429, "ThrottlingException"));
  j.record(make("ListStreamSessions", 200));
  j.record(make("GetStreamSession", 429, "ThrottlingException"));
  j.record(make("GetStreamSession", 404, "ResourceNotFoundException"));
  j.record(make("StartStreamSession", 0, "ConnectionReset"));

  JournalQuery q;
  q.operation = "GetStreamSession";
  CHECK(seqs(j.newest(q)) == std::vector<uint64_t>{5, 4, 2, 1});
  q.status = 429;
  CHECK(seqs(j.newest(q)) == std::vector<uint64_t>{4, 2});
  q.limit = 1;
  CHECK(seqs(j.newest(q)) == std::vector<uint64_t>{4});

  JournalQuery cls;
  cls.status = 4;
  cls.status_class = true;
  CHECK(seqs(j.newest(cls)) == std::vector<uint64_t>{5, 4, 2});
  JournalQuery unanswered;
  unanswered.status = 0;
  CHECK(seqs(j.newest(unanswered)) == std::vector<uint64_t>{6});
}

TEST_CASE("journal: listeners, clear, and a journal that keeps nothing") {
  RequestJournal j(2);
  std::vector<std::string> heard;
  int h = j.subscribe([&](const RequestRecord& r) { heard.push_back(std::to_string(r.seq) + r.operation); });
  j.record(make("GetStreamSession", 200));
  j.record(make("ListStreamSessions", 200));
  CHECK(heard == std::vector<std::string>{"1GetStreamSession", "2ListStreamSessions"});
  j.clear();
  CHECK(j.newest({}).empty());
  j.record(make("GetStreamSession", 200));
  CHECK(seqs(j.newest({})) == std::vector<uint64_t>{1});  // numbering starts again
  j.unsubscribe(h);
  j.record(make("GetStreamSession", 200));
  CHECK(heard.size() == 3);

  RequestJournal none(0);
  int told = 0;
  none.subscribe([&](const RequestRecord&) { ++told; });
  none.record(make("GetStreamSession", 200));
  CHECK(none.newest({}).empty());
  CHECK(told == 1);  // the event stream still hears it
}

TEST_CASE("a journal entry as JSON") {
  RequestRecord r = make("GetStreamSession", 429, "ThrottlingException");
  r.seq = 7;
  r.latency_ms = 12.3456;
  r.fault_rule = 3;
  r.fault_type = "error";
  r.identifiers = {{"Identifier", "sg-1AB2C3De4"}, {"StreamSessionIdentifier", "ABC123def4567"}};
  const std::string j = gls::request_record_json(r);
  CHECK(contains(j, R"("operation":"GetStreamSession")"));
  CHECK(contains(j, R"("status":429)"));
  CHECK(contains(j, R"("error":"ThrottlingException")"));
  CHECK(contains(j, R"("latencyMs":12.346)"));
  CHECK(contains(j, R"("requestId":"GetStreamSession-429")"));
  CHECK(contains(j, R"("fault":{"rule":3,"type":"error"})"));
  CHECK(contains(j, R"("identifiers":{"Identifier":"sg-1AB2C3De4","StreamSessionIdentifier":"ABC123def4567"})"));
  const std::string ok = gls::request_record_json(make("ListStreamSessions", 200));
  CHECK(contains(ok, R"("error":null)"));
  CHECK(contains(ok, R"("fault":null)"));
}

TEST_CASE("metrics in the Prometheus text format") {
  gls::Metrics m;
  m.observe_request("GetStreamSession", 200, 0.7);
  m.observe_request("GetStreamSession", 200, 3);
  m.observe_request("GetStreamSession", 429, 120);
  m.observe_fault(1, "error");
  m.observe_fault(1, "error");
  gls::TransitionEvent e{{"111122223333", "us-west-2"},
                         "streamsession",
                         "sg-1AB2C3De4/ABC123def4567",
                         "PENDING_CLIENT_RECONNECTION",
                         "TERMINATING",
                         "reconnectionTimeout",
                         "timer",
                         1000};
  m.observe_transitions({e});
  const std::string text = m.render({{"stream_session", "ACTIVE", 2}, {"application", "READY", 1}});
  CHECK(contains(text, "# TYPE gls_requests_total counter\n"));
  CHECK(contains(text, "gls_requests_total{operation=\"GetStreamSession\",status=\"200\"} 2\n"));
  CHECK(contains(text, "gls_requests_total{operation=\"GetStreamSession\",status=\"429\"} 1\n"));
  CHECK(contains(text, "# TYPE gls_request_duration_seconds histogram\n"));
  CHECK(contains(text, "gls_request_duration_seconds_bucket{operation=\"GetStreamSession\",le=\"0.001\"} 1\n"));
  CHECK(contains(text, "gls_request_duration_seconds_bucket{operation=\"GetStreamSession\",le=\"0.005\"} 2\n"));
  CHECK(contains(text, "gls_request_duration_seconds_bucket{operation=\"GetStreamSession\",le=\"0.1\"} 2\n"));
  CHECK(contains(text, "gls_request_duration_seconds_bucket{operation=\"GetStreamSession\",le=\"0.25\"} 3\n"));
  CHECK(contains(text, "gls_request_duration_seconds_bucket{operation=\"GetStreamSession\",le=\"+Inf\"} 3\n"));
  CHECK(contains(text, "gls_request_duration_seconds_count{operation=\"GetStreamSession\"} 3\n"));
  CHECK(contains(text, "gls_stream_sessions{status=\"ACTIVE\"} 2\n"));
  CHECK(contains(text, "gls_stream_sessions{status=\"TERMINATED\"} 0\n"));
  CHECK(contains(text, "gls_resources{kind=\"application\",status=\"READY\"} 1\n"));
  CHECK(contains(text,
                 "gls_transitions_total{kind=\"streamsession\",from=\"PENDING_CLIENT_RECONNECTION\","
                 "to=\"TERMINATING\",reason=\"reconnectionTimeout\",cause=\"timer\"} 1\n"));
  CHECK(contains(text, "gls_faults_injected_total{rule=\"1\",type=\"error\"} 2\n"));
  m.clear();
  CHECK_FALSE(contains(m.render({}), "gls_requests_total{"));
  CHECK(gls::prometheus_label("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"");
}

TEST_CASE("transitions are heard once committed, never when rolled back") {
  auto opened = gls::Store::open(":memory:");
  REQUIRE(opened.ok());
  gls::Store& db = **opened;
  const gls::Scope scope{"111122223333", "us-west-2"};
  std::vector<std::string> heard;
  int h = db.transitions().subscribe([&](const std::vector<gls::TransitionEvent>& events) {
    for (const auto& e : events) heard.push_back(e.resource + ":" + e.from.value_or("-") + ">" + e.to + ":" + e.cause);
  });
  auto record = [&](gls::Store& s, const char* resource, const char* to) {
    gls::repo::record_transition(s, scope, "streamsession", resource, std::nullopt, to, std::nullopt, "api", 1);
  };

  db.transaction([&](gls::Store& s) {
    record(s, "sg-1/A", "ACTIVATING");
    // A nested transaction joins the outer one: nothing is heard before the outer commit.
    s.transaction([&](gls::Store& inner) { record(inner, "sg-1/B", "ACTIVATING"); });
    CHECK(heard.empty());
  });
  CHECK(heard == std::vector<std::string>{"sg-1/A:->ACTIVATING:api", "sg-1/B:->ACTIVATING:api"});

  heard.clear();
  gls::Status refused = db.transaction([&](gls::Store& s) -> gls::Status {
    record(s, "sg-1/C", "ACTIVATING");
    return gls::conflict("no");
  });
  CHECK_FALSE(refused.ok());
  CHECK_THROWS_AS(db.transaction([&](gls::Store& s) {
    record(s, "sg-1/D", "ACTIVATING");
    throw std::runtime_error("boom");
  }),
                  std::runtime_error);
  db.transaction([&](gls::Store& s) { record(s, "sg-1/E", "ACTIVE"); });
  CHECK(heard == std::vector<std::string>{"sg-1/E:->ACTIVE:api"});

  db.transitions().unsubscribe(h);
  db.transaction([&](gls::Store& s) { record(s, "sg-1/F", "ACTIVE"); });
  CHECK(heard.size() == 1);
}

TEST_CASE("fault counters keep the newest rules' series only") {
  gls::Metrics m;
  for (int64_t rule = 1; rule <= 1000; ++rule) m.observe_fault(rule, "error");
  const std::string text = m.render({});
  size_t series = 0;
  for (size_t at = text.find("gls_faults_injected_total{"); at != std::string::npos;
       at = text.find("gls_faults_injected_total{", at + 1))
    ++series;
  CHECK(series == 256);
  CHECK(text.find("rule=\"1000\"") != std::string::npos);
  CHECK(text.find("rule=\"1\",") == std::string::npos);
}
