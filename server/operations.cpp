#include "operations.hpp"

#include <map>
#include <string>

namespace gls {

namespace {

std::string_view str(const rapidjson::Value& in, const char* member) {
  const auto& v = in[member];
  return {v.GetString(), v.GetStringLength()};
}

// ---- stream sessions -------------------------------------------------------------

Status get_stream_session(Call& c) {
  auto s = c.emu.sessions().get(c.scope, str(c.input, "Identifier"), str(c.input, "StreamSessionIdentifier"));
  if (!s) return std::move(s).take_error();
  write_session(c.out, c.scope, *s, SessionView::Full);
  return ok();
}

const std::map<std::string_view, OperationHandler>& handlers() {
  static const std::map<std::string_view, OperationHandler> table = {
      {"GetStreamSession", &get_stream_session},
  };
  return table;
}

}  // namespace

OperationHandler find_handler(std::string_view operation) {
  auto it = handlers().find(operation);
  return it == handlers().end() ? nullptr : it->second;
}

}  // namespace gls
