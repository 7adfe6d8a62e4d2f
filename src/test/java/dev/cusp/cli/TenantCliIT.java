package dev.cusp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.Cusp;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every tenant verb of the CLI, through the real HTTPS admin API of a real site. */
class TenantCliIT {
    static TestSite site;
    static final AtomicInteger IDS = new AtomicInteger(500_000 + (int) (System.nanoTime() % 100_000));

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() {
        site = TestSite.shared();
    }

    static Run cusp(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = site.site.home().dir().toString();
        int code = Cusp.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String name(String prefix) {
        return prefix + IDS.incrementAndGet();
    }

    private static JsonNode create(String name) throws Exception {
        Run r = cusp("tenant", "create", name, "--id", Integer.toString(IDS.incrementAndGet()), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    void createPrintsOneJsonObjectWithEverythingAClientNeeds() throws Exception {
        String n = name("cli");
        JsonNode t = create(n);
        assertThat(t.get("database").asText()).isEqualTo("od_" + n + "_" + t.get("id").asInt());
        assertThat(t.get("db_user").asText()).isEqualTo(t.get("database").asText());
        assertThat(t.get("db_password").asText()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(t.get("db_host").asText()).isEqualTo("127.0.0.1");
        assertThat(t.get("db_port").asInt()).isPositive();
        assertThat(t.get("admin_user").asText()).isEqualTo("admin");
        assertThat(t.get("schema_version").asText()).as("practice schema v4: document content").isEqualTo("4");
        assertThat(Path.of(t.get("documents").asText())).isDirectory();
        var client = site.mariadb(t.get("db_user").asText(), t.get("db_password").asText(),
                "SELECT COUNT(*) FROM " + t.get("database").asText() + ".practice_user");
        assertThat(client.output().trim()).isEqualTo("1");
        Run list = cusp("tenant", "list");
        assertThat(list.out()).contains(n).contains("active");
        Run show = cusp("tenant", "show", n);
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains(t.get("database").asText());
    }

    @Test
    void badNamesDuplicatesAndUnknownTenantsGetOneLineAndAnExitCode() throws Exception {
        String n = name("dup");
        create(n);
        Run dup = cusp("tenant", "create", n, "--id", Integer.toString(IDS.incrementAndGet()));
        assertThat(dup.exit()).isEqualTo(6);
        assertThat(dup.err().strip()).startsWith("cusp: tenant '" + n + "' already exists").doesNotContain("\n");
        for (String bad : new String[] {"Bad", "with_underscore", "1abc", "x".repeat(33), "a-b", "ab;DROP"}) {
            Run r = cusp("tenant", "create", bad, "--id", "3");
            assertThat(r.exit()).as(bad).isEqualTo(2);
            assertThat(r.err()).as(bad).contains("not valid").doesNotContain("Exception");
        }
        Run badId = cusp("tenant", "create", name("badid"), "--id", "0");
        assertThat(badId.exit()).isEqualTo(2);
        assertThat(badId.err()).contains("out of range");
        Run notNumber = cusp("tenant", "create", name("nan"), "--id", "x");
        assertThat(notNumber.exit()).isEqualTo(2);
        Run missing = cusp("tenant", "show", "nosuchtenant");
        assertThat(missing.exit()).isEqualTo(5);
        assertThat(missing.err()).contains("no tenant named 'nosuchtenant'");
    }

    @Test
    void backupToDatabaseAndToFile() throws Exception {
        String n = name("bak");
        JsonNode t = create(n);
        Run db = cusp("tenant", "backup", n);
        assertThat(db.exit()).as(db.err()).isZero();
        String bak = db.out().replaceAll("(?s).*database (\\S+)\\..*", "$1").trim();
        assertThat(bak).startsWith("bak_" + n + "_" + t.get("id").asText() + "_");
        try (var c = site.site.node().adminConnection(); var rs = c.createStatement()
                .executeQuery("SELECT COUNT(*) FROM " + bak + ".procedure_code")) {
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThan(40);
        }
        // Out of the practice's reach: what it could drop or write there would replicate.
        var copied = site.mariadb(t.get("db_user").asText(), t.get("db_password").asText(),
                "SELECT COUNT(*) FROM " + bak + ".procedure_code");
        assertThat(copied.exit()).isNotZero();
        assertThat(copied.output()).contains("1142");
        Run file = cusp("tenant", "backup", n, "--to-file");
        assertThat(file.exit()).as(file.err()).isZero();
        Path f = Path.of(file.out().replaceAll("(?s).*file (\\S+)\\.\\s*", "$1").trim());
        assertThat(Files.readString(f)).contains("CREATE TABLE `patient`");
        assertThat(Files.getPosixFilePermissions(f).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void suspendLocksTheDatabaseUserAndTheApiThenResumeRestores() throws Exception {
        var created = site.newTenant("susp");
        String n = created.tenant().name();
        String token = site.login(created);
        assertThat(cusp("tenant", "suspend", n).exit()).isZero();
        assertThat(site.call("GET", "/api/v1/t/" + n + "/patients", token, null).status()).isIn(401, 423);
        var login = site.call("POST", "/api/v1/t/" + n + "/login", null,
                Map.of("user", "admin", "password", created.adminPassword()));
        assertThat(login.status()).isEqualTo(423);
        var db = site.mariadb(created.tenant().dbUser(), created.dbPassword(), "SELECT 1");
        assertThat(db.exit()).isNotZero();
        assertThat(cusp("tenant", "list").out()).contains("suspended");
        assertThat(cusp("tenant", "resume", n).exit()).isZero();
        String again = site.login(created);
        assertThat(site.call("GET", "/api/v1/t/" + n + "/patients", again, null).status()).isEqualTo(200);
    }

    @Test
    void dropNeedsYesAndKeepsAFinalBackup() throws Exception {
        String n = name("drop");
        JsonNode t = create(n);
        Run refused = cusp("tenant", "drop", n);
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--yes");
        assertThat(cusp("tenant", "show", n).exit()).as("nothing dropped without --yes").isZero();
        Run dropped = cusp("tenant", "drop", n, "--yes");
        assertThat(dropped.exit()).as(dropped.err()).isZero();
        String backup = dropped.out().replaceAll("(?s).*final backup\\s+(\\S+).*", "$1");
        assertThat(Files.readString(Path.of(backup))).contains("CREATE TABLE `procedure_log`");
        assertThat(cusp("tenant", "show", n).exit()).isEqualTo(5);
        var gone = site.mariadb(t.get("db_user").asText(), t.get("db_password").asText(), "SELECT 1");
        assertThat(gone.exit()).as("the database user is dropped").isNotZero();
        Run recreate = cusp("tenant", "create", n, "--id", t.get("id").asText());
        assertThat(recreate.exit()).as("name and id are free again: " + recreate.err()).isZero();
    }

    @Test
    void backupNowAndRestoreAsPrintWhatTheSiteDid() throws Exception {
        String n = name("rst");
        create(n);
        Run now = cusp("backup", "now", n, "--json");
        assertThat(now.exit()).as(now.err()).isZero();
        String backup = Json.MAPPER.readTree(now.out()).get("id").asText();
        String as = name("rsa");
        Run restored = cusp("tenant", "restore", n, "--backup", backup, "--as", as);
        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(restored.out()).containsPattern("Restored " + n + " as " + as + " to [0-9T:.-]+Z from backup "
                + backup + " \\([0-9]+ transactions replayed\\)\\.");
        assertThat(cusp("tenant", "show", as).exit()).isZero();
    }

    @Test
    void statusShowsNodeReplicationSettings() throws Exception {
        Run r = cusp("status", "--json");
        assertThat(r.exit()).isZero();
        JsonNode s = Json.MAPPER.readTree(r.out());
        assertThat(s.at("/node/binlog_format").asText()).isEqualTo("ROW");
        assertThat(s.at("/node/log_bin").asBoolean()).isTrue();
        assertThat(s.at("/node/log_slave_updates").asBoolean()).isTrue();
        assertThat(s.at("/node/bind_address").asText()).isEqualTo("127.0.0.1");
        assertThat(s.at("/node/tls").asText()).isEqualTo("YES");
        assertThat(s.at("/node/server_id").asLong()).isEqualTo(site.site.home().identity().serverId());
        assertThat(s.at("/node/read_only").isBoolean()).as(s.toString()).isTrue();
        assertThat(s.at("/node/error").isMissingNode()).as(s.toString()).isTrue();
        Run human = cusp("status");
        assertThat(human.out()).contains("format=ROW").contains("Tenants:");
        // Every value of the text comes from the answer's record: none prints blank or "null".
        assertThat(human.out()).contains("server_id=" + site.site.home().identity().serverId() + " ")
                .contains("read_only=false").contains("log_slave_updates=true")
                .contains("(Cusp " + dev.cusp.base.CuspVersion.VERSION + ")")
                .contains("CA fingerprint (SHA-256) " + s.at("/site/ca_fingerprint_sha256").asText())
                // A word of its own: other tests' practices have names such as "badnull9472041".
                .doesNotContainPattern("\\bnull\\b");
    }
}
