// Shared helpers of the resource tests (applications, stream groups, stream
// URLs, tags) through the AWS SDK for JavaScript v3: identifiers, the
// members of the model's output shapes, error checks, the manual clock and
// short cuts to READY applications and ACTIVE stream groups.
import assert from "node:assert/strict";
import {
  CreateApplicationCommand,
  CreateStreamGroupCommand,
  GameLiftStreamsServiceException,
  GetApplicationCommand,
  GetStreamGroupCommand,
  GetStreamSessionCommand,
  GetStreamUrlCommand,
  StartStreamSessionCommand,
} from "@aws-sdk/client-gameliftstreams";
import { TIMINGS, sdpOffer, startServer } from "./harness.mjs";

export const ACCOUNT = "111122223333";
export const REGION = "us-west-2";
export const FIXTURE_APP = "a-9ZY8X7Wv6";
export const FIXTURE_SG = "sg-1AB2C3De4";

const PREFIX = `arn:aws:gameliftstreams:${REGION}:${ACCOUNT}`;
export const appArn = (id) => `${PREFIX}:application/${id}`;
export const sgArn = (id) => `${PREFIX}:streamgroup/${id}`;
export const suArn = (sg, su) => `${PREFIX}:streamurl/${sg}/${su}`;
export const sessionArn = (sg, id) => `${PREFIX}:streamsession/${sg}/${id}`;
export const idOf = (arn) => arn.split("/").pop();

export const APP_ID = /^a-[A-Za-z0-9]{9}$/;
export const SG_ID = /^sg-[A-Za-z0-9]{9}$/;
export const SU_ID = /^su-[A-Za-z0-9]{9}$/;
export const SESSION_ID = /^[A-Za-z0-9]{13}$/;
export const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Member names of the model's output shapes (service-2.json, 2018-05-10).
export const APPLICATION_MEMBERS = [
  "Arn", "Description", "RuntimeEnvironment", "ExecutablePath", "ApplicationLogPaths", "ApplicationLogOutputUri",
  "ApplicationSourceUri", "Id", "Status", "StatusReason", "ReplicationStatuses", "CreatedAt", "LastUpdatedAt",
  "AssociatedStreamGroups",
];
export const APPLICATION_SUMMARY_MEMBERS = [
  "Arn", "Id", "Description", "Status", "CreatedAt", "LastUpdatedAt", "RuntimeEnvironment",
];
export const STREAM_GROUP_MEMBERS = [
  "Arn", "Description", "DefaultApplication", "LocationStates", "StreamClass", "Id", "Status", "StatusReason",
  "LastUpdatedAt", "CreatedAt", "ExpiresAt", "AssociatedApplications",
];
export const STREAM_GROUP_SUMMARY_MEMBERS = [
  "Arn", "Id", "Description", "DefaultApplication", "StreamClass", "Status", "CreatedAt", "LastUpdatedAt", "ExpiresAt",
];
export const LOCATION_STATE_MEMBERS = [
  "LocationName", "Status", "AlwaysOnCapacity", "OnDemandCapacity", "TargetIdleCapacity", "MaximumCapacity",
  "RequestedCapacity", "AllocatedCapacity", "IdleCapacity", "InternalVpcIpv4CidrBlock", "VpcTransitConfiguration",
];
export const STREAM_URL_MEMBERS = [
  "Arn", "StreamUrlId", "StreamUrl", "Status", "StatusReason", "ExpiresAt", "CreatedAt", "UsageLimit", "RemainingUses",
  "StreamGroupArn", "ApplicationArn", "Protocol", "Locations", "SessionLengthSeconds", "Description",
  "AdditionalLaunchArgs", "AdditionalEnvironmentVariables", "RoleArn", "DisplayConfiguration",
];
export const STREAM_URL_SUMMARY_MEMBERS = [
  "Arn", "StreamUrlId", "StreamUrl", "Status", "StatusReason", "ExpiresAt", "CreatedAt", "UsageLimit", "RemainingUses",
  "StreamGroupArn", "ApplicationArn", "SessionLengthSeconds", "Description",
];
export const SHADER_CACHE_MEMBERS = ["Identifier", "ApplicationArn", "Status", "LastUpdatedAt", "StorageBytes", "AssociatedStreamGroups"];
export const SESSION_SUMMARY_MEMBERS = [
  "Arn", "UserId", "Status", "StatusReason", "Protocol", "LastUpdatedAt", "CreatedAt", "ApplicationArn",
  "ExportFilesMetadata", "Location", "RoleArn",
];

// Default emulator timings, in seconds (tests/durations.json).
export const T = {
  appInitialized: TIMINGS.application.initializedSeconds, // INITIALIZED -> PROCESSING
  appProcessing: TIMINGS.application.processingSeconds, // PROCESSING -> READY
  appDeleting: TIMINGS.application.deletingSeconds,
  replication: TIMINGS.application.replicationSeconds,
  groupActivating: TIMINGS.streamGroup.activatingSeconds,
  locationActivating: TIMINGS.streamGroup.locationActivatingSeconds,
  locationRemoving: TIMINGS.streamGroup.locationRemovingSeconds,
  groupDeleting: TIMINGS.streamGroup.deletingSeconds,
  groupLifetime: TIMINGS.streamGroup.expirationSeconds,
  sessionPlacement: TIMINGS.streamSession.placementSeconds,
  sessionPlacementTimeout: TIMINGS.streamSession.placementTimeoutSeconds,
  sessionReconnecting: TIMINGS.streamSession.reconnectingSeconds,
  sessionTerminating: TIMINGS.streamSession.terminatingSeconds,
  sessionIdleTimeout: TIMINGS.streamSession.idleTimeoutSeconds,
};

export const secs = (date) => date.getTime() / 1000;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// |a - b| below 2 ms (timestamps are epoch seconds with milliseconds).
export function near(actual, expected, message) {
  assert.ok(Math.abs(actual - expected) < 0.002, `${message ?? ""}: ${actual} is not ${expected}`);
}

export function startManual(args = []) {
  return startServer(["--clock", "manual", ...args]);
}

export async function advance(server, seconds) {
  const res = await server.admin("POST", "/clock", { advanceSeconds: seconds });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

export async function clockNow(server) {
  const res = await server.admin("GET", "/clock");
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.now;
}

// Expects `promise` to reject and returns what it rejected with.
export async function rejection(promise) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  });
  return error;
}

// Expects `promise` to reject with the service error `name` and HTTP `status`.
export async function refused(promise, name, status, mentions = []) {
  const err = await rejection(promise);
  assert.ok(err instanceof GameLiftStreamsServiceException, `not a service exception: ${err?.stack ?? err}`);
  assert.equal(err.name, name, `${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, status, `${err.name}: ${err.message}`);
  assert.match(err.$metadata.requestId ?? "", REQUEST_ID);
  assert.ok(typeof err.message === "string" && err.message.length > 0, "the error has a message");
  for (const m of mentions) assert.ok(err.message.includes(m), `message ${JSON.stringify(err.message)} lacks ${m}`);
  return err;
}

// The output's members other than $metadata must all belong to `allowed`.
export function assertOnlyMembers(out, allowed, what) {
  const extra = Object.keys(out).filter((k) => k !== "$metadata" && !allowed.includes(k));
  assert.deepEqual(extra, [], `${what}: members the model does not define`);
}

export const RUNTIME = { Type: "PROTON", Version: "20241007" };

export function appInput(overrides = {}) {
  return {
    Description: "Test game",
    RuntimeEnvironment: RUNTIME,
    ExecutablePath: "Game/Binaries/Win64/Game.exe",
    ApplicationSourceUri: "s3://amzn-s3-demo-bucket/test-game",
    ...overrides,
  };
}

export async function createApp(client, overrides = {}) {
  const out = await client.send(new CreateApplicationCommand(appInput(overrides)));
  assert.equal(out.$metadata.httpStatusCode, 201);
  return out;
}

// Creates applications and advances the clock until they are READY.
export async function readyApps(server, client, n, overrides = {}) {
  const apps = [];
  for (let i = 0; i < n; i++) apps.push(await createApp(client, { Description: `Game ${i}`, ...overrides }));
  await advance(server, T.appInitialized + T.appProcessing);
  for (const a of apps) assert.equal((await getApp(client, a.Id)).Status, "READY", a.Id);
  return apps;
}

export async function readyApp(server, client, overrides = {}) {
  return (await readyApps(server, client, 1, overrides))[0];
}

export const getApp = (client, id) => client.send(new GetApplicationCommand({ Identifier: id }));
export const getGroup = (client, id) => client.send(new GetStreamGroupCommand({ Identifier: id }));
export const getUrl = (client, sg, su) => client.send(new GetStreamUrlCommand({ Identifier: sg, StreamUrlIdentifier: su }));
export const getSession = (client, sg, id) =>
  client.send(new GetStreamSessionCommand({ Identifier: sg, StreamSessionIdentifier: id }));

export async function createGroup(client, overrides = {}) {
  const out = await client.send(
    new CreateStreamGroupCommand({ Description: "Test group", StreamClass: "gen4n_ultra", ...overrides }),
  );
  assert.equal(out.$metadata.httpStatusCode, 201);
  return out;
}

// Creates a stream group and advances the clock until it is ACTIVE.
export async function activeGroup(server, client, overrides = {}) {
  const created = await createGroup(client, overrides);
  await advance(server, T.groupActivating);
  const group = await getGroup(client, created.Id);
  assert.equal(group.Status, "ACTIVE", created.Id);
  return group;
}

export function location(group, name) {
  const l = group.LocationStates.find((s) => s.LocationName === name);
  assert.ok(l, `${group.Id} has no location ${name}: ${JSON.stringify(group.LocationStates)}`);
  return l;
}

// Allocated and idle capacity of one location, as GetStreamGroup reports it.
export async function capacityOf(client, sg, name = REGION) {
  const l = location(await getGroup(client, sg), name);
  return { allocated: l.AllocatedCapacity, idle: l.IdleCapacity };
}

let signalCounter = 0;
export const freshOffer = () => sdpOffer(`${Date.now()}${++signalCounter}`);

export async function startSession(client, sg, app, extra = {}) {
  const out = await client.send(
    new StartStreamSessionCommand({
      Identifier: sg,
      Protocol: "WebRTC",
      SignalRequest: freshOffer(),
      ApplicationIdentifier: app,
      ...extra,
    }),
  );
  return { out, id: idOf(out.Arn) };
}

// Follows a shareable stream URL as a browser would (JSON unless told).
export async function play(url, headers = { accept: "application/json" }) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Raises when a list has duplicates.
export function assertUnique(values, what) {
  assert.equal(new Set(values).size, values.length, `${what} repeat: ${JSON.stringify(values)}`);
}
