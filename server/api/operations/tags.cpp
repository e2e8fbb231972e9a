// The tagging operations, for every resource that has an ARN.
#include "api/operations/handler_kit.hpp"

namespace gls {

namespace {

using namespace input;

Status tag_resource(Call& c) {
  return respond_empty(c, c.emu.tags().tag(c.scope, str(c.input, "ResourceArn"), tag_list(c.input, "Tags")));
}

Status untag_resource(Call& c) {
  return respond_empty(c, c.emu.tags().untag(c.scope, str(c.input, "ResourceArn"), str_list(c.input, "TagKeys")));
}

Status list_tags_for_resource(Call& c) {
  return respond(c, c.emu.tags().list(c.scope, str(c.input, "ResourceArn")), [](JsonWriter& w, const TagList& tags) {
    w.StartObject();
    if (!tags.empty()) {  // the model's Tags map has at least one entry: none is written as no member
      write_key(w, "Tags");
      w.StartObject();
      for (const auto& [k, v] : tags) write_string(w, k, v);
      w.EndObject();
    }
    w.EndObject();
  });
}

constexpr HandlerEntry kHandlers[] = {
    {"TagResource", &tag_resource},
    {"UntagResource", &untag_resource},
    {"ListTagsForResource", &list_tags_for_resource},
};

}  // namespace

std::span<const HandlerEntry> tag_operations() { return kHandlers; }

}  // namespace gls
