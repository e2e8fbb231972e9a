"""TagResource, UntagResource and ListTagsForResource on applications and
stream groups, tags given at creation, the limits, and the ARNs that are
refused."""
import unittest

from gls_resources import (APP_DELETING, GROUP_DELETING, REGION, ResourceCase, app_arn, group_arn, url_arn)


class Tags(ResourceCase):
    server_args = ("--clock", "manual", "--no-default-fixtures")

    def tags(self, arn):
        r = self.gls.list_tags_for_resource(ResourceArn=arn)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertOnlyModelMembers("ListTagsForResource", r)
        return r.get("Tags", {})

    def resources(self):
        """(ARN, kind) of a fresh application and a fresh stream group."""
        app = self.create_app(Tags={"team": "core"})["Arn"]
        group = self.create_group(Tags={"team": "core"})["Arn"]
        return [(app, "application"), (group, "stream group")]

    def test_tags_on_create(self):
        app = self.create_app(Tags={"team": "racing", "cost-center": "42", "empty": ""})
        group = self.create_group(Tags={"env": "test"})
        untagged = self.create_app()
        self.assertEqual(self.tags(app["Arn"]), {"team": "racing", "cost-center": "42", "empty": ""})
        self.assertEqual(self.tags(group["Arn"]), {"env": "test"})
        self.assertEqual(self.tags(untagged["Arn"]), {})

    def test_tag_merge_and_untag(self):
        for arn, kind in self.resources():
            with self.subTest(kind):
                r = self.gls.tag_resource(ResourceArn=arn, Tags={"env": "prod", "owner": "alice"})
                self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
                self.assertOnlyModelMembers("TagResource", r)
                self.assertEqual(self.tags(arn), {"team": "core", "env": "prod", "owner": "alice"})
                # An existing key gets the new value; the others stay.
                self.gls.tag_resource(ResourceArn=arn, Tags={"env": "staging"})
                self.assertEqual(self.tags(arn), {"team": "core", "env": "staging", "owner": "alice"})
                r = self.gls.untag_resource(ResourceArn=arn, TagKeys=["owner", "team", "never-set"])
                self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
                self.assertOnlyModelMembers("UntagResource", r)
                self.assertEqual(self.tags(arn), {"env": "staging"})
                self.gls.untag_resource(ResourceArn=arn, TagKeys=["env"])
                self.assertEqual(self.tags(arn), {})

    def test_tags_are_per_resource(self):
        (a, _), (g, _) = self.resources()
        self.gls.tag_resource(ResourceArn=a, Tags={"only": "app"})
        self.assertEqual(self.tags(g), {"team": "core"})
        self.assertEqual(self.tags(a), {"team": "core", "only": "app"})

    def test_at_most_50_tags(self):
        for arn, kind in self.resources():
            with self.subTest(kind):
                self.gls.tag_resource(ResourceArn=arn, Tags={f"k{i:02d}": str(i) for i in range(49)})
                self.assertEqual(len(self.tags(arn)), 50)
                # Overwriting at the limit is fine.
                self.gls.tag_resource(ResourceArn=arn, Tags={"k00": "new", "team": "other"})
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.gls.tag_resource(ResourceArn=arn, Tags={"one-more": "x"})
                self.assertCode(ctx, "ValidationException", 400)
                with self.assertRaises(self.gls.exceptions.ValidationException):
                    self.gls.tag_resource(ResourceArn=arn, Tags={"k01": "changed", "one-more": "x"})
                tags = self.tags(arn)
                self.assertEqual(len(tags), 50)
                self.assertNotIn("one-more", tags)
                self.assertEqual((tags["k00"], tags["k01"], tags["team"]), ("new", "1", "other"),
                                 "a refused request changes no tag")
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.create_app(Tags={f"k{i}": "v" for i in range(51)})
        self.assertCode(ctx, "ValidationException", 400)
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.tag_resource(ResourceArn=self.create_app()["Arn"], Tags={f"k{i}": "v" for i in range(51)})
        self.assertCode(ctx, "ValidationException", 400)

    def test_aws_prefix_is_reserved(self):
        (a, _), (g, _) = self.resources()
        for arn in (a, g):
            for key in ("aws:created-by", "aws:x"):
                with self.subTest(arn=arn, key=key):
                    with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                        self.gls.tag_resource(ResourceArn=arn, Tags={"fine": "1", key: "v"})
                    self.assertCode(ctx, "ValidationException", 400)
                    self.assertEqual(self.tags(arn), {"team": "core"})
        with self.assertRaises(self.gls.exceptions.ValidationException):
            self.create_app(Tags={"aws:team": "x"})
        with self.assertRaises(self.gls.exceptions.ValidationException):
            self.create_group(Tags={"aws:team": "x"})
        self.assertEqual(len(self.gls.list_applications()["Items"]), 1)
        self.assertEqual(len(self.gls.list_stream_groups()["Items"]), 1)

    def test_unknown_and_foreign_arns(self):
        (a, _), (g, _) = self.resources()
        app_id, group_id = a.rsplit("/", 1)[1], g.rsplit("/", 1)[1]
        invalid = [app_arn("a-000000000"), group_arn("sg-000000000"),
                   app_arn(app_id, region="eu-west-1"), group_arn(group_id, region="eu-west-1"),
                   f"arn:aws:gameliftstreams:{REGION}:111122223333:widget/w-123456789",
                   f"arn:aws:gameliftstreams:{REGION}:111122223333:application",
                   url_arn(group_id, "su-000000000"),
                   f"arn:aws:gameliftstreams:{REGION}:111122223333:streamsession/{group_id}/ABC123def4567"]
        foreign = [app_arn(app_id, account="999999999999"), group_arn(group_id, account="999999999999")]
        calls = (("list_tags_for_resource", {}), ("tag_resource", {"Tags": {"k": "v"}}),
                 ("untag_resource", {"TagKeys": ["k"]}))
        for arn in invalid:
            for call, extra in calls:
                with self.subTest(arn=arn, call=call):
                    with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                        getattr(self.gls, call)(ResourceArn=arn, **extra)
                    self.assertCode(ctx, "ValidationException", 400)
        for arn in foreign:
            for call, extra in calls:
                with self.subTest(arn=arn, call=call):
                    with self.assertRaises(self.gls.exceptions.AccessDeniedException) as ctx:
                        getattr(self.gls, call)(ResourceArn=arn, **extra)
                    self.assertCode(ctx, "AccessDeniedException", 403)
        self.assertEqual(self.tags(a), {"team": "core"})
        # A real resource, asked about from another region than its own.
        elsewhere = self.server.client(region="eu-west-1", retries=False)
        with self.assertRaises(elsewhere.exceptions.ValidationException) as ctx:
            elsewhere.list_tags_for_resource(ResourceArn=a)
        self.assertCode(ctx, "ValidationException", 400)

    def test_sessions_and_stream_urls_take_no_tags(self):
        app, gid = self.app_with_group()
        session = self.start(gid, app)["Arn"]
        url = self.gls.create_stream_url(Identifier=gid, ApplicationIdentifier=app, Protocol="WebRTC",
                                         UrlExpiresAfterMinutes=10, Locations=[REGION])["Arn"]
        for arn in (session, url):
            for call, extra in (("list_tags_for_resource", {}), ("tag_resource", {"Tags": {"k": "v"}}),
                                ("untag_resource", {"TagKeys": ["k"]})):
                with self.subTest(arn=arn, call=call):
                    with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                        getattr(self.gls, call)(ResourceArn=arn, **extra)
                    self.assertCode(ctx, "ValidationException", 400)

    def test_other_account_sees_its_own_resources_only(self):
        (a, _), _ = self.resources()
        other = self.server.client(access_key="444455556666", retries=False)
        mine = other.create_application(Description="Other account", ExecutablePath="x.exe",
                                        RuntimeEnvironment={"Type": "WINDOWS", "Version": "2022"},
                                        ApplicationSourceUri="s3://b/x", Tags={"who": "other"})
        self.assertTrue(mine["Arn"].startswith("arn:aws:gameliftstreams:us-west-2:444455556666:application/"))
        self.assertEqual(other.list_tags_for_resource(ResourceArn=mine["Arn"])["Tags"], {"who": "other"})
        with self.assertRaises(other.exceptions.AccessDeniedException):
            other.list_tags_for_resource(ResourceArn=a)

    def test_deleting_a_resource_deletes_its_tags(self):
        app = self.ready_app(Tags={"team": "gone"})
        group = self.active_group(Tags={"team": "gone"})
        self.gls.delete_application(Identifier=app)
        self.gls.delete_stream_group(Identifier=group)
        self.advance(max(APP_DELETING, GROUP_DELETING) + 0.5)
        for arn in (app_arn(app), group_arn(group)):
            with self.subTest(arn=arn):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.gls.list_tags_for_resource(ResourceArn=arn)
                self.assertCode(ctx, "ValidationException", 400)


if __name__ == "__main__":
    unittest.main()
