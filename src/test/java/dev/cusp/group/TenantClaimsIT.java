package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.addPatient;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.awaitLinks;
import static dev.cusp.group.GroupSites.closeAll;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.login;
import static dev.cusp.group.GroupSites.twoPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real peers, a and b: a tenant's name and id are claimed at every peer before it is made,
 * so the same practice can never be created at two sites (its registry row would stop
 * replication when they meet). Refusals change nothing; with a peer unreachable, creation waits
 * and everything else goes on.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantClaimsIT {
    static TestSite a;
    static TestSite b;

    @BeforeAll
    static void start() throws Exception {
        TestSite[] pair = twoPeers("claims");
        a = pair[0];
        b = pair[1];
    }

    @AfterAll
    static void stop() {
        closeAll(b, a);
    }

    private static void sql(TestSite s, String statement) throws Exception {
        try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static TestSite.Response create(TestSite s, String name, int id) throws Exception {
        return admin(s, "POST", "/api/v1/admin/tenants", Map.of("name", name, "id", id));
    }

    private static void assertNothingMade(TestSite s, String name, int id) throws Exception {
        assertThat(s.site.tenants().registry().find(name)).as(name + " in the registry").isEmpty();
        assertThat(count(s, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'od_" + name + "_"
                + id + "'")).as("database of " + name).isZero();
        assertThat(count(s, "SELECT COUNT(*) FROM mysql.user WHERE user = 'od_" + name + "_" + id + "'")).isZero();
    }

    @Test
    @Order(1)
    void aNameOrIdAnotherPeerHasIsRefusedBeforeAnythingIsMade() throws Exception {
        // a does not hear of b's new tenant yet: its link from b is stopped.
        sql(a, "STOP SLAVE 'b'");
        try {
            TestSite.Response made = create(b, "claimed", 424242);
            assertThat(made.status()).as(made.body()).isEqualTo(201);

            TestSite.Response sameName = create(a, "claimed", 424243);
            assertThat(sameName.status()).as(sameName.body()).isEqualTo(409);
            assertThat(sameName.json().at("/error/field").asText()).isEqualTo("name");
            assertThat(sameName.json().at("/error/message").asText()).contains("tenant 'claimed' already exists at site b");
            assertNothingMade(a, "claimed", 424243);

            TestSite.Response sameId = create(a, "other", 424242);
            assertThat(sameId.status()).as(sameId.body()).isEqualTo(409);
            assertThat(sameId.json().at("/error/field").asText()).isEqualTo("id");
            assertThat(sameId.json().at("/error/message").asText())
                    .contains("tenant id 424242 is used by tenant 'claimed' at site b");
            assertNothingMade(a, "other", 424242);
        } finally {
            sql(a, "START SLAVE 'b'");
        }
        awaitConverged(a, b);
        assertThat(a.site.tenants().registry().find("claimed")).isPresent();
        awaitLinks(a, 1);
        awaitLinks(b, 1);
    }

    @Test
    @Order(2)
    void aNameOrIdBeingMadeAtAnotherSiteIsRefused() throws Exception {
        // As b answers while a makes "racing": b holds a's claim until a is done.
        b.site.group().tenantClaims().claimFor("a", "racing", 515151);
        TestSite.Response name = create(b, "racing", 515152);
        assertThat(name.status()).as(name.body()).isEqualTo(409);
        assertThat(name.json().at("/error/message").asText()).contains("tenant 'racing' is being created at site a");
        TestSite.Response id = create(b, "racer", 515151);
        assertThat(id.status()).as(id.body()).isEqualTo(409);
        assertThat(id.json().at("/error/field").asText()).isEqualTo("id");
        assertNothingMade(b, "racing", 515152);
        assertNothingMade(b, "racer", 515151);
        // The claimant itself may go on (a retry of its own creation); when it is done, others may.
        b.site.group().tenantClaims().claimFor("a", "racing", 515151);
        b.site.group().tenantClaims().releaseFor("a", "racing", 515151);
        TestSite.Response after = create(b, "racing", 515152);
        assertThat(after.status()).as(after.body()).isEqualTo(201);
    }

    @Test
    @Order(3)
    void aClaimOrReleaseWithoutAWholeNumberIdIsRefusedNamingTheField() {
        Member atB = a.site.group().member("b").orElseThrow();
        for (String path : List.of(TenantClaims.PEER_PATH, TenantClaims.RELEASE_PATH)) {
            for (Object bad : List.of("515151", 1.5, 99_999_999_999L)) {
                assertThatThrownBy(() -> a.site.group().peers.call(atB, "POST", path, Map.of("name", "x", "id", bad),
                        Duration.ofSeconds(10)))
                        .as(path + " with id " + bad)
                        .isInstanceOfSatisfying(CuspException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                            assertThat(e.field()).isEqualTo("id");
                            assertThat(e.getMessage()).contains("id must be a whole number");
                        });
            }
        }
        // A missing id is refused the same way, and nothing was claimed: "x" can still be made at b.
        assertThatThrownBy(() -> a.site.group().peers.call(atB, "POST", TenantClaims.RELEASE_PATH,
                Map.of("name", "x"), Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(CuspException.class, e -> assertThat(e.field()).isEqualTo("id"));
    }

    @Test
    @Order(4)
    void withAPeerUnreachableCreationWaitsAndEverythingElseGoesOn() throws Exception {
        TenantService.Created t = a.newTenant("running");
        awaitConverged(a, b);
        b.close();
        b = null;

        TestSite.Response refused = create(a, "lonely", 616161);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.json().at("/error/message").asText()).contains("tenant 'lonely' cannot be created now")
                .contains("site b cannot confirm").contains("cusp site remove b");
        assertNothingMade(a, "lonely", 616161);
        // A practice's own work does not wait for b.
        addPatient(a, t.tenant().name(), login(a, t), "WhileBIsAway");

        TestSite.Response removed = admin(a, "DELETE", "/api/v1/admin/group/sites/b", null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        TestSite.Response made = create(a, "lonely", 616161);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
    }
}
