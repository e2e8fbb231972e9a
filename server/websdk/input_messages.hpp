// The messages on the input data channel between a browser and the
// emulator's stream peer: the one definition of their wire format. The
// protocol script (server/websdk/gamecast-input.js) writes them; the peer
// reads them with parse_input_message().
//
// The channel is the RTCDataChannel labelled kInputChannelLabel, opened by
// the browser (GameCastInput.attach()) on the connection it streams over.
// Each message is one small JSON object, as a text message, with "kind":
//
// browser -> emulator
//   {"kind":"keyboard","action":"down"|"up","code":"KeyA","key":"a"}
//       code: KeyboardEvent.code; key: KeyboardEvent.key
//   {"kind":"mouse","action":"move"|"down"|"up"|"wheel","x":0.25,"y":0.5,
//    "button":0,"dx":0,"dy":-120}
//       x, y: the pointer on the video, 0..1 from the top left; button:
//       MouseEvent.button (down/up); dx, dy: the wheel's deltaX/deltaY
//   {"kind":"gamepad","index":0,"buttons":[0,1,...],"axes":[-0.5,0,...]}
//       the pad's whole state whenever it changes; buttons 0..1, axes -1..1
//   {"kind":"heartbeat"}
//       every second while attached: a browser that stops sending has gone
//   {"kind":"application","data":"<base64>"}
//       an application message from the page
// emulator -> browser
//   {"kind":"application","data":"<base64>"}  -> onApplicationMessageReceived
//   {"kind":"stats","stats":{...}}             -> onPerformanceStatsReceived
//   {"kind":"disconnect","reason":"terminated"} -> onServerDisconnect
// Unknown kinds and members are ignored by both sides; a message that is
// not a JSON object with a known kind and valid members is no message.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gls::websdk {

inline constexpr std::string_view kInputChannelLabel = "gls-input";

enum class InputKind { Keyboard, Mouse, Gamepad, Heartbeat, Application, Stats, Disconnect };

struct InputMessage {
  InputKind kind = InputKind::Heartbeat;
  std::string action;          // keyboard: down/up; mouse: move/down/up/wheel
  std::string code, key;       // keyboard
  double x = 0, y = 0;         // mouse, 0..1
  int button = 0;              // mouse down/up
  double dx = 0, dy = 0;       // mouse wheel
  int index = 0;               // gamepad
  std::vector<double> buttons, axes;  // gamepad
  std::string data;            // application: base64; disconnect: the reason
  // Keyboard, mouse and gamepad messages are a user's input (the idle timer
  // starts again); heartbeats and the rest are not.
  bool is_user_input() const {
    return kind == InputKind::Keyboard || kind == InputKind::Mouse || kind == InputKind::Gamepad;
  }
};

// The message in `text`, or nullopt when it is not one (see above).
std::optional<InputMessage> parse_input_message(std::string_view text);

// What the emulator sends: {"kind":"disconnect","reason":...}, and
// {"kind":"application","data":...} with `base64` as the data.
std::string disconnect_message(std::string_view reason);
std::string application_message(std::string_view base64);

}  // namespace gls::websdk
