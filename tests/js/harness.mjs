// Starting a real gls-local for the JavaScript SDK tests: a free loopback
// port, an in-memory database, the built-in fixtures and strict response
// checking (--validate-responses).
//
// Every server stops whatever becomes of its test: the servers still running
// when this process exits (a test failed before stop(), a hook threw) are
// killed then, and on Linux the kernel kills a server whose test process died
// (setpriv --pdeathsig), even by SIGKILL. They neither keep this process
// alive (unref) nor outlive it. Servers inherit GLS_TEST_RUN_ID, by which
// scripts/test.sh finds any process that outlived the tests anyway.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GameLiftStreamsClient } from "@aws-sdk/client-gameliftstreams";

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

// The servers started and not yet seen to exit.
const running = new Set();
process.on("exit", () => {
  for (const proc of running) {
    console.error(`gls-local ${proc.spawnargs.join(" ")} was still running when the tests ended; killed`);
    proc.kill("SIGKILL");
  }
  if (running.size > 0) process.exitCode ||= 1;
});

// setpriv (util-linux) asks the kernel to kill the server when this process
// ends, however it ends; where there is none, the exit hook above must do.
const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => process.platform === "linux" && existsSync(p));

function spawnServer(argv, env) {
  const [file, args] = setpriv ? [setpriv, ["--pdeathsig", "KILL", "--", binary(), ...argv]] : [binary(), argv];
  const proc = spawn(file, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  running.add(proc);
  proc.on("exit", () => running.delete(proc));
  proc.unref();
  proc.stdout.unref();
  proc.stderr.unref();
  return proc;
}

export async function startServer(args = [], { strict = true, env = {} } = {}) {
  const argv = ["--port", "0", "--db", ":memory:", "--threads", "2", ...(strict ? ["--validate-responses"] : []), ...args];
  const proc = spawnServer(argv, env);
  const log = [];
  let buffered = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error("gls-local did not start:\n" + log.join("\n")));
    }, 30000);
    const onData = (chunk) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        log.push(line);
        const m = line.match(/listening on (http:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", (c) => log.push(c.toString()));
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`gls-local exited with ${code} during start-up:\n${log.join("\n")}`));
    });
  });
  proc.removeAllListeners("exit");
  proc.on("exit", () => running.delete(proc));

  const server = {
    url,
    log,
    proc,
    client(options = {}) {
      return new GameLiftStreamsClient({
        endpoint: url,
        region: options.region ?? "us-west-2",
        credentials: { accessKeyId: options.accessKeyId ?? "AKIDEXAMPLE", secretAccessKey: "secret" },
        maxAttempts: options.maxAttempts ?? 1,
      });
    },
    async admin(method, p, body) {
      const res = await fetch(url + "/_gls" + p, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? {} : { "content-type": "application/json" },
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async raw(method, p, { body, headers } = {}) {
      const res = await fetch(url + p, { method, body, headers });
      const text = await res.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      const exited = new Promise((resolve) => proc.on("exit", (code) => resolve(code)));
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 20000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return server;
}
