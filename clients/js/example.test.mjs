// A back end's test: a player who never connects is forgotten once the session times out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GameLiftStreamsClient, GetStreamSessionCommand, StartStreamSessionCommand } from "@aws-sdk/client-gameliftstreams";
import { useGlsLocal } from "gls-local/node-test.mjs";
async function forgetEndedSessions(streams, group, players) { // the back end's clean-up, under test
  for (const [player, arn] of players)
    if ((await streams.send(new GetStreamSessionCommand({ Identifier: group, StreamSessionIdentifier: arn }))).Status === "TERMINATED") players.delete(player);
}
const gls = useGlsLocal();
test("a player who never connects is forgotten", async () => {
  const streams = new GameLiftStreamsClient(gls.clientConfig());
  const { Arn } = await streams.send(new StartStreamSessionCommand({ Identifier: "sg-1AB2C3De4", ApplicationIdentifier: "a-9ZY8X7Wv6",
    Protocol: "WebRTC", SignalRequest: "test-offer" }));
  const players = new Map([["alice", Arn]]);
  await gls.advance(2 + 120 + 1); // placement, ConnectionTimeoutSeconds, terminating
  await forgetEndedSessions(streams, "sg-1AB2C3De4", players);
  assert.equal(players.size, 0);
});
