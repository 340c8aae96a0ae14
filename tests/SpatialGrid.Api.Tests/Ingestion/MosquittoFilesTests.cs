using SpatialGrid.Api.Ingestion;

namespace SpatialGrid.Api.Tests.Ingestion;

public sealed class MosquittoFilesTests
{
    [Fact]
    public void Passwords_are_hashed_as_mosquitto_passwd_hashes_them()
    {
        // From Debian's mosquitto_passwd 2.0.11: `mosquitto_passwd -b pw alice s3cret`.
        const string expected = "$7$101$Rt+9Hnx9bPtoG6Zg$SaKimZopFZD2qStA1q43h6tIXLSUJUGDsAukJKW80qGL9BotjAmX/mkoZat+Wnfyf0UaZCRM1bwPXwptWTl2iA==";
        Assert.Equal(expected, MosquittoFiles.Hash("s3cret", Convert.FromBase64String("Rt+9Hnx9bPtoG6Zg")));
        Assert.NotEqual(MosquittoFiles.Hash("s3cret"), MosquittoFiles.Hash("s3cret"));
    }

    [Fact]
    public void The_acl_lets_each_gateway_write_only_under_its_own_prefix()
    {
        var acl = MosquittoFiles.AclFile([("gw-b", ["310104"]), ("gw-a", [])], "spatialgrid");
        Assert.Contains("user gw-a\ntopic write sg/v1/gw/gw-a/#\n", acl);
        Assert.Contains("topic read sg/v1/gw/gw-b/rejects", acl);
        // A gateway of one district reads the live topics of that district; one of every district reads them all (#23).
        Assert.Contains("topic read sg/v1/gw/gw-b/rejects\ntopic read sg/v1/cases/310104/#\ntopic read sg/v1/patrols/310104/#\n", acl);
        Assert.Contains("topic read sg/v1/gw/gw-a/rejects\ntopic read sg/v1/cases/#\ntopic read sg/v1/patrols/#\n", acl);
        Assert.DoesNotContain("topic write sg/v1/gw/+/alert", acl);
        Assert.True(acl.IndexOf("user gw-a", StringComparison.Ordinal) < acl.IndexOf("user gw-b", StringComparison.Ordinal));
        var passwd = MosquittoFiles.PasswordFile([("gw-a", "$7$101$x$y")], "spatialgrid", "pw");
        Assert.StartsWith("spatialgrid:$7$101$", passwd);
        Assert.EndsWith("gw-a:$7$101$x$y\n", passwd);
    }
}
