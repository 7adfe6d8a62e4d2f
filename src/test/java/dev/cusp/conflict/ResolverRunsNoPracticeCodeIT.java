package dev.cusp.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import dev.cusp.wire.Row;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conflict resolver works as the site's admin account with the binary log off, so it
 * cannot work as the practice: every row it reads or writes must be in a base table. Here the
 * practice has put {@code SQL SECURITY INVOKER} views calling an {@code INVOKER} function in
 * place of {@code carrier} and {@code row_tombstone}; each of the resolver's steps on a real
 * node, as the admin account, is refused and the function never runs as admin. The same steps
 * on a practice whose tables are intact still work.
 */
class ResolverRunsNoPracticeCodeIT {
    static TestSite site;
    static TenantService.Created trap;
    static TenantService.Created plain;

    @BeforeAll
    static void practiceSetsItsTrap() throws Exception {
        site = TestSite.shared();
        trap = site.newTenant("resolvetrap");
        plain = site.newTenant("resolveok");
        try (Connection c = practice(trap); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE deputy_marker (who VARCHAR(200) NOT NULL)");
            s.execute("CREATE FUNCTION deputy() RETURNS INT SQL SECURITY INVOKER MODIFIES SQL DATA BEGIN"
                    + " INSERT INTO `" + trap.tenant().dbName() + "`.deputy_marker (who) VALUES (CURRENT_USER());"
                    + " RETURN 1; END");
            s.execute("INSERT INTO carrier (id, name) VALUES (1, 'Theirs')");
            s.execute("RENAME TABLE carrier TO carrier_real");
            s.execute("CREATE SQL SECURITY INVOKER VIEW carrier AS SELECT * FROM carrier_real WHERE deputy() = 1"
                    + " WITH CHECK OPTION");
            s.execute("RENAME TABLE row_tombstone TO row_tombstone_real");
            s.execute("CREATE SQL SECURITY INVOKER VIEW row_tombstone AS SELECT r.* FROM (SELECT deputy() AS d) x"
                    + " LEFT JOIN row_tombstone_real r ON TRUE");
        }
        try (Connection c = practice(plain); Statement s = c.createStatement()) {
            s.execute("INSERT INTO carrier (id, name) VALUES (1, 'Theirs')");
        }
    }

    static Connection practice(TenantService.Created t) throws Exception {
        return DriverManager.getConnection(site.site.tenants().jdbc().url(t.tenant().dbName()), t.tenant().dbUser(),
                t.dbPassword());
    }

    static List<String> ranAs() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = practice(trap); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT who FROM deputy_marker")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static ApplierStop stop(String db, String kind) {
        return new ApplierStop("peer", "missing".equals(kind) ? 1032 : 1644, "test", "0-1-1", db, "carrier", kind,
                "missing".equals(kind) ? null : 1L, "-", "-", null, null);
    }

    @Test
    void everyStepOfTheResolverRefusesAViewAndRunsNoPracticeCode() throws Exception {
        String db = trap.tenant().dbName();
        RowSteps rows = new RowSteps("here", false);
        try (Connection c = site.site.node().adminConnection()) {
            assertThat(RowImages.stamped(c, db, "carrier")).as("the view passes the column check").isTrue();
            for (ApplierStop st : List.of(stop(db, "update"), stop(db, "delete"), stop(db, "missing"))) {
                assertThatThrownBy(() -> rows.prepare(c, st, "there")).as(st.kind()).isInstanceOf(CuspException.class)
                        .hasMessageContaining(db).hasMessageContaining("not a base table");
            }
            assertThatThrownBy(() -> RowImages.write(c, db, "carrier", new Row(Map.of("id", 1, "name", "Mine")), false))
                    .hasMessageContaining("carrier").hasMessageContaining("view");
            assertThatThrownBy(() -> RowImages.delete(c, db, "carrier", 1)).isInstanceOf(CuspException.class);
            // Its conflict log is still a table: the record is written there.
            ConflictLog.record(c, db, new Conflict("here", "update-update", "carrier", 1L, "here", "update", "{}",
                    "there", "update", "{}", "incoming", Conflict.NEWEST, "0-1-1"));
            assertThat(c.getAutoCommit()).as("the connection is left as it was").isTrue();
        }
        assertThat(ranAs()).as("accounts the practice's function ran as")
                .noneMatch(who -> who.startsWith("cusp_admin@") || who.startsWith("root@"));
        try (Connection c = practice(trap); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM carrier_real WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Theirs");
        }
    }

    @Test
    void theSameStepsStillWorkOnBaseTables() throws Exception {
        String db = plain.tenant().dbName();
        try (Connection c = site.site.node().adminConnection()) {
            assertThat(RowImages.read(c, db, "carrier", "id", "1")).get().asString().contains("Theirs");
            RowImages.write(c, db, "carrier", new Row(Map.of("id", 1, "name", "Mine")), false);
            assertThat(RowImages.read(c, db, "carrier", "id", "1")).get().asString().contains("Mine");
            RowImages.delete(c, db, "carrier", 1);
            assertThat(RowImages.read(c, db, "carrier", "id", "1")).isEmpty();
            assertThat(c.getAutoCommit()).isTrue();
        }
    }
}
