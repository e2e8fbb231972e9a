"""A back end's test: a player who never connects is forgotten once the session times out."""
from gls_local import GlsLocalTestCase

OFFER = "test-offer"

def forget_ended_sessions(streams, group, players):  # the back end's clean-up, under test
    for player, arn in list(players.items()):
        if streams.get_stream_session(Identifier=group, StreamSessionIdentifier=arn)["Status"] == "TERMINATED":
            del players[player]


class ConnectionTimeout(GlsLocalTestCase):
    def test_a_player_who_never_connects_is_forgotten(self):
        session = self.client.start_stream_session(Identifier="sg-1AB2C3De4", ApplicationIdentifier="a-9ZY8X7Wv6",
                                                   Protocol="WebRTC", SignalRequest=OFFER)
        players = {"alice": session["Arn"]}
        self.gls_local.advance(2 + 120 + 1)  # placement, ConnectionTimeoutSeconds, terminating
        forget_ended_sessions(self.client, "sg-1AB2C3De4", players)
        self.assertEqual(players, {})
