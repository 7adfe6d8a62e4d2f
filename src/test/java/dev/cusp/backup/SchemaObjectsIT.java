package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void codeNamingItsOwnDatabaseNamesTheDatabaseItIsMadeIn() throws Exception {
        TenantService.Created t = site.newTenant("qual");
        String name = t.tenant().name();
        String db = t.tenant().dbName();
        // Every body names the practice's own database, unquoted and quoted; the trigger's head too.
        asTenant(t.tenant(), s -> {
            s.execute("CREATE TABLE visit_note (id INT PRIMARY KEY, txt VARCHAR(40))");
            s.execute("CREATE TABLE note_log (id INT)");
            s.execute("CREATE FUNCTION notes() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM " + db
                    + ".visit_note)");
            s.execute("CREATE PROCEDURE add_note(IN i INT) INSERT INTO `" + db + "`.`visit_note` VALUES (i, 'p')");
            s.execute("CREATE TRIGGER " + db + ".note_logged AFTER INSERT ON " + db + ".visit_note FOR EACH ROW"
                    + " INSERT INTO `" + db + "`.note_log VALUES (NEW.id)");
            s.execute("CREATE EVENT " + db + ".purge ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM " + db
                    + ".visit_note WHERE id < 0");
            s.execute("CALL add_note(1)");
        });
        assertThat(BackupDrillIT.cusp("backup", "now", name).exit()).isZero();
        BackupStore.Stored b = site.site.backups().list(name).getLast();
        BackupDrillIT.Run drill = BackupDrillIT.cusp("backup", "verify", name);
        assertThat(drill.exit()).as(drill.out() + drill.err()).isZero();

        // Made in a scratch copy (what a drill and a restore's staging proof do): they name the copy, not the live practice.
        String scratch = "qualscratch_" + System.nanoTime() % 100000;
        site.site.backups().reader().load(b, scratch, BackupReader.LoadOptions.TABLES_ONLY);
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            SchemaObjects.make(c, b, scratch, t.tenant().dbUser(), SchemaObjects.read(b), false);
            assertThat(bodies(scratch)).containsOnlyKeys("function notes", "procedure add_note")
                    .allSatisfy((k, v) -> assertThat(v).as(k).contains(scratch).doesNotContain(db));
        } finally {
            site.site.backups().reader().drop(scratch);
        }

        Tenant copy = restoreAs(t, "qualas");
        assertThat(bodies(copy.dbName())).containsOnlyKeys("function notes", "procedure add_note", "event purge",
                "trigger note_logged").allSatisfy((k, v) -> assertThat(v).as(k).contains(copy.dbName())
                .doesNotContain(db));
        assertThat(definers(copy.dbName())).allSatisfy((k, v) -> assertThat(v).as(k)
                .isIn(copy.dbUser() + "@127.0.0.1", copy.dbUser() + "@localhost"));
        // The live practice goes on to three notes; the copy reads and writes its own.
        asTenant(t.tenant(), s -> {
            s.execute("CALL add_note(2)");
            s.execute("CALL add_note(3)");
        });
        asTenant(copy, s -> {
            assertThat(rows(s, "SELECT notes()")).containsExactly("1");
            s.execute("CALL add_note(7)");
            assertThat(rows(s, "SELECT notes()")).containsExactly("2");
            assertThat(rows(s, "SELECT id FROM note_log ORDER BY id")).containsExactly("1", "7");
        });
        asTenant(t.tenant(), s -> {
            assertThat(rows(s, "SELECT notes()")).containsExactly("3");
            assertThat(rows(s, "SELECT id FROM note_log ORDER BY id")).containsExactly("1", "2", "3");
        });
    }

    @Test
    void aBackupFromBeforeBackupsCarriedThemKeepsTheLivePracticesViewsRoutinesAndEvents() throws Exception {
        TenantService.Created t = site.newTenant("oldbk");
        String name = t.tenant().name();
        asTenant(t.tenant(), s -> {
            s.execute("CREATE TABLE visit_note (id INT PRIMARY KEY, txt VARCHAR(40))");
            s.execute("CREATE FUNCTION shout(x VARCHAR(40)) RETURNS VARCHAR(50) RETURN CONCAT(UPPER(x), '!')");
            s.execute("CREATE VIEW loud AS SELECT id, shout(txt) AS t FROM visit_note");
            s.execute("CREATE PROCEDURE add_note(IN i INT, IN x VARCHAR(40)) INSERT INTO visit_note VALUES (i, x)");
            s.execute("CREATE EVENT purge_notes ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM visit_note WHERE id < 0");
            s.execute("CALL add_note(1, 'hello')");
        });
        assertThat(BackupDrillIT.cusp("backup", "now", name).exit()).isZero();
        BackupStore.Stored b = site.site.backups().list(name).getLast();
        // Made as backups were before they carried views, routines and events: no entry, no file.
        // The manifest has no checksum of its own; each file's is in it.
        Path manifest = b.folder().resolve(BackupStore.MANIFEST);
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(Files.readString(manifest));
        ArrayNode files = (ArrayNode) m.get("files");
        for (int i = files.size() - 1; i >= 0; i--) {
            if (SchemaObjects.KIND.equals(files.get(i).path("kind").asText())) {
                files.remove(i);
            }
        }
        Files.writeString(manifest, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m));
        Files.delete(b.folder().resolve(SchemaObjects.PATH));
        b = BackupStore.open(b.folder());
        assertThat(SchemaObjects.carried(b)).isFalse();
        assertThat(SchemaObjects.read(b)).isEmpty();
        // Changed after the backup: a row, and a view made since.
        asTenant(t.tenant(), s -> {
            s.execute("CALL add_note(2, 'later')");
            s.execute("CREATE VIEW late AS SELECT id FROM visit_note");
        });
        Map<String, String> before = definers(t.tenant().dbName());

        BackupDrillIT.Run restored = BackupDrillIT.cusp("tenant", "restore", name, "--backup", b.manifest().id());
        assertThat(restored.exit()).as(restored.out() + restored.err()).isZero();
        assertThat(restored.out()).contains("carries no views, routines or events")
                .contains("current views, routines and events were kept");
        // The tables are the backup's; the practice's code is as it was just before, and works.
        assertThat(definers(t.tenant().dbName())).isEqualTo(before).containsKeys("view loud", "view late",
                "function shout", "procedure add_note", "event purge_notes");
        asTenant(t.tenant(), s -> {
            assertThat(rows(s, "SELECT t FROM loud ORDER BY id")).containsExactly("HELLO!");
            assertThat(rows(s, "SELECT COUNT(*) FROM late")).containsExactly("1");
        });

        // Into a new practice: it gets none, and the result says so; the live one keeps its own.
        String admin = Files.readString(site.site.home().cliToken()).trim();
        String as = "oldbkas" + System.nanoTime() % 100000;
        TestSite.Response r = site.call("POST", "/api/v1/admin/tenants/" + name + "/restore", admin,
                Map.of("as", as, "backup", b.manifest().id()));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        TestSite.Response done = awaitJob(admin, r.json().get("id").asText());
        assertThat(done.json().path("result").toString())
                .contains("carries no views, routines or events").contains(as + " has none")
                .contains(name + " keeps its own");
        Tenant copy = site.site.tenants().registry().require(as);
        assertThat(definers(copy.dbName())).isEmpty();
        assertThat(definers(t.tenant().dbName())).isEqualTo(before);
    }

    /** Kind and name to the body of every routine, event and trigger of {@code db} (information_schema only). */
    private static Map<String, String> bodies(String db) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT LOWER(routine_type), routine_name, routine_definition FROM"
                     + " information_schema.routines WHERE routine_schema = '" + db + "' UNION ALL SELECT 'event',"
                     + " event_name, event_definition FROM information_schema.events WHERE event_schema = '" + db + "'"
                     + " UNION ALL SELECT 'trigger', trigger_name, action_statement FROM information_schema.triggers"
                     + " WHERE trigger_schema = '" + db + "' AND trigger_name = 'note_logged'")) {
            while (rs.next()) {
                out.put(rs.getString(1) + " " + rs.getString(2), rs.getString(3));
            }
        }
        return out;
    }

    private static TestSite.Response awaitJob(String admin, String id) {
        TestSite.Response[] done = new TestSite.Response[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
            done[0] = site.call("GET", "/api/v1/admin/jobs/" + id, admin, null);
            return !"running".equals(done[0].json().path("state").asText());
        });
        assertThat(done[0].json().path("state").asText()).as(done[0].body()).isEqualTo("succeeded");
        return done[0];
    }

    /** Restores {@code t} as a new practice named from {@code prefix}, through the admin API; returns it. */
    private static Tenant restoreAs(TenantService.Created t, String prefix) throws Exception {
        String admin = Files.readString(site.site.home().cliToken()).trim();
        String as = prefix + System.nanoTime() % 100000;
        TestSite.Response r = site.call("POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/restore", admin,
                Map.of("as", as, "backup", site.site.backups().list(t.tenant().name()).getLast().manifest().id()));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        awaitJob(admin, r.json().get("id").asText());
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
