package dev.cusp.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The query window on the shared (standalone, writable) site: reports run with a row and a time
 * limit, as the practice's own database user; every trick is refused with a 400 naming the
 * reason, and nothing of it runs.
 */
class QueryWindowIT {
    static TestSite site;
    static TenantService.Created practice;
    static String name;
    static String db;
    static String token;

    static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> SITE_LOG =
            new ch.qos.logback.core.read.ListAppender<>();

    @BeforeAll
    static void setUp() {
        SITE_LOG.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(QueryWindow.class)).addAppender(SITE_LOG);
        site = TestSite.shared();
        practice = site.newTenant("qw");
        name = practice.tenant().name();
        db = practice.tenant().dbName();
        token = site.login(practice);
        sql("CREATE TABLE keepme (id INT PRIMARY KEY); INSERT INTO keepme VALUES (1)");
    }

    static TestSite.Response query(String sql) {
        return site.call("POST", "/api/v1/t/" + name + "/query", token, Map.of("sql", sql));
    }

    static TestSite.Response query(String sql, int maxRows) {
        return site.call("POST", "/api/v1/t/" + name + "/query", token, Map.of("sql", sql, "max_rows", maxRows));
    }

    /** Runs SQL with the real client as the practice's own database user (set-up and proofs). */
    static String sql(String text) {
        TestSite.ClientResult r = site.mariadb(practice.tenant().dbUser(), practice.dbPassword(), "USE " + db + "; "
                + text);
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output().trim();
    }

    static void refused(String sql, String reason) {
        TestSite.Response r = query(sql);
        assertThat(r.status()).as(sql + " -> " + r.body()).isEqualTo(400);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("INVALID_INPUT");
        assertThat(r.json().path("error").path("field").asText()).isEqualTo("sql");
        assertThat(r.json().path("error").path("message").asText()).as(sql).containsIgnoringCase(reason);
    }

    @Test
    void selectReturnsColumnsAndRowsWithinTheRowLimit() {
        int codes = Integer.parseInt(sql("SELECT COUNT(*) FROM procedure_code"));
        assertThat(codes).isGreaterThan(10);

        TestSite.Response all = query("SELECT code, description FROM procedure_code ORDER BY code");
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.json().path("columns").get(0).path("name").asText()).isEqualTo("code");
        assertThat(all.json().path("rows")).hasSize(codes);
        assertThat(all.json().path("truncated").asBoolean()).isFalse();
        assertThat(all.json().path("max_rows").asInt()).isEqualTo(1000);

        TestSite.Response ten = query("SELECT code FROM procedure_code ORDER BY code", 10);
        assertThat(ten.status()).as(ten.body()).isEqualTo(200);
        assertThat(ten.json().path("rows")).hasSize(10);
        assertThat(ten.json().path("truncated").asBoolean()).isTrue();
        assertThat(ten.json().path("message").asText()).contains("first 10 rows");
        assertThat(ten.json().path("rows").get(0).get(0).asText())
                .isEqualTo(all.json().path("rows").get(0).get(0).asText());

        TestSite.Response over = site.callUnchecked("POST", "/api/v1/t/" + name + "/query", token,
                Map.of("sql", "SELECT 1", "max_rows", 10_001));
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.json().path("error").path("field").asText()).isEqualTo("max_rows");
    }

    @Test
    void joinsSubqueriesCtesUnionAndOwnQualifiedNamesRun() {
        String[] ok = {
            "WITH c AS (SELECT code FROM procedure_code) SELECT COUNT(*) AS n FROM c",
            "SELECT p.code FROM procedure_code p JOIN (SELECT code FROM procedure_code) q ON q.code = p.code LIMIT 3",
            "SELECT 1 AS x UNION SELECT 2 ORDER BY x",
            "SELECT id FROM " + db + ".keepme WHERE id IN (SELECT id FROM `" + db + "`.keepme)",
            "SELECT ';' AS semicolon /* ; DROP TABLE keepme; */ -- ; DROP TABLE keepme",
            "SELECT 'it''s; DROP TABLE keepme' AS s",
            "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db + "'",
            "SHOW TABLES",
            "DESCRIBE keepme",
        };
        for (String s : ok) {
            TestSite.Response r = query(s);
            assertThat(r.status()).as(s + " -> " + r.body()).isEqualTo(200);
        }
        assertThat(query("SELECT 1 AS x UNION SELECT 2 ORDER BY x").json().path("rows").toString())
                .isEqualTo("[[1],[2]]");
        assertThat(query("SELECT ';' AS semicolon /* ; */").json().path("rows").get(0).get(0).asText())
                .isEqualTo(";");
        assertThat(sql("SELECT COUNT(*) FROM keepme")).isEqualTo("1");
    }

    @Test
    void theReviewsStatementRunsNoSleepAndBackslashesAreOrdinary() {
        // The checker reads a name "a\" and a string; so does the server now (ANSI_QUOTES,
        // NO_BACKSLASH_ESCAPES): no such column, and SLEEP never runs.
        TestSite.Response r = query("SELECT \"a\\\", 'x\", SLEEP(3) # ' FROM keepme");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().at("/error/message").asText()).contains("Unknown column 'a\\'");
        TestSite.Response path = query("SELECT 'C:\\dir\\' AS p, 'it''s' AS q");
        assertThat(path.status()).as(path.body()).isEqualTo(200);
        assertThat(path.json().path("rows").toString()).isEqualTo("[[\"C:\\\\dir\\\\\",\"it's\"]]");
        refused("SELECT 'it\\'s'", "backslash is an ordinary character");
        TestSite.Response dq = query("SELECT id FROM keepme WHERE id = \"1\"");
        assertThat(dq.status()).as(dq.body()).isEqualTo(400);
        assertThat(dq.json().at("/error/message").asText()).contains("double quotes name columns");
        refused("SELECT * FROM keepme PROCEDURE ANALYSE()", "PROCEDURE ANALYSE");
        refused("SELECT IS_USED_LOCK('x')", "named locks");
    }

    @Test
    void theWindowsSessionModeNeverReachesThePool() throws Exception {
        assertThat(query("SELECT 1").status()).isEqualTo(200);
        try (dev.cusp.tenant.TenantPools.Lease l = site.site.pools().lease(practice.tenant());
             var s = l.connection().createStatement();
             var rs = s.executeQuery("SELECT @@SESSION.sql_mode")) {
            rs.next();
            assertThat(rs.getString(1)).doesNotContain("ANSI_QUOTES").doesNotContain("NO_BACKSLASH_ESCAPES");
        }
    }

    @Test
    void passwordHashesNeverComeBack() {
        refused("SELECT * FROM practice_user", "password hashes");
        refused("SELECT password_hash FROM practice_user", "password hashes");
        refused("SELECT user_name FROM practice_user WHERE password_hash LIKE '$%'", "password hashes");
        TestSite.Response users = query("SELECT user_name, is_admin FROM practice_user");
        assertThat(users.status()).as(users.body()).isEqualTo(200);
        TestSite.Response grants = query("SHOW GRANTS");
        assertThat(grants.status()).as(grants.body()).isEqualTo(200);
        assertThat(grants.body()).contains("IDENTIFIED").contains("<password hash hidden>").doesNotContain("PASSWORD '*");
    }

    @Test
    void aSecondStatementIsRefusedAndNeverRuns() {
        refused("SELECT 1; DROP TABLE keepme", "one statement at a time");
        refused("SELECT ';'; DROP TABLE keepme", "one statement at a time");
        refused("SELECT 1 -- x\n; DROP TABLE keepme", "one statement at a time");
        refused("SELECT 1 # c\n; DROP TABLE keepme", "one statement at a time");
        assertThat(sql("SELECT COUNT(*) FROM keepme")).isEqualTo("1");
    }

    @Test
    void intoOutfileAndDumpfileAreRefusedAndWriteNoFile() throws Exception {
        Path out = site.site.home().node().resolve("tmp").resolve("qw-" + System.nanoTime() + ".txt");
        refused("SELECT * FROM keepme INTO OUTFILE '" + out + "'", "INTO OUTFILE");
        refused("SELECT * INTO OUTFILE '" + out + "' FROM keepme", "INTO OUTFILE");
        refused("SELECT * FROM keepme INTO DUMPFILE '" + out + "'", "OUTFILE/DUMPFILE");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void variablesSetAndSessionStatementsAreRefused() {
        refused("SELECT 1 INTO @v", "variables");
        refused("SELECT @x := 1", "variables");
        refused("SELECT @@datadir", "variables");
        refused("SET @@global.read_only = 0", "SET");
        refused("SET @x = 1", "SET");
        refused("SET sql_log_bin = 0", "SET");
        refused("CALL p()", "CALL");
        refused("EXECUTE s", "EXECUTE");
        refused("PREPARE s FROM 'DROP TABLE keepme'", "PREPARE");
        refused("HANDLER keepme OPEN", "HANDLER");
        refused("LOCK TABLES keepme WRITE", "LOCK");
        refused("GRANT ALL ON *.* TO " + practice.tenant().dbUser(), "GRANT");
        refused("CREATE USER intruder IDENTIFIED BY 'x'", "CREATE USER");
        refused("LOAD DATA INFILE '/etc/passwd' INTO TABLE keepme", "LOAD");
        refused("SHOW GRANTS FOR root@localhost", "SHOW GRANTS FOR");
        refused("SELECT * FROM keepme FOR UPDATE", "locks rows");
        assertThat(query("SHOW GRANTS").status()).isEqualTo(200);
    }

    @Test
    void sleepAndBenchmarkAreRefusedAndLongQueriesAreStopped() {
        refused("SELECT SLEEP(5)", "SLEEP()");
        refused("SELECT BENCHMARK(100000000, MD5('a'))", "BENCHMARK()");
        refused("SELECT GET_LOCK('x', 10)", "GET_LOCK()");
        refused("SELECT LOAD_FILE('/etc/passwd')", "LOAD_FILE()");
        long start = System.nanoTime();
        TestSite.Response r = site.call("POST", "/api/v1/t/" + name + "/query", token, Map.of("sql",
                "SELECT COUNT(*) FROM procedure_code a, procedure_code b, procedure_code c, procedure_code d,"
                        + " procedure_code e, procedure_code f", "timeout_seconds", 1));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("error").path("message").asText()).contains("longer than 1 s");
        assertThat(System.nanoTime() - start).isLessThan(15_000_000_000L);
    }

    @Test
    void executableCommentsAreRefused() {
        refused("SELECT /*! SLEEP(1), */ 1", "executable comments");
        refused("SELECT 1 /*!50000 ; DROP TABLE keepme */", "executable comments");
        refused("SELECT 1 /*M!100000 , LOAD_FILE('/etc/passwd') */", "executable comments");
        assertThat(sql("SELECT COUNT(*) FROM keepme")).isEqualTo("1");
    }

    @Test
    void otherDatabasesAreRefused() {
        TenantService.Created other = site.newTenant("qwother");
        String otherDb = other.tenant().dbName();
        refused("SELECT * FROM " + otherDb + ".patient", "another database");
        refused("SELECT * FROM `" + otherDb + "`.`patient`", "another database");
        refused("SELECT * FROM keepme k JOIN " + otherDb + ".patient p ON p.id = k.id", "another database");
        refused("SELECT id FROM keepme WHERE id IN (SELECT id FROM " + otherDb + ".patient)", "another database");
        refused("WITH x AS (SELECT id FROM " + otherDb + ".patient) SELECT * FROM x", "another database");
        refused("SELECT 1 UNION SELECT id FROM " + otherDb + ".patient", "another database");
        refused("SELECT * FROM mysql.user", "another database");
        refused("SELECT * FROM " + db + "_bak_1.patient", "another database");
        refused("SELECT * FROM information_schema.processlist", "information_schema");
        refused("SHOW TABLES FROM " + otherDb, "another database");
        refused("DESCRIBE " + otherDb + ".patient", "another database");
    }

    @Test
    void writesAreRefusedOnASiteThatIsNotAReportReplica() {
        String scratch = db + "_scratch";
        for (String s : new String[] {"CREATE TABLE " + scratch + ".t (a INT)", "CREATE TEMPORARY TABLE t (a INT)",
            "DROP TABLE keepme", "INSERT INTO keepme VALUES (2)", "UPDATE keepme SET id = 3",
            "DELETE FROM keepme"}) {
            TestSite.Response r = query(s);
            assertThat(r.status()).as(s + " -> " + r.body()).isEqualTo(409);
            assertThat(r.json().path("error").path("field").asText()).isEqualTo("sql");
            assertThat(r.json().path("error").path("message").asText()).contains("only on a report replica")
                    .contains(scratch).contains("cusp invite --role replica");
        }
        refused("TRUNCATE TABLE keepme", "TRUNCATE");
        refused("ALTER TABLE keepme ADD COLUMN x INT", "ALTER");
        assertThat(sql("SELECT COUNT(*) FROM keepme")).isEqualTo("1");
        assertThat(sql("SHOW DATABASES LIKE '" + scratch.replace("_", "\\_") + "'")).isEmpty();
    }

    @Test
    void everyQueryIsInTheSecurityLogWithItsUser() {
        String marker = "marker" + System.nanoTime();
        assertThat(query("SELECT '" + marker + "' AS m").status()).isEqualTo(200);
        refused("SELECT '" + marker + "'; DROP TABLE keepme", "one statement");
        String log = sql("SELECT action, user_name FROM security_log WHERE entity = 'query' AND details LIKE '%"
                + marker + "%' ORDER BY id");
        assertThat(log).isEqualTo("query\t" + practice.adminUser() + "\nquery-refused\t" + practice.adminUser());
    }

    @Test
    void onlyPracticeAdministratorsMayUseIt() {
        TestSite.Response add = site.call("POST", "/api/v1/t/" + name + "/users", token, Map.of("user_name", "clerk",
                "password", "Vq7-mauve-quokka-tundra-Zp3", "is_admin", false));
        assertThat(add.status()).as(add.body()).isEqualTo(201);
        TestSite.Response login = site.call("POST", "/api/v1/t/" + name + "/login", null, Map.of("user", "clerk",
                "password", "Vq7-mauve-quokka-tundra-Zp3"));
        String clerk = login.json().path("token").asText();
        TestSite.Response r = site.call("POST", "/api/v1/t/" + name + "/query", clerk, Map.of("sql", "SELECT 1"));
        assertThat(r.status()).isEqualTo(403);
        TestSite.Response anon = site.callUnchecked("POST", "/api/v1/t/" + name + "/query", null,
                Map.of("sql", "SELECT 1"));
        assertThat(anon.status()).isEqualTo(401);
    }

    @Test
    void theSiteAdminRunsItThroughTheCliAsThePracticeUserOnlyWithAReason() throws Exception {
        String admin = Files.readString(site.site.home().cliToken()).trim();
        TestSite.Response noReason = site.callUnchecked("POST", "/api/v1/admin/tenants/" + name + "/query", admin,
                Map.of("sql", "SELECT 1"));
        assertThat(noReason.status()).as(noReason.body()).isEqualTo(400);
        assertThat(noReason.json().at("/error/field").asText()).isEqualTo("reason");
        String marker = "ticket-" + System.nanoTime();
        TestSite.Response r = site.call("POST", "/api/v1/admin/tenants/" + name + "/query", admin,
                Map.of("sql", "SELECT CURRENT_USER() AS u, DATABASE() AS d", "reason", marker + " practice asked"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode row = r.json().path("rows").get(0);
        assertThat(row.get(0).asText()).startsWith(practice.tenant().dbUser() + "@");
        assertThat(row.get(1).asText()).isEqualTo(db);
        TestSite.Response practiceToken = site.call("POST", "/api/v1/admin/tenants/" + name + "/query", token,
                Map.of("sql", "SELECT 1", "reason", "x"));
        assertThat(practiceToken.status()).isEqualTo(403);
        TestSite.Response hashes = site.call("POST", "/api/v1/admin/tenants/" + name + "/query", admin,
                Map.of("sql", "SELECT * FROM practice_user", "reason", marker));
        assertThat(hashes.status()).as(hashes.body()).isEqualTo(400);

        // The practice sees it in its own security log: who, why, what.
        String log = sql("SELECT action, user_name, details FROM security_log WHERE details LIKE '%" + marker
                + "%' ORDER BY id");
        assertThat(log).startsWith("admin-query\tsite-admin\treason: " + marker + " practice asked")
                .contains("SELECT CURRENT_USER()").contains("admin-query-refused\tsite-admin");
        // The site log warns, naming the practice and the reason, not the statement.
        String siteLog = siteLog();
        assertThat(siteLog).contains("WARN tenant " + name + ": the site admin reads the practice's data")
                .contains(marker + " practice asked");
        assertThat(siteLog.lines().filter(l -> l.contains(marker)).noneMatch(l -> l.contains("CURRENT_USER")))
                .isTrue();

        String[] out = cli("query", name, "SELECT id, 'a b' AS label FROM keepme", "--max-rows", "5", "--reason",
                "support " + marker);
        assertThat(out[0]).as(out[2]).isEqualTo("0");
        assertThat(out[1]).contains("id  label").contains("--  -----").contains(" 1  a b").contains("(1 row");
        String[] bad = cli("query", name, "SELECT 1; DROP TABLE keepme", "--reason", "x");
        assertThat(bad[0]).isEqualTo("2");
        assertThat(bad[2]).contains("one statement at a time");
        String[] json = cli("query", name, "SELECT 1 AS one", "--json", "--reason", "x");
        assertThat(dev.cusp.api.Json.MAPPER.readTree(json[1]).path("rows").toString()).isEqualTo("[[1]]");
        String[] without = cli("query", name, "SELECT 1");
        assertThat(without[0]).isEqualTo("2");
        assertThat(without[2]).contains("--reason");
    }

    /** What the query window has written to the site log since the class started, as lines "LEVEL message". */
    static String siteLog() {
        return SITE_LOG.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage())
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    static String[] cli(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--home";
        all[args.length + 1] = site.site.home().dir().toString();
        int code = dev.cusp.Cusp.run(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), all);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }
}
