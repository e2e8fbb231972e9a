// The real stream's costs: gls-local's CPU per live WebRTC stream, and the
// time from a page opening (and from its answer being applied) to the first
// decoded frame, in headless Chromium over loopback.
//
//   node bench/webrtc_bench.mjs [--streams 3] [--seconds 10]
//
// Needs a build with the stream on (build/gls-local, or GLS_BINARY), Debian's
// chromium and tests/js's node_modules (scripts/setup.sh installs both).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CreateStreamUrlCommand } from "../tests/js/node_modules/@aws-sdk/client-gameliftstreams/dist-cjs/index.js";
import { startServer } from "../tests/js/harness.mjs";
import { launchWebrtcBrowser, expectPlaying, streamState } from "../tests/js/webrtc-lib.mjs";

const { values } = parseArgs({ options: { streams: { type: "string", default: "3" }, seconds: { type: "string", default: "10" } } });
const streams = Number(values.streams);
const seconds = Number(values.seconds);
if (!(streams >= 1 && streams <= 3)) throw new Error("--streams: 1 to 3 (the built-in stream group has 4 units, one in use)");

const state = streamState();
if (state !== "on") {
  console.log(`gls-local has no stream (${state}): nothing to measure`);
  process.exit(0);
}

const TICKS = 100;  // clock ticks per second of /proc/PID/stat (USER_HZ)
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;  // utime + stime
}
async function cpuPercent(pid, secs) {
  const c0 = cpuSeconds(pid), t0 = performance.now();
  await new Promise((r) => setTimeout(r, secs * 1000));
  return (100 * (cpuSeconds(pid) - c0)) / ((performance.now() - t0) / 1000);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer(["--clock", "manual", "--log-level", "warn"], { strict: false });
const browser = await launchWebrtcBrowser();
try {
  const pid = server.proc.pid;
  const url = await server.client().send(new CreateStreamUrlCommand({
    Identifier: "sg-1AB2C3De4", ApplicationIdentifier: "a-9ZY8X7Wv6", Protocol: "WebRTC", UrlExpiresAfterMinutes: 30,
    Locations: ["us-west-2"], UsageLimit: streams,
  }));
  const idle = await cpuPercent(pid, Math.min(seconds, 5));
  const rows = [];
  const firstFrames = [];
  const afterAnswer = [];
  for (let n = 1; n <= streams; n++) {
    const page = await browser.newPage();
    await page.goto(url.StreamUrl);
    await expectPlaying(page, "#video", 20000);
    // performance.now() counts from the page's navigation.
    const t = await page.evaluate(() => window.glsPlayer.timing);
    firstFrames.push(t.firstFrame);
    afterAnswer.push(t.firstFrame - t.answerApplied);
    if (n === 1 || n === streams) rows.push({ n, cpu: await cpuPercent(pid, seconds) });
  }
  const live = (await server.admin("GET", "/streams")).body;
  console.log(`gls-local ${live.stream}; ${live.peers.length} live streams, idle CPU ${idle.toFixed(1)}% of one core`);
  for (const { n, cpu } of rows)
    console.log(`${n} stream(s): ${cpu.toFixed(1)}% of one core, ${((cpu - idle) / n).toFixed(1)}% per stream`);
  console.log(`first frame after the answer is applied: median ${median(afterAnswer).toFixed(0)} ms ` +
              `(${afterAnswer.map((x) => x.toFixed(0)).join(", ")})`);
  console.log(`page opened to first frame (offer, ICE gathering, answer, connection): median ` +
              `${median(firstFrames).toFixed(0)} ms (${firstFrames.map((x) => x.toFixed(0)).join(", ")})`);
} finally {
  await browser.close();
  await server.stop();
}
