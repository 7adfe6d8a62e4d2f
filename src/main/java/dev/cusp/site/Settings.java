package dev.cusp.site;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of a site, validated at once. Values come, from weakest to strongest, from
 * the defaults, {@code HOME/cusp.conf} (Java properties), the environment ({@code CUSP_*}) and
 * command-line flags. The README's settings table is checked against {@link #ALL} by a test.
 */
public final class Settings {
    public static final Setting<Integer> PORT = Setting.intRange("port", 7443, 0, 65535,
            "HTTPS port of the API and console (0 picks a free port).");
    public static final Setting<String> BIND = Setting.text("bind", "127.0.0.1",
            "[0-9a-fA-F.:]+|localhost", "an IP address or localhost",
            "Address the HTTPS server listens on. Use 0.0.0.0 to serve workstations on the network.");
    public static final Setting<Integer> DB_PORT = Setting.intRange("db.port", 0, 0, 65535,
            "Port of the embedded MariaDB node on 127.0.0.1 (0 picks a free port on first start and keeps it).");
    public static final Setting<Integer> DB_BUFFER_POOL_MB = Setting.intRange("db.buffer.pool.mb", 256, 16, 65536,
            "InnoDB buffer pool of the embedded node, in MiB.");
    public static final Setting<String> DB_OS_USER = Setting.text("db.os.user", "cusp-db",
            "[a-z_][a-z0-9_-]{0,31}", "an OS user name (lowercase letters, digits, _ and -)",
            "OS user the embedded MariaDB server runs as when Cusp runs as root (created if missing). Without"
            + " root the server runs as Cusp's own user.");
    public static final Setting<String> SITE_NAME = Setting.text("site.name", "site1",
            "[a-z][a-z0-9-]{0,30}", "lowercase letters, digits and dashes, starting with a letter (at most 31)",
            "Name of this site, shown in status and written to the security log.");
    public static final Setting<Integer> TOKEN_TTL_MINUTES = Setting.intRange("token.ttl.minutes", 480, 5, 10080,
            "Lifetime of a bearer token issued at login.");
    public static final Setting<Integer> POOL_MAX = Setting.intRange("pool.max", 16, 1, 64,
            "Most database connections one tenant's pool may open (only while that many requests run at once).");
    public static final Setting<Integer> POOL_IDLE_SECONDS = Setting.intRange("pool.idle.seconds", 120, 10, 86400,
            "A tenant pool unused this long is closed, so idle tenants hold no connections.");
    public static final Setting<Integer> LOGIN_MAX_FAILURES = Setting.intRange("login.max.failures", 5, 1, 100,
            "Failed logins in a row that lock a practice user out.");
    public static final Setting<Integer> LOGIN_LOCKOUT_MINUTES = Setting.intRange("login.lockout.minutes", 15, 1, 1440,
            "How long a locked-out practice user must wait.");
    public static final Setting<Integer> REQUEST_MAX_BYTES = Setting.intRange("request.max.bytes", 1_048_576, 1024,
            64 * 1_048_576, "Largest request body the API accepts.");
    public static final Setting<String> ADDRESS = Setting.text("site.address", "localhost",
            "[A-Za-z0-9.:-]{1,253}", "a host name or IP address",
            "Name other sites of a replication group use to reach this site's HTTPS port and node. It must be"
            + " in the site certificate: localhost, this machine's host name, or the value set at first start.");
    public static final Setting<String> DB_BIND = Setting.text("db.bind", "127.0.0.1",
            "[0-9a-fA-F.:]+", "an IP address",
            "Address the embedded node listens on. Keep loopback unless sites on other machines replicate from"
            + " this one; then give a private address, never a public one.");

    public static final Setting<Integer> MONITOR_LAG_SECONDS = Setting.intRange("monitor.lag.seconds", 30, 1, 86400,
            "A replication link further behind than this many seconds is reported as lagging.");
    public static final Setting<String> MONITOR_FENCE = Setting.text("monitor.fence", "fence", "fence|warn",
            "fence or warn", "When this site's replication is broken: fence refuses writes here (503, naming the"
            + " healthy sites) until it is repaired; warn only alerts.");
    public static final Setting<String> MONITOR_WEBHOOK = Setting.text("monitor.webhook", "",
            "|https://[^\\s]{1,2000}|http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?(/[^\\s]{0,2000})?",
            "empty, an https:// URL, or an http:// URL on this machine (localhost)",
            "Optional URL that receives every replication alert raised or cleared, as JSON (POST).");

    public static final Setting<String> SEED_FORMAT = Setting.text("seed.format", "auto", "auto|sql", "auto or sql",
            "How this site is seeded when it joins or is re-seeded: auto copies InnoDB tablespaces where every"
            + " table allows it (then restarts the node once), sql always loads an SQL dump.");
    public static final Setting<String> CONFLICTS_RESOLVE = Setting.text("conflicts.resolve", "auto", "auto|manual",
            "auto or manual", "When a replication conflict stops a link here: auto resolves it by the rule (both"
            + " versions go to the conflict log) and restarts the link; manual leaves it broken and fenced.");
    public static final Setting<String> CONFLICTS_DELETE_WINS = Setting.text("conflicts.delete.wins", "true",
            "true|false", "true or false", "A delete at one site against an update of the same row at another:"
            + " true keeps the row deleted everywhere, false keeps the updated row everywhere. Set it the same at"
            + " every site.");

    public static final Setting<String> PRACTICE_MIGRATIONS_EXTRA = Setting.text("practice.migrations.extra", "",
            "|((classpath:[A-Za-z0-9_/.-]{1,200}|filesystem:/[^,\\s]{1,400})(,(?=.)|$))+",
            "empty, or comma-separated Flyway locations (classpath:db/x or filesystem:/abs/dir)",
            "More practice schema migrations to apply after the built-in ones (a newer schema, tests). Every"
            + " site of a group must carry the same ones: 'cusp update' refuses otherwise.");

    public static final List<Setting<?>> ALL = List.of(PORT, BIND, DB_PORT, DB_BUFFER_POOL_MB, DB_OS_USER, SITE_NAME,
            TOKEN_TTL_MINUTES, POOL_MAX, POOL_IDLE_SECONDS, LOGIN_MAX_FAILURES, LOGIN_LOCKOUT_MINUTES,
            REQUEST_MAX_BYTES,
            ADDRESS, DB_BIND, MONITOR_LAG_SECONDS, MONITOR_FENCE, MONITOR_WEBHOOK,
            SEED_FORMAT, PRACTICE_MIGRATIONS_EXTRA, CONFLICTS_RESOLVE, CONFLICTS_DELETE_WINS);

    private final Map<String, Object> values;

    private Settings(Map<String, Object> values) {
        this.values = values;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return (T) values.get(setting.key());
    }

    /** Defaults only, for tests and tools. */
    public static Settings defaults() {
        return load(Map.of(), Map.of(), null);
    }

    /**
     * Loads and validates every setting. All problems are reported together, each naming the
     * setting, where its value came from and what is expected.
     */
    public static Settings load(Map<String, String> flags, Map<String, String> env, Path confFile) {
        Map<String, String> fromFile = new HashMap<>();
        if (confFile != null && Files.isRegularFile(confFile)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(confFile)) {
                p.load(r);
            } catch (IOException e) {
                throw new CuspException(ErrorCode.INVALID_INPUT, "cannot read " + confFile + ": " + e.getMessage());
            }
            p.stringPropertyNames().forEach(k -> fromFile.put(k, p.getProperty(k)));
        }
        List<String> problems = new ArrayList<>();
        for (String k : fromFile.keySet()) {
            if (ALL.stream().noneMatch(s -> s.key().equals(k))) {
                problems.add(confFile + ": unknown setting '" + k + "'");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : ALL) {
            String raw = s.defaultValue();
            String source = "default";
            if (fromFile.containsKey(s.key())) {
                raw = fromFile.get(s.key());
                source = confFile.getFileName().toString();
            }
            if (env.containsKey(s.env())) {
                raw = env.get(s.env());
                source = "environment " + s.env();
            }
            if (flags.containsKey(s.key())) {
                raw = flags.get(s.key());
                source = "flag";
            }
            try {
                values.put(s.key(), s.parser().apply(raw));
            } catch (IllegalArgumentException e) {
                problems.add("setting " + s.key() + " = '" + raw + "' (" + source + ") " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CuspException(ErrorCode.INVALID_INPUT, String.join("; ", problems), "settings");
        }
        return new Settings(values);
    }
}
