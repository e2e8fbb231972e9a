// The input data channel's messages (server/websdk/input_messages.hpp).
#include <doctest/doctest.h>

#include "websdk/input_messages.hpp"

using namespace gls::websdk;

TEST_CASE("keyboard, mouse and gamepad messages are a user's input") {
  auto key = parse_input_message(R"({"kind":"keyboard","action":"down","code":"KeyA","key":"a"})");
  REQUIRE(key);
  CHECK(key->kind == InputKind::Keyboard);
  CHECK(key->action == "down");
  CHECK(key->code == "KeyA");
  CHECK(key->key == "a");
  CHECK(key->is_user_input());

  auto move = parse_input_message(R"({"kind":"mouse","action":"move","x":0.25,"y":1})");
  REQUIRE(move);
  CHECK(move->x == 0.25);
  CHECK(move->y == 1);
  auto wheel = parse_input_message(R"({"kind":"mouse","action":"wheel","x":0,"y":0,"dx":0,"dy":-120})");
  REQUIRE(wheel);
  CHECK(wheel->dy == -120);
  auto click = parse_input_message(R"({"kind":"mouse","action":"down","x":0.5,"y":0.5,"button":2})");
  REQUIRE(click);
  CHECK(click->button == 2);
  CHECK(click->is_user_input());

  auto pad = parse_input_message(R"({"kind":"gamepad","index":1,"buttons":[0,1,0.5],"axes":[-1,0.25]})");
  REQUIRE(pad);
  CHECK(pad->index == 1);
  CHECK(pad->buttons == std::vector<double>{0, 1, 0.5});
  CHECK(pad->axes == std::vector<double>{-1, 0.25});
  CHECK(pad->is_user_input());
}

TEST_CASE("heartbeats and the other messages are not input") {
  auto beat = parse_input_message(R"({"kind":"heartbeat","extra":true})");
  REQUIRE(beat);
  CHECK(beat->kind == InputKind::Heartbeat);
  CHECK_FALSE(beat->is_user_input());
  auto app = parse_input_message(R"({"kind":"application","data":"aGk="})");
  REQUIRE(app);
  CHECK(app->data == "aGk=");
  CHECK_FALSE(app->is_user_input());
  CHECK(parse_input_message(R"({"kind":"stats","stats":{"fps":15}})")->kind == InputKind::Stats);
}

TEST_CASE("what is not a message") {
  for (const char* text : {"", "heartbeat", "[]", "{}", R"({"kind":"telepathy"})", R"({"kind":42})",
                           R"({"kind":"keyboard","action":"press","code":"KeyA"})",
                           R"({"kind":"keyboard","action":"down"})",
                           R"({"kind":"mouse","action":"move","x":1.5,"y":0})",
                           R"({"kind":"mouse","action":"move","x":"0","y":0})",
                           R"({"kind":"mouse","action":"down","x":0,"y":0,"button":"left"})",
                           R"({"kind":"gamepad","index":0,"buttons":[2],"axes":[]})",
                           R"({"kind":"gamepad","index":0,"buttons":[]})",
                           R"({"kind":"application"})", R"({"kind":"stats","stats":1})"})
    CHECK_MESSAGE(!parse_input_message(text), text);
}

TEST_CASE("what the emulator sends reads back as the same message") {
  auto bye = parse_input_message(disconnect_message("terminated \"now\""));
  REQUIRE(bye);
  CHECK(bye->kind == InputKind::Disconnect);
  CHECK(bye->data == "terminated \"now\"");
  auto app = parse_input_message(application_message("AAEC"));
  REQUIRE(app);
  CHECK(app->kind == InputKind::Application);
  CHECK(app->data == "AAEC");
}
