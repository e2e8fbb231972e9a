"""The restJson1 protocol as boto3 sees it: identifiers, the response shape,
errors, routing of all 30 operations, server-side validation, request ids and
account/region isolation (SPEC sections 3 and 7)."""
import concurrent.futures
import datetime
import json
import pathlib
import unittest

from gls_testlib import SDK_PROBLEM, ServerTestCase

if not SDK_PROBLEM:
    import botocore.exceptions
    import botocore.session
    from botocore import xform_name

GROUP_ID = "sg-1AB2C3De4"
SESSION_ID = "ABC123def4567"
APP_ID = "a-9ZY8X7Wv6"
PREFIX = "arn:aws:gameliftstreams:us-west-2:111122223333:"
GROUP_ARN = PREFIX + "streamgroup/" + GROUP_ID
SESSION_ARN = PREFIX + "streamsession/" + GROUP_ID + "/" + SESSION_ID
APP_ARN = PREFIX + "application/" + APP_ID
SESSION_PATH = f"/streamgroups/{GROUP_ID}/streamsessions/{SESSION_ID}"


def service_model():
    return botocore.session.get_session().get_service_model("gameliftstreams")


def output_members(operation):
    return list(service_model().operation_model(operation).output_shape.members)


class DocumentedExample(ServerTestCase):
    """GetStreamSession(Identifier='sg-1AB2C3De4', StreamSessionIdentifier='ABC123def4567')."""

    def get(self, group, session):
        return self.gls.get_stream_session(Identifier=group, StreamSessionIdentifier=session)

    def test_id_and_arn_forms_of_both_identifiers(self):
        for group in (GROUP_ID, GROUP_ARN):
            for session in (SESSION_ID, SESSION_ARN):
                with self.subTest(group=group, session=session):
                    r = self.get(group, session)
                    self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
                    self.assertEqual(r["Arn"], SESSION_ARN)
                    self.assertEqual(r["StreamGroupId"], GROUP_ID)
                    self.assertEqual(r["ApplicationArn"], APP_ARN)
                    self.assertEqual(r["Status"], "CONNECTED")

    def test_every_documented_member_is_present(self):
        r = self.get(GROUP_ID, SESSION_ID)
        members = output_members("GetStreamSession")
        # Two members are conditional by the model's own documentation:
        # StatusReason is "the reason the stream session is in ERROR status or
        # TERMINATED status" (this one is CONNECTED), and RoleArn echoes the
        # optional RoleArn of StartStreamSession, which the example session
        # was not given. The class below checks both on a session that has them.
        conditional = {"StatusReason", "RoleArn"}
        self.assertTrue(conditional <= set(members), "the exemptions must be members of the model")
        missing = [m for m in members if m not in conditional and m not in r]
        self.assertEqual(missing, [], "members of GetStreamSessionOutput missing from the response")
        self.assertNotIn("StatusReason", r, "a CONNECTED session has no StatusReason")

    def test_raw_body_has_only_model_members(self):
        status, headers, body = self.server.request("GET", f"/streamgroups/{GROUP_ID}/streamsessions/{SESSION_ID}")
        self.assertEqual(status, 200)
        self.assertIsInstance(body, dict, body)
        self.assertEqual(sorted(set(body) - set(output_members("GetStreamSession"))), [])
        self.assertRegex(headers.get("Content-Type", ""), r"^application/json")

    def test_timestamps_are_datetimes_in_epoch_seconds(self):
        r = self.get(GROUP_ID, SESSION_ID)
        _, clock = self.server.admin("GET", "/clock")
        for member in ("CreatedAt", "LastUpdatedAt"):
            with self.subTest(member=member):
                value = r[member]
                self.assertIsInstance(value, datetime.datetime)
                self.assertIsNotNone(value.tzinfo)
                # The fixture was loaded by the reset in setUp, moments ago in
                # emulator time; epoch milliseconds would land in year 50000+.
                age = clock["now"] - value.timestamp()
                self.assertGreaterEqual(age, -0.001)
                self.assertLess(age, 120)
        self.assertLessEqual(r["CreatedAt"], r["LastUpdatedAt"])

    def test_unsigned_request_uses_the_default_scope(self):
        status, headers, body = self.server.request("GET", f"/streamgroups/{GROUP_ID}/streamsessions/{SESSION_ID}")
        self.assertEqual(status, 200)
        self.assertEqual(body["Arn"], SESSION_ARN)
        self.assertTrue(headers.get("x-amzn-RequestId"))


class FullSessionShape(ServerTestCase):
    """A TERMINATED session with a role: every member of the output is there."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = cls.class_tmpdir("gls-protocol-")
        path = pathlib.Path(cls.tmp) / "full.json"
        path.write_text(json.dumps({"streamSessions": [{
            "Id": "FULL000000001", "StreamGroupId": GROUP_ID, "ApplicationArn": APP_ID,
            "Description": "complete", "UserId": "player-2", "Status": "TERMINATED",
            "StatusReason": "apiTerminated", "Protocol": "WebRTC", "Location": "us-west-2",
            "SignalRequest": "offer", "SignalResponse": "answer",
            "ConnectionTimeoutSeconds": 60, "SessionLengthSeconds": 3600,
            "AdditionalLaunchArgs": ["-a"], "AdditionalEnvironmentVariables": {"A": "1"},
            "PerformanceStatsConfiguration": {"SharedWithClient": False},
            "RoleArn": "arn:aws:iam::111122223333:role/GameLiftStreams-Test",
            "DisplayConfiguration": {"Resolution": {"Width": 1280, "Height": 720}},
            "ExportFilesMetadata": {"Status": "SUCCEEDED", "OutputUri": "s3://bucket/x.zip"},
            "CreatedAt": 1700000000.25, "LastUpdatedAt": 1700000100,
        }]}))
        cls.server_args = ("--fixtures", str(path))
        super().setUpClass()


    def test_all_members_present(self):
        r = self.gls.get_stream_session(Identifier=GROUP_ID, StreamSessionIdentifier="FULL000000001")
        missing = [m for m in output_members("GetStreamSession") if m not in r]
        self.assertEqual(missing, [])
        self.assertEqual(r["Status"], "TERMINATED")
        self.assertEqual(r["StatusReason"], "apiTerminated")
        self.assertEqual(r["RoleArn"], "arn:aws:iam::111122223333:role/GameLiftStreams-Test")
        self.assertEqual(r["ExportFilesMetadata"]["Status"], "SUCCEEDED")

    def test_fractional_timestamps(self):
        r = self.gls.get_stream_session(Identifier=GROUP_ID, StreamSessionIdentifier="FULL000000001")
        utc = datetime.timezone.utc
        self.assertEqual(r["CreatedAt"], datetime.datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=utc))
        self.assertEqual(r["LastUpdatedAt"], datetime.datetime(2023, 11, 14, 22, 15, 0, tzinfo=utc))
        _, _, raw = self.server.request("GET", f"/streamgroups/{GROUP_ID}/streamsessions/FULL000000001")
        self.assertEqual(raw["CreatedAt"], 1700000000.25)
        self.assertEqual(raw["LastUpdatedAt"], 1700000100)


class NotFoundAndBadIdentifiers(ServerTestCase):
    def assertNotFound(self, group, session, message=None):
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.get_stream_session(Identifier=group, StreamSessionIdentifier=session)
        self.assertApiError(ctx, "ResourceNotFoundException", 404, message)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-errortype"),
                         "ResourceNotFoundException")

    def test_unknown_session(self):
        self.assertNotFound(GROUP_ID, "ZZZ123def4567", "ZZZ123def4567")

    def test_unknown_group(self):
        self.assertNotFound("sg-000000000", SESSION_ID, "sg-000000000")

    def test_session_arn_of_another_group(self):
        other = PREFIX + "streamsession/sg-9ZZZZZZZZ/" + SESSION_ID
        self.assertNotFound(GROUP_ID, other)

    def test_session_arn_of_another_account_or_region(self):
        for arn in ("arn:aws:gameliftstreams:us-west-2:999999999999:streamsession/sg-1AB2C3De4/ABC123def4567",
                    "arn:aws:gameliftstreams:eu-west-1:111122223333:streamsession/sg-1AB2C3De4/ABC123def4567"):
            with self.subTest(arn=arn):
                self.assertNotFound(GROUP_ID, arn)

    def test_group_arn_of_another_account_or_region(self):
        for arn in ("arn:aws:gameliftstreams:us-west-2:999999999999:streamgroup/sg-1AB2C3De4",
                    "arn:aws:gameliftstreams:eu-west-1:111122223333:streamgroup/sg-1AB2C3De4"):
            with self.subTest(arn=arn):
                self.assertNotFound(arn, SESSION_ID)

    def test_arn_of_the_wrong_resource_type(self):
        cases = [(APP_ARN, SESSION_ID, "application ARN as the stream group"),
                 (SESSION_ARN, SESSION_ID, "session ARN as the stream group"),
                 (GROUP_ID, GROUP_ARN, "group ARN as the session")]
        for group, session, what in cases:
            with self.subTest(what):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.gls.get_stream_session(Identifier=group, StreamSessionIdentifier=session)
                self.assertApiError(ctx, "ValidationException", 400)


# Valid, minimal parameters for every operation of the model.
MINIMAL_PARAMS = {
    "AddStreamGroupLocations": dict(Identifier=GROUP_ID, LocationConfigurations=[{"LocationName": "us-east-1"}]),
    "AssociateApplications": dict(Identifier=GROUP_ID, ApplicationIdentifiers=[APP_ID]),
    "CreateApplication": dict(Description="Game", RuntimeEnvironment={"Type": "PROTON", "Version": "20241007"},
                              ExecutablePath="bin/game.exe", ApplicationSourceUri="s3://bucket/game"),
    "CreateStreamGroup": dict(Description="Group", StreamClass="gen4n_high"),
    "CreateStreamSessionAdminShell": dict(Identifier=GROUP_ID, StreamSessionIdentifier=SESSION_ID),
    "CreateStreamSessionConnection": dict(Identifier=GROUP_ID, StreamSessionIdentifier=SESSION_ID,
                                          SignalRequest="offer"),
    "CreateStreamUrl": dict(Identifier=GROUP_ID, ApplicationIdentifier=APP_ID, Protocol="WebRTC",
                            UrlExpiresAfterMinutes=60, Locations=["us-west-2"]),
    "DeleteApplication": dict(Identifier=APP_ID),
    "DeleteStreamGroup": dict(Identifier=GROUP_ID),
    "DisassociateApplications": dict(Identifier=GROUP_ID, ApplicationIdentifiers=[APP_ID]),
    "ExportStreamSessionFiles": dict(Identifier=GROUP_ID, StreamSessionIdentifier=SESSION_ID,
                                     OutputUri="s3://bucket/exports/"),
    "GetApplication": dict(Identifier=APP_ID),
    "GetStreamGroup": dict(Identifier=GROUP_ID),
    "GetStreamSession": dict(Identifier=GROUP_ID, StreamSessionIdentifier=SESSION_ID),
    "GetStreamUrl": dict(Identifier=GROUP_ID, StreamUrlIdentifier="su-1AB2C3De4"),
    "ListApplicationShaderCaches": dict(Identifier=APP_ID),
    "ListApplications": dict(),
    "ListStreamGroups": dict(),
    "ListStreamSessions": dict(Identifier=GROUP_ID),
    "ListStreamSessionsByAccount": dict(),
    "ListStreamUrls": dict(),
    "ListTagsForResource": dict(ResourceArn=GROUP_ARN),
    "RemoveStreamGroupLocations": dict(Identifier=GROUP_ID, Locations=["us-east-1"]),
    "RevokeStreamUrl": dict(Identifier=GROUP_ID, StreamUrlIdentifier="su-1AB2C3De4"),
    "StartStreamSession": dict(Identifier=GROUP_ID, Protocol="WebRTC", SignalRequest="offer",
                               ApplicationIdentifier=APP_ID),
    "TagResource": dict(ResourceArn=GROUP_ARN, Tags={"team": "qa"}),
    "TerminateStreamSession": dict(Identifier=GROUP_ID, StreamSessionIdentifier=SESSION_ID),
    "UntagResource": dict(ResourceArn=GROUP_ARN, TagKeys=["team"]),
    "UpdateApplication": dict(Identifier=APP_ID),
    "UpdateStreamGroup": dict(Identifier=GROUP_ID),
}


class EveryOperationIsRouted(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gls = cls.server.client(retries=False)

    def test_table_covers_the_model(self):
        operations = service_model().operation_names
        self.assertEqual(len(operations), 30)
        self.assertEqual(sorted(MINIMAL_PARAMS), sorted(operations))

    def test_each_operation(self):
        for operation in service_model().operation_names:
            with self.subTest(operation=operation):
                method = getattr(self.gls, xform_name(operation))
                try:
                    r = method(**MINIMAL_PARAMS[operation])
                    meta = r["ResponseMetadata"]
                    error = None
                except botocore.exceptions.ClientError as e:
                    meta = e.response["ResponseMetadata"]
                    error = e.response["Error"]
                if meta["HTTPStatusCode"] == 404:
                    # A 404 is a routed "not found" for a resource, never an unknown route.
                    self.assertEqual((error or {}).get("Code"), "ResourceNotFoundException",
                                     f"{operation} is not routed: {error}")
                self.assertNotEqual((error or {}).get("Code"), "UnknownOperationException")
                self.assertTrue(meta.get("RequestId"))
                # Every operation is implemented: none answers 501 any more. Minimal input
                # may be refused by the fixtures' state, with one of the operation's own
                # modelled errors; otherwise it succeeds with the model's status code.
                op_model = service_model().operation_model(operation)
                self.assertNotEqual(meta["HTTPStatusCode"], 501, f"{operation}: {error}")
                if error:
                    self.assertNotEqual(error["Code"], "NotImplementedException", operation)
                    modelled = {e.name for e in op_model.error_shapes}
                    self.assertIn(error["Code"], modelled, f"{operation}: {error}")
                else:
                    self.assertEqual(meta["HTTPStatusCode"], op_model.http.get("responseCode", 200))


class ServerSideValidation(ServerTestCase):
    """What boto3 lets through with its own validation off is refused by the server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lax = cls.server.client(retries=False, parameter_validation=False)

    def assertInvalid(self, call, pattern, **params):
        with self.assertRaises(self.lax.exceptions.ValidationException) as ctx:
            getattr(self.lax, call)(**params)
        self.assertApiError(ctx, "ValidationException", 400, pattern)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-errortype"),
                         "ValidationException")
        return ctx.exception.response["Error"]["Message"]

    def test_description_too_long(self):
        self.assertInvalid("create_stream_group",
                           r"^1 validation error detected: Value 'x{81}' at 'description' failed to satisfy "
                           r"constraint: Member must have length less than or equal to 80$",
                           Description="x" * 81, StreamClass="gen4n_high")

    def test_bad_enum(self):
        self.assertInvalid("start_stream_session",
                           r"Value 'SRT' at 'protocol' failed to satisfy constraint: "
                           r"Member must satisfy enum value set: \[WebRTC\]",
                           Identifier=GROUP_ID, Protocol="SRT", SignalRequest="offer", ApplicationIdentifier=APP_ID)

    def test_connection_timeout_zero(self):
        self.assertInvalid("start_stream_session",
                           r"Value '0' at 'connectionTimeoutSeconds' failed to satisfy constraint: "
                           r"Member must have value greater than or equal to 1",
                           Identifier=GROUP_ID, Protocol="WebRTC", SignalRequest="offer",
                           ApplicationIdentifier=APP_ID, ConnectionTimeoutSeconds=0)

    def test_max_results_too_large(self):
        self.assertInvalid("list_stream_groups",
                           r"Value '1000' at 'maxResults' failed to satisfy constraint: "
                           r"Member must have value less than or equal to 100", MaxResults=1000)

    def test_missing_required_member(self):
        self.assertInvalid("create_stream_group",
                           r"Value null at 'streamClass' failed to satisfy constraint: Member must not be null",
                           Description="Group")

    def test_sensitive_value_is_not_echoed(self):
        message = self.assertInvalid("start_stream_session", r"at 'signalRequest' failed to satisfy constraint",
                                     Identifier=GROUP_ID, Protocol="WebRTC", SignalRequest="",
                                     ApplicationIdentifier=APP_ID, Description="d" * 81)
        self.assertIn("Sensitive Data Redacted", message)
        self.assertRegex(message, r"^2 validation errors detected: ")

    def test_length_counts_characters_not_bytes(self):
        # 80 characters of which 79 take two bytes each in UTF-8: allowed.
        r = self.lax.create_stream_group(Description="a" + "\u00e9" * 79, StreamClass="gen4n_high")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(r["Description"], "a" + "\u00e9" * 79)
        self.assertInvalid("create_stream_group", r"at 'description' failed to satisfy constraint: "
                           r"Member must have length less than or equal to 80",
                           Description="a" + "\u00e9" * 80, StreamClass="gen4n_high")

    def test_unknown_member_over_raw_http(self):
        status, headers, body = self.server.request(
            "POST", "/streamgroups", {"Description": "Group", "StreamClass": "gen4n_high", "Colour": "blue"},
            {"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "ValidationException")
        self.assertTrue(headers.get("x-amzn-RequestId"))
        self.assertRegex(body["message"], r"at 'colour' failed to satisfy constraint: Member is not defined")

    def test_path_member_in_the_body_is_unknown(self):
        # Identifier is bound to the URI; a copy in the body is not a body member.
        status, headers, body = self.server.request(
            "POST", f"/streamgroups/{GROUP_ID}/streamsessions",
            {"Identifier": GROUP_ID, "Protocol": "WebRTC", "SignalRequest": "o", "ApplicationIdentifier": APP_ID},
            {"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "ValidationException")
        self.assertIn("'identifier'", body["message"])


class RequestIds(ServerTestCase):
    def test_every_response_has_a_distinct_request_id(self):
        ids = []
        for _ in range(3):
            r = self.gls.get_stream_session(Identifier=GROUP_ID, StreamSessionIdentifier=SESSION_ID)
            meta = r["ResponseMetadata"]
            self.assertEqual(meta["RequestId"], meta["HTTPHeaders"]["x-amzn-requestid"])
            ids.append(meta["RequestId"])
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.get_stream_session(Identifier=GROUP_ID, StreamSessionIdentifier="ZZZ123def4567")
        ids.append(ctx.exception.response["ResponseMetadata"]["RequestId"])
        for method, path, body in (("GET", "/nope", None), ("GET", "/_gls/health", None),
                                   ("GET", "/_gls/no-such-admin-route", None), ("GET", "/applications", None),
                                   ("POST", f"/streamgroups/{GROUP_ID}/streamsessions", b"{bad")):
            _, headers, _ = self.server.request(method, path, body)
            ids.append(headers.get("x-amzn-RequestId"))
        # Concurrent requests, served by several threads.
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: self.server.request("GET", SESSION_PATH), range(40)))
        self.assertEqual({status for status, _, _ in answers}, {200})
        ids += [headers.get("x-amzn-RequestId") for _, headers, _ in answers]
        for i in ids:
            self.assertRegex(i or "", r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(len(set(ids)), len(ids), ids)


class AccountAndRegionIsolation(ServerTestCase):
    def test_default_scope_sees_the_fixture(self):
        r = self.gls.get_stream_session(Identifier=GROUP_ID, StreamSessionIdentifier=SESSION_ID)
        self.assertEqual(r["Arn"], SESSION_ARN)

    def test_other_account_does_not_see_it(self):
        other = self.server.client(access_key="999999999999", retries=False)
        for group in (GROUP_ID, "arn:aws:gameliftstreams:us-west-2:999999999999:streamgroup/" + GROUP_ID):
            with self.subTest(group=group):
                with self.assertRaises(other.exceptions.ResourceNotFoundException) as ctx:
                    other.get_stream_session(Identifier=group, StreamSessionIdentifier=SESSION_ID)
                self.assertApiError(ctx, "ResourceNotFoundException", 404)

    def test_other_region_does_not_see_it(self):
        other = self.server.client(region="eu-west-1", retries=False)
        with self.assertRaises(other.exceptions.ResourceNotFoundException) as ctx:
            other.get_stream_session(Identifier=GROUP_ID, StreamSessionIdentifier=SESSION_ID)
        self.assertApiError(ctx, "ResourceNotFoundException", 404)

    def test_non_numeric_access_key_is_the_default_account(self):
        for key in ("AKIAIOSFODNN7EXAMPLE", "12345678901", "1234567890123"):
            with self.subTest(access_key=key):
                r = self.server.client(access_key=key).get_stream_session(
                    Identifier=GROUP_ID, StreamSessionIdentifier=SESSION_ID)
                self.assertEqual(r["Arn"], SESSION_ARN)


if __name__ == "__main__":
    unittest.main()
