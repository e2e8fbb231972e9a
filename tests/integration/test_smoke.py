"""The documented GetStreamSession example through boto3, right after start."""
import unittest

from gls_testlib import ServerTestCase


class DocumentedExample(ServerTestCase):
    def test_get_stream_session_example(self):
        r = self.gls.get_stream_session(Identifier="sg-1AB2C3De4", StreamSessionIdentifier="ABC123def4567")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r["Arn"], "arn:aws:gameliftstreams:us-west-2:111122223333:streamsession/sg-1AB2C3De4/ABC123def4567")
        self.assertEqual(r["Status"], "CONNECTED")
        self.assertEqual(r["StreamGroupId"], "sg-1AB2C3De4")
        self.assertEqual(r["ApplicationArn"], "arn:aws:gameliftstreams:us-west-2:111122223333:application/a-9ZY8X7Wv6")
        self.assertEqual(r["AdditionalLaunchArgs"], ["-windowed", "-log"])
        self.assertEqual(r["AdditionalEnvironmentVariables"]["GAME_MODE"], "sample")
        self.assertTrue(r["PerformanceStatsConfiguration"]["SharedWithClient"])
        self.assertEqual(r["ExportFilesMetadata"]["Status"], "PENDING")
        self.assertLessEqual(r["CreatedAt"], r["LastUpdatedAt"])

    def test_unknown_session(self):
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.get_stream_session(Identifier="sg-1AB2C3De4", StreamSessionIdentifier="ZZZ123def4567")
        self.assertApiError(ctx, "ResourceNotFoundException", 404, "ZZZ123def4567")


if __name__ == "__main__":
    unittest.main()
