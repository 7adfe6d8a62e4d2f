package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cusp.support.TestSite;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A practice's own views, routines, triggers and events go into its backup and come back with
 * a restore ({@code --as}) and a drill, made with the practice's own user as definer and
 * working for it; one the practice (or anyone) gave another definer never comes back as that
 * definer. The site's admin account never runs any of them: the view calls a function that
 * would fail for the admin if it ran as the admin (it reads {@code CURRENT_USER()}).
 */
class SchemaObjectsIT {
    static final TestSite site = TestSite.shared();

    @Test
    void viewsRoutinesTriggersAndEventsAreBackedUpRestoredAsTheNewPracticeAndPassADrill() throws Exception {
        TenantService.Created t = site.newTenant("coded");
        String name = t.tenant().name();
        asTenant(t.tenant(), s -> {
            s.execute("CREATE TABLE visit_note (id INT PRIMARY KEY, txt VARCHAR(40))");
            // The canary: whoever runs the function (INVOKER: as themselves) is written down.
            s.execute("CREATE TABLE ran_as (who VARCHAR(200))");
            s.execute("CREATE FUNCTION shout(x VARCHAR(40)) RETURNS VARCHAR(50) SQL SECURITY INVOKER"
                    + " BEGIN INSERT INTO ran_as VALUES (CURRENT_USER()); RETURN CONCAT(UPPER(x), '!'); END");
            s.execute("CREATE SQL SECURITY INVOKER VIEW loud AS SELECT id, shout(txt) AS t FROM visit_note");
            // Made before the view it names sorts after it: the load finds the order.
            s.execute("CREATE VIEW a_first_loud AS SELECT t FROM loud WHERE id = 1");
            s.execute("CREATE PROCEDURE add_note(IN i INT, IN x VARCHAR(40)) INSERT INTO visit_note VALUES (i, x)");
            s.execute("CREATE TRIGGER note_trim BEFORE INSERT ON visit_note FOR EACH ROW SET NEW.txt = TRIM(NEW.txt)");
            s.execute("CREATE EVENT purge_notes ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM visit_note WHERE id < 0");
            s.execute("CALL add_note(1, '  hello ')");
        });

        assertThat(BackupDrillIT.cusp("backup", "now", name).exit()).isZero();
        BackupStore.Stored b = site.site.backups().list(name).get(0);
        assertThat(b.manifest().files()).anyMatch(f -> f.kind().equals(SchemaObjects.KIND));
        assertThat(SchemaObjects.read(b)).extracting(SchemaObjects.Definition::name)
                .containsExactlyInAnyOrder("shout", "add_note", "loud", "a_first_loud", "purge_notes");
        assertThat(SchemaObjects.read(b)).allMatch(d -> !d.create().contains(t.tenant().dbName() + "`."),
                "no definition names the practice's database");

        BackupDrillIT.Run drill = BackupDrillIT.cusp("backup", "verify", name);
        assertThat(drill.exit()).as(drill.out() + drill.err()).isZero();
        assertThat(BackupDrillIT.scratchDatabases()).isZero();

        Tenant copy = restoreAs(t, "codedas");
        assertThat(definers(copy.dbName())).containsOnlyKeys("view loud", "view a_first_loud", "function shout",
                "procedure add_note", "event purge_notes", "trigger note_trim")
                .allSatisfy((k, v) -> assertThat(v).as(k).isIn(copy.dbUser() + "@127.0.0.1", copy.dbUser() + "@localhost"));
        asTenant(copy, s -> {
            s.execute("CALL add_note(2, ' world  ')");
            assertThat(rows(s, "SELECT t FROM loud ORDER BY id")).containsExactly("HELLO!", "WORLD!");
            assertThat(rows(s, "SELECT t FROM a_first_loud")).containsExactly("HELLO!");
            assertThat(rows(s, "SELECT DISTINCT who FROM ran_as")).allMatch(w -> w.startsWith(copy.dbUser() + "@"));
        });
        // The live practice keeps its own, untouched; nothing ran its function but the practice.
        assertThat(definers(t.tenant().dbName())).allSatisfy((k, v) -> assertThat(v).startsWith(t.tenant().dbUser() + "@"));
        asTenant(t.tenant(), s -> assertThat(rows(s, "SELECT COUNT(*) FROM ran_as")).containsExactly("0"));
    }

    @Test
    void anObjectWithAnotherDefinerComesBackAsThePracticesOwnOrNotAtAll() throws Exception {
        TenantService.Created t = site.newTenant("definer");
        TenantService.Created other = site.newTenant("victim");
        String db = t.tenant().dbName();
        // The practice itself cannot name another definer: MariaDB refuses it.
        assertThatThrownBy(() -> asTenant(t.tenant(), s -> s.execute("CREATE DEFINER=`cusp_admin`@`localhost`"
                + " SQL SECURITY DEFINER VIEW grab AS SELECT user FROM mysql.user")))
                .isInstanceOf(SQLException.class).hasMessageContaining("denied");
        // Whatever way such objects got there (a bug, a hand-made change, an old import), they are in
        // the database: a view running as the admin, one as another practice, a routine as the admin.
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("USE `" + db + "`");
            s.execute("CREATE DEFINER=`cusp_admin`@`localhost` SQL SECURITY DEFINER VIEW grab AS"
                    + " SELECT user FROM mysql.user");
            s.execute("CREATE DEFINER=`" + other.tenant().dbUser() + "`@`127.0.0.1` SQL SECURITY DEFINER VIEW"
                    + " borrow AS SELECT last_name FROM patient");
            s.execute("CREATE DEFINER=`" + other.tenant().dbUser() + "`@`127.0.0.1` SQL SECURITY DEFINER VIEW"
                    + " peek AS SELECT last_name FROM `" + other.tenant().dbName() + "`.patient");
            s.execute("CREATE DEFINER=`cusp_admin`@`localhost` PROCEDURE elevate() SQL SECURITY DEFINER"
                    + " SELECT COUNT(*) FROM mysql.user");
        }
        assertThat(BackupDrillIT.cusp("backup", "now", t.tenant().name()).exit()).isZero();

        Tenant copy = restoreAs(t, "defineras");
        Map<String, String> definers = definers(copy.dbName());
        assertThat(definers).containsKeys("view grab", "view borrow", "procedure elevate");
        // A view naming another practice's database is not made again: the rebuilt practice holds none.
        assertThat(definers).doesNotContainKey("view peek");
        assertThat(definers).allSatisfy((k, v) -> assertThat(v).as(k)
                .isIn(copy.dbUser() + "@127.0.0.1", copy.dbUser() + "@localhost"));
        // Running as the new practice, they reach nothing beyond it.
        asTenant(copy, s -> assertThat(rows(s, "SELECT COUNT(*) FROM borrow")).hasSize(1));
        for (String sql : List.of("SELECT * FROM grab", "CALL elevate()")) {
            assertThatThrownBy(() -> asTenant(copy, s -> s.execute(sql))).as(sql).isInstanceOf(SQLException.class);
        }
    }

    /** Restores {@code t} as a new practice named from {@code prefix}, through the admin API; returns it. */
    private static Tenant restoreAs(TenantService.Created t, String prefix) throws Exception {
        String admin = Files.readString(site.site.home().cliToken()).trim();
        String as = prefix + System.nanoTime() % 100000;
        TestSite.Response r = site.call("POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/restore", admin,
                Map.of("as", as, "backup", site.site.backups().list(t.tenant().name()).getLast().manifest().id()));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("id").asText();
        TestSite.Response[] done = new TestSite.Response[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
            done[0] = site.call("GET", "/api/v1/admin/jobs/" + id, admin, null);
            return !"running".equals(done[0].json().path("state").asText());
        });
        assertThat(done[0].json().path("state").asText()).as(done[0].body()).isEqualTo("succeeded");
        return site.site.tenants().registry().require(as);
    }

    /** Kind and name to definer of every view, routine, event and trigger of {@code db} (information_schema only). */
    private static Map<String, String> definers(String db) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 'view', table_name, definer FROM information_schema.views WHERE"
                     + " table_schema = '" + db + "' UNION ALL SELECT LOWER(routine_type), routine_name, definer FROM"
                     + " information_schema.routines WHERE routine_schema = '" + db + "' UNION ALL SELECT 'event',"
                     + " event_name, definer FROM information_schema.events WHERE event_schema = '" + db + "'"
                     + " UNION ALL SELECT 'trigger', trigger_name, definer FROM information_schema.triggers WHERE"
                     + " trigger_schema = '" + db + "' AND trigger_name = 'note_trim'")) {
            while (rs.next()) {
                out.put(rs.getString(1) + " " + rs.getString(2), rs.getString(3));
            }
        }
        return out;
    }

    interface Work {
        void run(Statement s) throws SQLException;
    }

    /** Runs {@code work} as the practice's own database user (its pool, in its database). */
    private static void asTenant(Tenant t, Work work) throws SQLException {
        try (TenantPools.Lease l = site.site.pools().lease(t); Statement s = l.connection().createStatement()) {
            work.run(s);
        }
    }

    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
