// The restJson1 protocol of gls-local as the AWS SDK for JavaScript v3 sees
// it: the documented GetStreamSession example, error classes, routing of all
// 30 operations, and server-side validation of what the SDK sends unchecked.
// The HTTP edges (unknown routes, oversized and malformed bodies, request
// ids) are tested once, in tests/integration/test_bad_input.py and
// test_protocol.py.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "@aws-sdk/client-gameliftstreams";
import {
  GameLiftStreamsServiceException,
  GetStreamSessionCommand,
  ResourceNotFoundException,
  ValidationException,
  StartStreamSessionCommand,
  ListStreamSessionsCommand,
  AssociateApplicationsCommand,
} from "@aws-sdk/client-gameliftstreams";
import { REQUEST_DEFAULTS, startServer } from "./harness.mjs";

// ---- the documented example ---------------------------------------------------

const ACCOUNT = "111122223333";
const REGION = "us-west-2";
const SG = "sg-1AB2C3De4";
const SESSION = "ABC123def4567";
const APP = "a-9ZY8X7Wv6";
const SG_ARN = `arn:aws:gameliftstreams:${REGION}:${ACCOUNT}:streamgroup/${SG}`;
const SESSION_ARN = `arn:aws:gameliftstreams:${REGION}:${ACCOUNT}:streamsession/${SG}/${SESSION}`;
const APP_ARN = `arn:aws:gameliftstreams:${REGION}:${ACCOUNT}:application/${APP}`;
const SESSION_PATH = `/streamgroups/${SG}/streamsessions/${SESSION}`;

// The members of GetStreamSessionOutput in service-2.json (2018-05-10).
const SESSION_MEMBERS = [
  "Arn", "Description", "StreamGroupId", "UserId", "Status", "StatusReason", "Protocol", "Location",
  "SignalRequest", "SignalResponse", "ConnectionTimeoutSeconds", "SessionLengthSeconds", "AdditionalLaunchArgs",
  "AdditionalEnvironmentVariables", "PerformanceStatsConfiguration", "LogFileLocationUri", "WebSdkProtocolUrl",
  "LastUpdatedAt", "CreatedAt", "ApplicationArn", "ExportFilesMetadata", "RoleArn", "DisplayConfiguration",
];
const TIMESTAMP_MEMBERS = ["CreatedAt", "LastUpdatedAt"];
// What the default fixture's CONNECTED session legitimately lacks: it has no
// status reason while running and no IAM role.
const ABSENT_IN_FIXTURE = new Set(["StatusReason", "RoleArn"]);

// The 30 operations of the model.
const OPERATIONS = [
  "AddStreamGroupLocations", "AssociateApplications", "CreateApplication", "CreateStreamGroup",
  "CreateStreamSessionAdminShell", "CreateStreamSessionConnection", "CreateStreamUrl", "DeleteApplication",
  "DeleteStreamGroup", "DisassociateApplications", "ExportStreamSessionFiles", "GetApplication", "GetStreamGroup",
  "GetStreamSession", "GetStreamUrl", "ListApplicationShaderCaches", "ListApplications", "ListStreamGroups",
  "ListStreamSessions", "ListStreamSessionsByAccount", "ListStreamUrls", "ListTagsForResource",
  "RemoveStreamGroupLocations", "RevokeStreamUrl", "StartStreamSession", "TagResource", "TerminateStreamSession",
  "UntagResource", "UpdateApplication", "UpdateStreamGroup",
];
// Errors an operation may answer to minimal input, depending on the
// fixture's state (and on the calls before it): still routed, and one of the
// model's errors. Every operation is implemented: none may answer 501.
const MODELED_ERRORS = new Set(["ValidationException", "ConflictException", "ResourceNotFoundException",
  "StreamSessionAccessNotReadyException"]);

// Valid, minimal input for each operation, against the default fixtures.
const MINIMAL_INPUT = {
  AddStreamGroupLocations: { Identifier: SG, LocationConfigurations: [{ LocationName: "us-east-1" }] },
  AssociateApplications: { Identifier: SG, ApplicationIdentifiers: [APP] },
  CreateApplication: {
    Description: "Another game",
    RuntimeEnvironment: { Type: "PROTON", Version: "20241007" },
    ExecutablePath: "Game/Game.exe",
    ApplicationSourceUri: "s3://amzn-s3-demo-bucket/another-game",
  },
  CreateStreamGroup: { Description: "Another group", StreamClass: "gen4n_high" },
  CreateStreamSessionAdminShell: { Identifier: SG, StreamSessionIdentifier: SESSION },
  CreateStreamSessionConnection: { Identifier: SG, StreamSessionIdentifier: SESSION, SignalRequest: "v=0" },
  CreateStreamUrl: {
    Identifier: SG,
    ApplicationIdentifier: APP,
    Protocol: "WebRTC",
    UrlExpiresAfterMinutes: 60,
    Locations: [REGION],
  },
  DeleteApplication: { Identifier: APP },
  DeleteStreamGroup: { Identifier: SG },
  DisassociateApplications: { Identifier: SG, ApplicationIdentifiers: [APP] },
  ExportStreamSessionFiles: {
    Identifier: SG,
    StreamSessionIdentifier: SESSION,
    OutputUri: "s3://amzn-s3-demo-bucket/exports/",
  },
  GetApplication: { Identifier: APP },
  GetStreamGroup: { Identifier: SG },
  GetStreamSession: { Identifier: SG, StreamSessionIdentifier: SESSION },
  GetStreamUrl: { Identifier: SG, StreamUrlIdentifier: "su-1AB2C3De4" },
  ListApplicationShaderCaches: { Identifier: APP },
  ListApplications: {},
  ListStreamGroups: {},
  ListStreamSessions: { Identifier: SG },
  ListStreamSessionsByAccount: {},
  ListStreamUrls: {},
  ListTagsForResource: { ResourceArn: SG_ARN },
  RemoveStreamGroupLocations: { Identifier: SG, Locations: ["us-east-1"] },
  RevokeStreamUrl: { Identifier: SG, StreamUrlIdentifier: "su-1AB2C3De4" },
  StartStreamSession: { Identifier: SG, Protocol: "WebRTC", SignalRequest: "v=0", ApplicationIdentifier: APP },
  TagResource: { ResourceArn: SG_ARN, Tags: { team: "games" } },
  TerminateStreamSession: { Identifier: SG, StreamSessionIdentifier: SESSION },
  UntagResource: { ResourceArn: SG_ARN, TagKeys: ["team"] },
  UpdateApplication: { Identifier: APP },
  UpdateStreamGroup: { Identifier: SG },
};

const destructive = (op) => (/^(Delete|Terminate|Revoke|Remove|Disassociate|Untag)/.test(op) ? 1 : 0);

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---- helpers ------------------------------------------------------------------

// Expects `promise` to reject and returns what it rejected with.
async function rejection(promise) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  });
  return error;
}

function assertServiceError(err, { cls, name, status, mentions = [] }) {
  assert.ok(err instanceof GameLiftStreamsServiceException, `not a service exception: ${err?.stack ?? err}`);
  if (cls) assert.ok(err instanceof cls, `expected ${cls.name}, got ${err.name}: ${err.message}`);
  assert.equal(err.name, name, err.message);
  assert.equal(err.$metadata.httpStatusCode, status, err.message);
  assert.match(err.$metadata.requestId ?? "", REQUEST_ID, "the error carries x-amzn-RequestId");
  for (const m of mentions) assert.ok(err.message.includes(m), `message ${JSON.stringify(err.message)} lacks ${m}`);
}

// ---- one server for everything that does not change state -----------------------

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  assert.equal(await server.stop(), 0, "gls-local exits 0 on SIGTERM");
});

describe("GetStreamSession, the documented example", () => {
  test("returns every documented member, with the values of the default fixture", async () => {
    const out = await server.client().send(
      new GetStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: SESSION }),
    );
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.match(out.$metadata.requestId, REQUEST_ID);

    for (const m of SESSION_MEMBERS) {
      if (ABSENT_IN_FIXTURE.has(m)) assert.equal(out[m], undefined, `${m} should be absent`);
      else assert.notEqual(out[m], undefined, `documented member ${m} is missing`);
    }
    const extra = Object.keys(out).filter((k) => k !== "$metadata" && !SESSION_MEMBERS.includes(k));
    assert.deepEqual(extra, [], "members the model does not define");

    assert.equal(out.Arn, SESSION_ARN);
    assert.equal(out.StreamGroupId, SG);
    assert.equal(out.ApplicationArn, APP_ARN);
    assert.equal(out.Status, "CONNECTED");
    assert.equal(out.Protocol, "WebRTC");
    assert.equal(out.Location, REGION);
    assert.equal(out.Description, "Sample session");
    assert.equal(out.UserId, "sample-player");
    assert.equal(out.ConnectionTimeoutSeconds, REQUEST_DEFAULTS.ConnectionTimeoutSeconds);
    assert.equal(out.SessionLengthSeconds, REQUEST_DEFAULTS.SessionLengthSeconds);
    assert.deepEqual(out.AdditionalLaunchArgs, ["-windowed", "-log"]);
    assert.deepEqual(out.AdditionalEnvironmentVariables, { GAME_MODE: "sample", LOG_LEVEL: "info" });
    assert.deepEqual(out.PerformanceStatsConfiguration, { SharedWithClient: true });
    assert.deepEqual(out.DisplayConfiguration, { Resolution: { Width: 1920, Height: 1080 } });
    assert.equal(out.ExportFilesMetadata.Status, "PENDING");
    assert.equal(out.ExportFilesMetadata.OutputUri, "s3://amzn-s3-demo-bucket/exports/sample-session.zip");
    assert.match(out.SignalRequest, /^v=0/);
    assert.equal(JSON.parse(out.SignalResponse).type, "answer", "a CONNECTED session has an answer");
    assert.match(JSON.parse(out.SignalResponse).sdp, /^v=0/);
    assert.ok(out.LastUpdatedAt.getTime() >= out.CreatedAt.getTime());
  });

  test("timestamps are Date objects equal to the epoch seconds on the wire", async () => {
    const raw = await server.raw("GET", SESSION_PATH);
    assert.equal(raw.status, 200);
    assert.match(raw.headers.get("content-type") ?? "", /^application\/json/);
    const out = await server.client().send(
      new GetStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: SESSION }),
    );
    for (const m of TIMESTAMP_MEMBERS) {
      assert.equal(typeof raw.json[m], "number", `${m} is epoch seconds in the JSON body`);
      assert.ok(out[m] instanceof Date, `${m} is parsed as a Date`);
      assert.equal(out[m].getTime(), Math.round(raw.json[m] * 1000), m);
    }
    // A sanity bound: the fixture was loaded by this very server.
    const age = Date.now() - out.CreatedAt.getTime();
    assert.ok(age >= -5000 && age < 10 * 60 * 1000, `CreatedAt ${out.CreatedAt.toISOString()} is not recent`);
  });

  test("the SDK's output is exactly the JSON body (apart from dates)", async () => {
    const raw = await server.raw("GET", SESSION_PATH);
    const { $metadata, ...out } = await server.client().send(
      new GetStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: SESSION }),
    );
    assert.deepEqual(Object.keys(out).sort(), Object.keys(raw.json).sort());
    for (const [k, v] of Object.entries(raw.json)) {
      if (TIMESTAMP_MEMBERS.includes(k)) continue;
      assert.deepEqual(out[k], v, k);
    }
  });

  for (const [label, Identifier, StreamSessionIdentifier] of [
    ["group ARN, session ID", SG_ARN, SESSION],
    ["group ID, session ARN", SG, SESSION_ARN],
    ["group ARN, session ARN", SG_ARN, SESSION_ARN],
  ]) {
    test(`accepts the ARN forms: ${label}`, async () => {
      const out = await server.client().send(new GetStreamSessionCommand({ Identifier, StreamSessionIdentifier }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.Arn, SESSION_ARN);
      assert.equal(out.StreamGroupId, SG);
      assert.equal(out.Status, "CONNECTED");
    });
  }
});

describe("errors surface as the SDK's exception classes", () => {
  const notFound = [
    ["an unknown session", {}, SG, "ZZZ123def4567", ["ZZZ123def4567"]],
    ["an unknown stream group", {}, "sg-0ZZ0ZZ0ZZ", SESSION, ["sg-0ZZ0ZZ0ZZ"]],
    [
      "a session ARN under another stream group",
      {},
      SG,
      `arn:aws:gameliftstreams:${REGION}:${ACCOUNT}:streamsession/sg-9XX8YY7ZZ/${SESSION}`,
      [`streamsession/sg-9XX8YY7ZZ/${SESSION}`],
    ],
    ["another account (12-digit access key id)", { accessKeyId: "999999999999" }, SG, SESSION, [SG]],
    ["another region (SigV4 scope eu-west-1)", { region: "eu-west-1" }, SG, SESSION, [SG]],
    [
      "a stream group ARN of another account",
      {},
      `arn:aws:gameliftstreams:${REGION}:999999999999:streamgroup/${SG}`,
      SESSION,
      [`arn:aws:gameliftstreams:${REGION}:999999999999:streamgroup/${SG}`],
    ],
    [
      "a stream group ARN of another region",
      {},
      `arn:aws:gameliftstreams:eu-west-1:${ACCOUNT}:streamgroup/${SG}`,
      SESSION,
      [`arn:aws:gameliftstreams:eu-west-1:${ACCOUNT}:streamgroup/${SG}`],
    ],
  ];
  for (const [label, clientOptions, Identifier, StreamSessionIdentifier, mentions] of notFound) {
    test(`ResourceNotFoundException for ${label}`, async () => {
      const err = await rejection(
        server.client(clientOptions).send(new GetStreamSessionCommand({ Identifier, StreamSessionIdentifier })),
      );
      assertServiceError(err, { cls: ResourceNotFoundException, name: "ResourceNotFoundException", status: 404, mentions });
      assert.equal(err.$fault, "client");
    });
  }

  test("the default account and region still see the session (the isolation above is real)", async () => {
    const out = await server
      .client({ accessKeyId: ACCOUNT, region: REGION })
      .send(new GetStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: SESSION }));
    assert.equal(out.Arn, SESSION_ARN);
  });

  test("ValidationException for an application ARN used as a stream group identifier", async () => {
    const err = await rejection(
      server.client().send(new GetStreamSessionCommand({ Identifier: APP_ARN, StreamSessionIdentifier: SESSION })),
    );
    assertServiceError(err, { cls: ValidationException, name: "ValidationException", status: 400, mentions: [APP_ARN] });
    assert.match(err.message, /stream group/i);
  });

  test("ValidationException for a stream group ARN used as a session identifier", async () => {
    const err = await rejection(
      server.client().send(new GetStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: SG_ARN })),
    );
    assertServiceError(err, { cls: ValidationException, name: "ValidationException", status: 400, mentions: [SG_ARN] });
  });
});

describe("every one of the 30 operations is routed", () => {
  const commands = Object.entries(sdk)
    .filter(([name, value]) => name.endsWith("Command") && name !== "$Command" && typeof value === "function")
    .map(([name, value]) => [name.slice(0, -"Command".length), value])
    // Destructive calls last, so that they cannot hide the fixtures from the
    // others once they are implemented.
    .sort(([a], [b]) => destructive(a) - destructive(b) || a.localeCompare(b));

  test("the SDK's commands are exactly the model's 30 operations", () => {
    assert.deepEqual(commands.map(([op]) => op).sort(), [...OPERATIONS].sort());
    assert.deepEqual(Object.keys(MINIMAL_INPUT).sort(), [...OPERATIONS].sort());
  });

  test("each command with minimal valid input reaches its operation", async (t) => {
    // Its own server: once the operations are implemented, these calls change state.
    const own = await startServer();
    try {
      const ids = new Set();
      for (const [op, Command] of commands) {
        await t.test(op, async () => {
          const outcome = await own
            .client()
            .send(new Command(structuredClone(MINIMAL_INPUT[op])))
            .then((out) => ({ out }), (err) => ({ err }));
          if (outcome.err) {
            const err = outcome.err;
            assert.notEqual(err.name, "NotImplementedException", `${op} is not implemented: ${err.message}`);
            assert.notEqual(err.$metadata?.httpStatusCode, 501, `${op}: ${err.message}`);
            assert.notEqual(err.name, "UnknownOperationException", `${op} is not routed: ${err.message}`);
            assert.ok(MODELED_ERRORS.has(err.name), `${op}: ${err.name} ${err.message}`);
            assert.ok(err instanceof GameLiftStreamsServiceException, `${op}: ${err.stack ?? err}`);
            assert.match(err.$metadata.requestId, REQUEST_ID);
            ids.add(err.$metadata.requestId);
            return;
          }
          const out = outcome.out;
          assert.ok([200, 201, 204].includes(out.$metadata.httpStatusCode), String(out.$metadata.httpStatusCode));
          assert.match(out.$metadata.requestId, REQUEST_ID);
          ids.add(out.$metadata.requestId);
        });
      }
      assert.equal(ids.size, OPERATIONS.length, "every response has its own x-amzn-RequestId");
    } finally {
      assert.equal(await own.stop(), 0);
    }
  });
});

describe("the server validates what the SDK sends unchecked", () => {
  const START = { Identifier: SG, Protocol: "WebRTC", SignalRequest: "v=0", ApplicationIdentifier: APP };
  const cases = [
    [
      "Description longer than 80 characters",
      StartStreamSessionCommand,
      { ...START, Description: "d".repeat(81) },
      "description",
      /length less than or equal to 80/,
    ],
    ["Protocol 'SRT'", StartStreamSessionCommand, { ...START, Protocol: "SRT" }, "protocol", /enum value set: \[WebRTC\]/],
    [
      "ConnectionTimeoutSeconds 0",
      StartStreamSessionCommand,
      { ...START, ConnectionTimeoutSeconds: 0 },
      "connectionTimeoutSeconds",
      /value greater than or equal to 1\b/,
    ],
    [
      "SessionLengthSeconds 86401",
      StartStreamSessionCommand,
      { ...START, SessionLengthSeconds: 86401 },
      "sessionLengthSeconds",
      /value less than or equal to 86400\b/,
    ],
    [
      "MaxResults 1000 on ListStreamSessions",
      ListStreamSessionsCommand,
      { Identifier: SG, MaxResults: 1000 },
      "maxResults",
      /value less than or equal to 100\b/,
    ],
    [
      "an empty ApplicationIdentifiers list (min 1)",
      AssociateApplicationsCommand,
      { Identifier: SG, ApplicationIdentifiers: [] },
      "applicationIdentifiers",
      /length greater than or equal to 1\b/,
    ],
  ];
  for (const [label, Command, input, member, rule] of cases) {
    test(`ValidationException for ${label}`, async () => {
      const err = await rejection(server.client().send(new Command(input)));
      assertServiceError(err, { cls: ValidationException, name: "ValidationException", status: 400 });
      assert.match(err.message, /^1 validation error detected: /, "only the bad member is reported");
      assert.ok(err.message.includes(`at '${member}'`), `message names '${member}': ${err.message}`);
      assert.match(err.message, rule);
    });
  }

  test("several violations are all reported in one message", async () => {
    const err = await rejection(
      server.client().send(
        new StartStreamSessionCommand({ ...START, Protocol: "SRT", ConnectionTimeoutSeconds: 0, SessionLengthSeconds: 86401 }),
      ),
    );
    assertServiceError(err, { cls: ValidationException, name: "ValidationException", status: 400 });
    assert.match(err.message, /^3 validation errors detected: /);
    for (const m of ["protocol", "connectionTimeoutSeconds", "sessionLengthSeconds"]) assert.ok(err.message.includes(`'${m}'`), m);
  });

  test("values at the limits are accepted (the checks are not off by one)", async () => {
    const limits = [
      [StartStreamSessionCommand, { ...START, Description: "d".repeat(80), ConnectionTimeoutSeconds: 1, SessionLengthSeconds: 86400 }],
      [StartStreamSessionCommand, { ...START, Description: "d", ConnectionTimeoutSeconds: 3600, SessionLengthSeconds: 1 }],
      [ListStreamSessionsCommand, { Identifier: SG, MaxResults: 100 }],
      [ListStreamSessionsCommand, { Identifier: SG, MaxResults: 1 }],
    ];
    for (const [Command, input] of limits) {
      const outcome = await server
        .client()
        .send(new Command(input))
        .then((out) => ({ out }), (err) => ({ err }));
      assert.equal(outcome.err, undefined, outcome.err?.message);
      assert.ok([200, 201].includes(outcome.out.$metadata.httpStatusCode));
    }
  });

  test("a member of the wrong JSON type (the SDK sends it as given) is a ValidationException naming it", async () => {
    const err = await rejection(
      server
        .client()
        .send(new StartStreamSessionCommand({ Identifier: SG, Protocol: "WebRTC", ApplicationIdentifier: APP, SignalRequest: 42 })),
    );
    assertServiceError(err, { cls: ValidationException, name: "ValidationException", status: 400, mentions: ["'signalRequest'"] });
    assert.match(err.message, /Member must be a string/);
  });
});
