package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.replication.GtidPos;
import dev.cusp.site.SiteIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of the site watch: identity clashes, the clock estimate, and what is remembered. */
class SiteWatchTest {
    static Member member(String name, long serverId, long domain, Integer offset, int seq) {
        return new Member(name, offset == null ? Member.REPLICA : Member.PEER, Member.ACTIVE, "https://" + name, "h", 1,
                "pem", serverId, domain, offset, null, null, seq, "0.1.0");
    }

    static final Member A = member("a", 11, 101, 1, 1);
    static final Member B = member("b", 22, 202, 2, 2);

    @Test
    void aSiteRunningWithAnotherMembersOrANewIdentityClashes() {
        List<Member> all = List.of(A, B);
        assertThat(IdentityClash.local(new SiteIdentity("b", 22, 202, 1, "t"), B, all)).isEmpty();
        assertThat(IdentityClash.local(new SiteIdentity("b", 11, 101, 1, "t"), B, all)).get().asString()
                .contains("site a has the same server_id");
        assertThat(IdentityClash.local(new SiteIdentity("b", 33, 101, 1, "t"), B, all)).get().asString()
                .contains("the same gtid_domain_id");
        assertThat(IdentityClash.local(new SiteIdentity("b", 33, 303, 1, "t"), B, all)).get().asString()
                .contains("joined the group with 22 and 202");
        Member twin = member("c", 33, 303, 2, 3);
        assertThat(IdentityClash.local(new SiteIdentity("c", 33, 303, 1, "t"), twin, List.of(A, B, twin))).get()
                .asString().contains("key offset 2, as site b");
        assertThat(IdentityClash.local(new SiteIdentity("b", 22, 202, 1, "t"), B, List.of(A, B, twin)))
                .as("the one that joined first keeps its offset").isEmpty();
    }

    @Test
    void aMemberAnsweringWithAnIdentityNotItsOwnIsAClone() {
        SiteIdentity me = new SiteIdentity("a", 11, 101, 1, "t");
        List<Member> all = List.of(A, B);
        assertThat(IdentityClash.remote(B, 22, 202, me, all)).isEmpty();
        assertThat(IdentityClash.remote(B, 11, 101, me, all)).get().asString().contains("as this site (a)");
        assertThat(IdentityClash.remote(B, 44, 404, me, all)).get().asString().contains("joined the group with");
        Member c = member("c", 33, 303, 3, 3);
        assertThat(IdentityClash.remote(c, 22, 303, me, List.of(A, B, c))).get().asString()
                .contains("the same as site b's");
        Member replica = member("r", 55, 505, null, 4);
        assertThat(IdentityClash.remote(replica, 55, 505, me, List.of(A, B, replica))).isEmpty();
    }

    @Test
    void theClockEstimateIsTheShortestRoundTripsMiddle() {
        ClockSkew c = new ClockSkew();
        // Answer read at peer time 10_500 for a request sent at 1000 and answered at 1200: offset 9400.
        assertThat(ClockSkew.sample(1000, 10_500, 1200)).isEqualTo(new ClockSkew.Sample(9400, 200));
        c.add("b", new ClockSkew.Sample(6000, 900));
        c.add("b", new ClockSkew.Sample(5000, 20));
        c.add("b", new ClockSkew.Sample(4000, 400));
        assertThat(c.best("b").offsetMs()).isEqualTo(5000);
        for (int i = 0; i < ClockSkew.SAMPLES; i++) {
            c.add("b", new ClockSkew.Sample(10, 30));
        }
        assertThat(c.offsets()).isEqualTo(Map.of("b", 0.01));
        assertThat(c.best("x")).isNull();
    }

    @Test
    void aPositionSeenBeforeIsRememberedAcrossRestartsAndANewSeedStartsAfresh(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("site/watch.json");
        WatchMemory m = new WatchMemory(f);
        assertThat(m.observe("b", "s1", GtidPos.parse("1-1-10,2-2-5"))).isNull();
        assertThat(m.observe("b", "s1", GtidPos.parse("1-1-12,2-2-5"))).isNull();
        m = new WatchMemory(f);
        assertThat(m.observe("b", "s1", GtidPos.parse("1-1-11,2-2-6"))).as("went back in domain 1")
                .isEqualTo(GtidPos.parse("1-1-12,2-2-5"));
        assertThat(m.observe("b", "s2", GtidPos.parse("1-1-3"))).as("re-seeded").isNull();
        m.remember("rollback:b", new WatchMemory.Finding("ROLLED_BACK", "b", "s2", "m1", "fix"));
        m.remember("rollback:b", new WatchMemory.Finding("ROLLED_BACK", "b", "s2", "m2", "fix"));
        assertThat(new WatchMemory(f).findings(Map.of()).get("rollback:b").message()).as("kept as found")
                .isEqualTo("m1");
        assertThat(m.findings(Map.of("b", "s2"))).containsKey("rollback:b");
        assertThat(m.findings(Map.of("b", "s3"))).as("b was re-seeded since").isEmpty();
        assertThat(Files.getPosixFilePermissions(f).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }
}
