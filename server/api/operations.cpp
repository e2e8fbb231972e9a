#include "api/operations.hpp"

#include <map>

#include "api/operations/handler_kit.hpp"

namespace gls {

namespace {
const std::map<std::string_view, OperationHandler>& handlers() {
  static const std::map<std::string_view, OperationHandler> table = [] {
    std::map<std::string_view, OperationHandler> t;
    for (auto list : {session_operations(), application_operations(), stream_group_operations(),
                      stream_url_operations(), tag_operations()})
      for (const HandlerEntry& e : list) t.emplace(e.operation, e.handler);
    return t;
  }();
  return table;
}
}  // namespace

OperationHandler find_handler(std::string_view operation) {
  auto it = handlers().find(operation);
  return it == handlers().end() ? nullptr : it->second;
}

}  // namespace gls
