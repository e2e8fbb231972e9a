// The operations of the API: for each, the function that turns a validated
// input document into a call of the domain and renders its result.
//
// Handlers know nothing of HTTP: routing, validation, the error protocol,
// faults, the journal and metrics are steps of the pipeline around them.
#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "api/render.hpp"
#include "observe/request_journal.hpp"
#include "state/emulator.hpp"
#include "state/result.hpp"

namespace gls {

struct Call {
  Emulator& emu;
  const Scope& scope;
  const rapidjson::Value& input;  // validated against the operation's input shape
  JsonWriter& out;                // the output document, for operations that have one
  std::string_view endpoint = {};  // how the client reached the emulator, e.g. http://127.0.0.1:8766
  SessionStartHook* session_start = nullptr;  // what else happens to a session the operation starts
  RequestRecord* journal = nullptr;           // the request's journal entry, for the resources it creates
};

using OperationHandler = Status (*)(Call& call);

// The handler of an operation, or nullptr when its behaviour is not built.
OperationHandler find_handler(std::string_view operation);

}  // namespace gls
