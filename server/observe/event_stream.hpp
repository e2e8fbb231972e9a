// GET /_gls/events: a server-sent-events stream of what happens, as it
// happens.
//
//   event: transition   every committed status transition of every resource
//   data: {"kind","resource","account","region","from","to","reason","cause","time"}
//
//   event: request      every journaled API request (the journal entry)
//   data: {...}
//
//   event: input        a browser's input reached a session's stream (the
//   data: {"kind":"streamsession","resource","account","region","input","time"}
//                       idle timeout starts again); input: e.g. "keyboard down"
//
// `time` is emulator time in epoch seconds. A comment line is sent when the
// stream opens and every 15 seconds after, so that idle streams stay open.
// Filters: ?kind=streamsession (transitions of one kind of resource),
// ?resource=ID (transitions of that resource, requests that name it; an ID,
// an ARN or a "group/session" key), ?events=transition or request.
//
// Thread-safe. A client that goes away is forgotten at the next event.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/http_types.hpp"
#include "observe/request_journal.hpp"
#include "state/store/transition_feed.hpp"

namespace gls {

// The data line of a transition event.
std::string transition_json(const TransitionEvent& e);

class EventStream {
 public:
  EventStream(TransitionFeed& transitions, RequestJournal& journal);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // The streamed response to GET /_gls/events, or a 400 for a bad filter.
  HttpResponse open(const HttpRequest& request);
  // Sends an input event (with the transitions: ?events=transition, ?kind and
  // ?resource filter it as a session's).
  void user_input(const Scope& scope, const std::string& resource, const std::string& what, int64_t time_ms);
  // Clients connected now (those that went away are forgotten here too).
  size_t subscribers();

 private:
  struct Subscriber;
  void on_transitions(const std::vector<TransitionEvent>& events);
  void on_request(const RequestRecord& record);
  // Writes to every subscriber `wants` accepts; forgets those that are gone.
  template <class Wants, class Text>
  void broadcast(Wants wants, Text text);

  TransitionFeed& transitions_;
  RequestJournal& journal_;
  int transitions_handle_ = 0;
  int journal_handle_ = 0;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
};

}  // namespace gls
