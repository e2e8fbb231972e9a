// Starting a real gls-local for the JavaScript SDK tests: a free loopback
// port, an in-memory database, the built-in fixtures and strict response
// checking (--validate-responses). A server is the users' helper
// (clients/js/gls-local.mjs) started with the tests' flags.
//
// Every server stops whatever becomes of its test: the helper kills the
// servers still running when this process exits (a test failed before
// stop(), a hook threw), which then fails the run, and on Linux the kernel
// kills a server whose test process died (setpriv --pdeathsig), even by
// SIGKILL. They neither keep this process alive (unref) nor outlive it.
// Servers inherit GLS_TEST_RUN_ID, by which scripts/test.sh finds any process
// that outlived the tests anyway.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GameLiftStreamsClient } from "@aws-sdk/client-gameliftstreams";
import { GlsLocal, runningEmulators } from "../../clients/js/gls-local.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

// The durations the tests count on, shared with the Python suite: the
// emulator's default lifecycle timings (the --timings format; the Python
// suite checks them against the emulator's own) and the API's request defaults.
const durations = JSON.parse(readFileSync(path.join(root, "tests", "durations.json"), "utf8"));
export const TIMINGS = durations.timings;
export const REQUEST_DEFAULTS = durations.requestDefaults;

// The smallest valid SDP offer (one data channel section), made fresh by `tag`:
// a session started with it goes ACTIVE.
export const sdpOffer = (tag) =>
  `v=0\r\no=- ${tag} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n` +
  `a=ice-ufrag:gls1\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 ${Array(32).fill("AB").join(":")}\r\n` +
  `a=setup:actpass\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sctp-port:5000\r\n`;

export function binary() {
  const p = process.env.GLS_BINARY || path.join(root, "build", "gls-local");
  if (!existsSync(p)) throw new Error(`gls-local binary not found at ${p}; build it first`);
  return p;
}

// A server the tests left running fails the run (the helper kills it at exit).
process.on("exit", () => {
  if (runningEmulators().size > 0) process.exitCode ||= 1;
});

export async function startServer(args = [], { strict = true, env = {} } = {}) {
  const argv = ["--port", "0", "--db", ":memory:", "--threads", "2", ...(strict ? ["--validate-responses"] : []), ...args];
  const gls = await new GlsLocal().launch(binary(), argv, env);
  return {
    url: gls.url,
    log: gls.log,
    proc: gls.proc,
    gls,
    client(options = {}) {
      return new GameLiftStreamsClient(gls.clientConfig({
        region: options.region ?? "us-west-2",
        credentials: { accessKeyId: options.accessKeyId ?? "AKIDEXAMPLE", secretAccessKey: "secret" },
        maxAttempts: options.maxAttempts ?? 1,
      }));
    },
    admin: (method, p, body) => gls.admin(method, p, body),
    raw: (method, p, options) => gls.raw(method, p, options),
    stop: () => gls.stop(),
  };
}
