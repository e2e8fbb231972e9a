// GameLift Streams Local: the protocol script a Web SDK loads from a
// SignalResponse's webSdkProtocolUrl. It defines
// window.GameCastInputModule.GameCastInput, which sends the video element's
// keyboard, mouse and gamepad input to the emulator over a data channel of
// the page's RTCPeerConnection. The messages are small JSON objects; their
// format is defined once, in server/websdk/input_messages.hpp.
(function () {
  "use strict";

  const CHANNEL_LABEL = "gls-input";
  const HEARTBEAT_MS = 1000;
  const GAMEPAD_POLL_MS = 50;
  const MAX_QUEUED = 256; // messages kept while the channel opens

  function clamp01(v) {
    return Math.min(1, Math.max(0, v));
  }

  function base64FromBytes(bytes) {
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }

  function bytesFromBase64(text) {
    const s = atob(text);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  class GameCastInput {
    // The options a Web SDK passes: webSdkVersion, signalResponse,
    // videoElement, inputConfiguration, clientRtc, debugLog,
    // onServerDisconnect, onApplicationMessageReceived,
    // onPerformanceStatsReceived, bitrateMaxKilobits, maximumResolution.
    constructor(options) {
      const o = options || {};
      this.options = o;
      this.video = o.videoElement || null;
      this.rtc = o.clientRtc || null;
      const config = o.inputConfiguration || {};
      // A device is on unless the configuration turns it off.
      this.devices = {
        keyboard: config.keyboard !== false && config.autoKeyboard !== false,
        mouse: config.mouse !== false && config.autoMouse !== false,
        gamepad: config.gamepad !== false && config.autoGamepad !== false,
      };
      this.channel = null;
      this.queue = [];
      this.attached = false;
      this.timers = [];
      this.listeners = [];
      this.pads = new Map();
    }

    log(...args) {
      if (typeof this.options.debugLog === "function") this.options.debugLog("[gls-input]", ...args);
    }

    attach() {
      if (this.attached) return;
      if (!this.rtc || typeof this.rtc.createDataChannel !== "function")
        throw new Error("GameCastInput.attach() needs clientRtc, an RTCPeerConnection");
      this.attached = true;
      this.openChannel();
      if (this.video) this.listenToVideo(this.video);
      this.timers.push(setInterval(() => this.send({ kind: "heartbeat" }), HEARTBEAT_MS));
      if (this.devices.gamepad && navigator.getGamepads)
        this.timers.push(setInterval(() => this.pollGamepads(), GAMEPAD_POLL_MS));
      this.log("attached");
    }

    detach() {
      if (!this.attached) return;
      this.attached = false;
      for (const t of this.timers) clearInterval(t);
      this.timers = [];
      for (const [target, type, fn, capture] of this.listeners) target.removeEventListener(type, fn, capture);
      this.listeners = [];
      this.queue = [];
      const channel = this.channel;
      this.channel = null;
      if (channel) channel.close();
      this.log("detached");
    }

    // An application message for the emulator (a Uint8Array or ArrayBuffer).
    sendApplicationMessage(data) {
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
      this.send({ kind: "application", data: base64FromBytes(bytes) });
    }

    openChannel() {
      const channel = this.rtc.createDataChannel(CHANNEL_LABEL, { ordered: true });
      this.channel = channel;
      channel.onopen = () => {
        const queued = this.queue;
        this.queue = [];
        for (const text of queued) channel.send(text);
      };
      channel.onmessage = (event) => this.receive(event.data);
      channel.onclose = () => {
        // Closed by the emulator while attached: the stream is over.
        if (this.attached && this.channel === channel) this.serverDisconnected("channelClosed");
      };
    }

    receive(data) {
      let message;
      try {
        message = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
      } catch {
        return;
      }
      if (!message || typeof message !== "object") return;
      const o = this.options;
      if (message.kind === "disconnect") this.serverDisconnected(message.reason || "disconnected");
      else if (message.kind === "application" && typeof message.data === "string" &&
               typeof o.onApplicationMessageReceived === "function")
        o.onApplicationMessageReceived(bytesFromBase64(message.data));
      else if (message.kind === "stats" && typeof o.onPerformanceStatsReceived === "function")
        o.onPerformanceStatsReceived(message.stats);
    }

    serverDisconnected(reason) {
      this.log("server disconnected:", reason);
      if (typeof this.options.onServerDisconnect === "function") this.options.onServerDisconnect(reason);
    }

    send(message) {
      if (!this.attached) return;
      const text = JSON.stringify(message);
      const channel = this.channel;
      if (channel && channel.readyState === "open") channel.send(text);
      else if (this.queue.length < MAX_QUEUED) this.queue.push(text);
    }

    on(target, type, fn, capture = false) {
      target.addEventListener(type, fn, capture);
      this.listeners.push([target, type, fn, capture]);
    }

    position(event) {
      const box = this.video.getBoundingClientRect();
      return {
        x: clamp01(box.width ? (event.clientX - box.left) / box.width : 0),
        y: clamp01(box.height ? (event.clientY - box.top) / box.height : 0),
      };
    }

    listenToVideo(video) {
      // The keyboard belongs to the stream from a click on the video (or its
      // focus) until a click elsewhere.
      if (video.tabIndex < 0) video.tabIndex = 0;
      this.keyboardCaptured = false;
      const doc = video.ownerDocument;
      this.on(doc, "mousedown", (event) => (this.keyboardCaptured = event.target === video), true);
      this.on(video, "focus", () => (this.keyboardCaptured = true));
      if (this.devices.keyboard) {
        const key = (action) => (event) => {
          if (!this.keyboardCaptured || event.repeat) return;
          this.send({ kind: "keyboard", action, code: event.code, key: event.key });
          event.preventDefault();
        };
        this.on(doc, "keydown", key("down"), true);
        this.on(doc, "keyup", key("up"), true);
      }
      if (this.devices.mouse) {
        this.on(video, "mousemove", (event) => this.send({ kind: "mouse", action: "move", ...this.position(event) }));
        const button = (action) => (event) => {
          this.send({ kind: "mouse", action, ...this.position(event), button: event.button });
        };
        this.on(video, "mousedown", button("down"));
        this.on(video, "mouseup", button("up"));
        this.on(video, "wheel", (event) => {
          this.send({ kind: "mouse", action: "wheel", ...this.position(event), dx: event.deltaX, dy: event.deltaY });
          event.preventDefault();
        });
        this.on(video, "contextmenu", (event) => event.preventDefault());
      }
    }

    pollGamepads() {
      for (const pad of navigator.getGamepads()) {
        if (!pad) continue;
        const state = {
          kind: "gamepad",
          index: pad.index,
          buttons: pad.buttons.map((b) => clamp01(b.value)),
          axes: pad.axes.map((a) => Math.min(1, Math.max(-1, a))),
        };
        const text = JSON.stringify(state);
        if (this.pads.get(pad.index) === text) continue;
        this.pads.set(pad.index, text);
        this.send(state);
      }
    }
  }

  window.GameCastInputModule = window.GameCastInputModule || {};
  window.GameCastInputModule.GameCastInput = GameCastInput;
})();
