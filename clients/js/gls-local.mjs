// gls-local in your test suite: start the emulator, drive it, stop it.
// No dependency: pass clientConfig() to the AWS SDK client you already use.
//
//   import { GameLiftStreamsClient } from "@aws-sdk/client-gameliftstreams";
//   import { startGlsLocal } from "gls-local/gls-local.mjs";
//   const gls = await startGlsLocal();           // a free port, a temporary database, the manual clock
//   const streams = new GameLiftStreamsClient(gls.clientConfig());
//   await gls.advance(120);                      // move emulator time; due transitions happen first
//   await gls.stop();
//
// The binary is options.binary, else $GLS_BINARY, else `gls-local` on PATH.
// An emulator stops at stop(), and is killed when this process exits and, on
// Linux, when this process dies however it dies (setpriv --pdeathsig), so
// none outlives the tests; it never keeps this process alive by itself.
// connectGlsLocal(url) drives one that runs elsewhere (global set-up, a
// container) through the same methods.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export class GlsLocalError extends Error {
  constructor(method, p, status, body) {
    super(`${method} ${p}: ${status} ${JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

export function findBinary(binary) {
  const candidates = binary ? [binary] : process.env.GLS_BINARY ? [process.env.GLS_BINARY]
    : (process.env.PATH || "").split(path.delimiter).filter(Boolean).map((d) => path.join(d, "gls-local"));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error("gls-local not found: pass binary, set GLS_BINARY or put gls-local on PATH");
  return found;
}

// Emulators started and not yet seen to exit, killed when this process exits.
const running = new Set();
export function runningEmulators() {
  return running;
}
process.on("exit", () => {
  for (const proc of running) {
    console.error(`gls-local ${proc.spawnargs.join(" ")} was still running at exit; killed`);
    proc.kill("SIGKILL");
  }
});

// setpriv (util-linux) asks the kernel to kill the emulator when this process
// ends, however it ends; where there is none, the exit hook above must do.
const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => process.platform === "linux" && existsSync(p));

const q = encodeURIComponent;

export class GlsLocal {
  // options: args (extra flags), binary, db (undefined: a file in a temporary
  // directory removed at stop(); a path; ":memory:"), clock ("manual", "real",
  // or null to leave it to the flags), env, adminToken.
  constructor(options = {}) {
    this.options = options;
    this.url = null;
    this.proc = null;
    this.log = [];
    this.adminToken = options.adminToken ?? null;
  }

  get endpoint() {
    return this.url;
  }

  async start() {
    const o = this.options;
    const binary = findBinary(o.binary);
    let db = o.db;
    if (db === undefined) {
      this.tmpdir = mkdtempSync(path.join(os.tmpdir(), "gls-local-"));
      db = path.join(this.tmpdir, "state.db");
    }
    const argv = ["--port", "0", "--host", "127.0.0.1", "--db", db];
    if ((o.clock ?? "manual") !== null) argv.push("--clock", o.clock ?? "manual");
    if (this.adminToken) argv.push("--admin-token", this.adminToken);
    try {
      await this.launch(binary, [...argv, ...(o.args ?? [])], o.env ?? {});
    } catch (e) {
      await this.stop();
      throw e;
    }
    return this;
  }

  // Starts exactly `file argv` and waits for its "listening on" line.
  async launch(file, argv, env = {}) {
    const [cmd, args] = setpriv ? [setpriv, ["--pdeathsig", "KILL", "--", file, ...argv]] : [file, argv];
    const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    this.proc = proc;
    this.log = [];
    running.add(proc);
    proc.on("exit", () => running.delete(proc));
    proc.unref();
    proc.stdout.unref();
    proc.stderr.unref();
    let buffered = "";
    this.url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error("gls-local did not start:\n" + this.log.join("\n")));
      }, 30000);
      proc.stdout.on("data", (chunk) => {
        buffered += chunk.toString();
        let nl;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          this.log.push(line);
          const m = line.match(/listening on (http:\/\/\S+)/);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        }
      });
      proc.stderr.on("data", (c) => this.log.push(c.toString()));
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`gls-local exited with ${code} during start-up:\n${this.log.join("\n")}`));
      });
    });
    return this;
  }

  // SIGTERM (SIGKILL after timeoutMs); resolves to the exit code (null when
  // a signal ended it).
  async stop({ timeoutMs = 20000 } = {}) {
    const proc = this.proc;
    let code = null;
    if (proc) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        code = proc.exitCode;
      } else {
        const exited = new Promise((resolve) => proc.once("exit", (c) => resolve(c)));
        // The wait for its exit keeps Node running, as the running emulator
        // does not (unref above): else, once SIGKILL has been sent, nothing
        // would, and Node could end with stop() still pending.
        proc.ref();
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
        code = await exited;
        clearTimeout(timer);
      }
    }
    if (this.tmpdir) rmSync(this.tmpdir, { recursive: true, force: true });
    this.tmpdir = undefined;
    return code;
  }

  // The configuration of an AWS SDK v3 client for this emulator:
  // new GameLiftStreamsClient(gls.clientConfig({ maxAttempts: 1 })).
  clientConfig(overrides = {}) {
    return {
      endpoint: this.url,
      region: "us-west-2",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      ...overrides,
    };
  }

  // Any HTTP request; resolves to { status, headers, text, json }.
  async raw(method, p, { body, headers = {} } = {}) {
    const h = { ...headers };
    if (this.adminToken && p.startsWith("/_gls") && !h.authorization) h.authorization = `Bearer ${this.adminToken}`;
    const res = await fetch(this.url + p, { method, body, headers: h });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  // An admin request to /_gls + p; resolves to { status, body } whatever the status.
  async admin(method, p, body) {
    const res = await this.raw(method, "/_gls" + p, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { "content-type": "application/json" },
    });
    return { status: res.status, body: res.json ?? (res.text || null) };
  }

  async call(method, p, body, query = {}) {
    const given = Object.entries(query).filter(([, v]) => v !== undefined && v !== null);
    const full = given.length ? `${p}?${new URLSearchParams(given)}` : p;
    const res = await this.admin(method, full, body);
    if (res.status < 200 || res.status > 299) throw new GlsLocalError(method, "/_gls" + full, res.status, res.body);
    return res.body;
  }

  // The admin API: each rejects with GlsLocalError unless answered with 2xx.
  health() { return this.call("GET", "/health"); }
  reset({ fixtures = true } = {}) { return this.call("POST", "/reset", { fixtures }); }
  clock() { return this.call("GET", "/clock"); }
  advance(seconds) { return this.call("POST", "/clock", { advanceSeconds: seconds }); }
  setClock({ set, mode, scale } = {}) { return this.call("POST", "/clock", { set, mode, scale }); }
  // event: clientConnect, clientDisconnect, userInput, applicationExit or fail.
  sessionEvent(group, session, event, reason) {
    return this.call("POST", `/sessions/${q(group)}/${q(session)}/events`, { event, reason });
  }
  forceSessionStatus(group, session, status, { reason, force } = {}) {
    return this.call("POST", `/sessions/${q(group)}/${q(session)}/status`, statusBody(status, reason, force));
  }
  forceApplicationStatus(application, status, { reason, force } = {}) {
    return this.call("POST", `/applications/${q(application)}/status`, statusBody(status, reason, force));
  }
  forceStreamGroupStatus(group, status, { reason, force } = {}) {
    return this.call("POST", `/streamgroups/${q(group)}/status`, statusBody(status, reason, force));
  }
  forceLocationStatus(group, location, status, { reason, force } = {}) {
    return this.call("POST", `/streamgroups/${q(group)}/locations/${q(location)}/status`, statusBody(status, reason, force));
  }
  setSessionTimings(group, session, timings) {
    return this.call("POST", `/sessions/${q(group)}/${q(session)}/timings`, timings);
  }
  sessionHistory(group, session) { return this.call("GET", `/sessions/${q(group)}/${q(session)}/history`); }
  // kind: applications, streamgroups, locations (group, location), streamurls (group, url), sessions (group, session).
  history(kind, ...ids) {
    if (kind === "locations") return this.call("GET", `/streamgroups/${q(ids[0])}/locations/${q(ids[1])}/history`);
    return this.call("GET", `/${kind}/${ids.map(q).join("/")}/history`);
  }
  // e.g. addFault({ operation: "GetStreamSession", error: "ThrottlingException", times: 2 }); resolves to the rule with its id.
  addFault(rule) { return this.call("POST", "/faults", rule); }
  faults() { return this.call("GET", "/faults"); }
  removeFault(id) { return this.call("DELETE", `/faults/${q(id)}`); }
  clearFaults() { return this.call("DELETE", "/faults"); }
  // The requests answered, newest first; status: a code or e.g. "4xx".
  journal({ limit, operation, status } = {}) { return this.call("GET", "/requests", undefined, { limit, operation, status }); }
  // The whole state of one account and Region, as a fixtures document; restore() puts one back, all or nothing.
  snapshot({ account, region } = {}) { return this.call("GET", "/state", undefined, { account, region }); }
  restore(document, { account, region } = {}) { return this.call("PUT", "/state", document, { account, region }); }
}

function statusBody(status, reason, force) {
  return { status, ...(reason === undefined ? {} : { statusReason: reason }), ...(force ? { force: true } : {}) };
}

// Starts a gls-local (options as for new GlsLocal) and resolves once it listens.
export function startGlsLocal(options = {}) {
  return new GlsLocal(options).start();
}

// Drives a gls-local that is already running at `url`.
export function connectGlsLocal(url, { adminToken } = {}) {
  const gls = new GlsLocal({ adminToken });
  gls.url = url.replace(/\/+$/, "");
  return gls;
}
