package dev.cusp.site;

import dev.cusp.base.NetAddresses;
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
    public static final Setting<Integer> TOKEN_RECHECK_SECONDS = Setting.intRange("token.recheck.seconds", 10, 0, 300,
            "How long a practice session trusts what it knows of its user. Changes made through this site's API end"
            + " the user's sessions at once; a change that reaches this site another way (replicated from another"
            + " site, or made in the practice's database) ends them at the first request after this many seconds."
            + " 0 re-reads the user on every request.");
    public static final Setting<Integer> POOL_MAX = Setting.intRange("pool.max", 16, 1, 64,
            "Most database connections one tenant's pool may open (only while that many requests run at once).");
    public static final Setting<Integer> POOL_IDLE_SECONDS = Setting.intRange("pool.idle.seconds", 120, 10, 86400,
            "A tenant pool unused this long is closed, so idle tenants hold no connections.");
    public static final Setting<Integer> LOGIN_MAX_FAILURES = Setting.intRange("login.max.failures", 5, 1, 100,
            "Failed logins (practice users and the site admin) from one client address, or for one user name, before"
            + " each further attempt must wait: 1 s, then doubling up to login.lockout.minutes, answered 429 with"
            + " Retry-After. A user name's wait binds only addresses that have failed; a successful login ends the"
            + " waits of its address and user.");
    public static final Setting<Integer> LOGIN_LOCKOUT_MINUTES = Setting.intRange("login.lockout.minutes", 15, 1, 1440,
            "Longest wait between login attempts after repeated failures (see login.max.failures). Nothing locks a"
            + " user out by itself: only a practice administrator locks and unlocks a user.");
    public static final Setting<Integer> REQUEST_MAX_BYTES = Setting.intRange("request.max.bytes", 1_048_576, 1024,
            64 * 1_048_576, "Largest request body the API accepts.");
    public static final Setting<Integer> QUERY_MAX_BYTES = Setting.intRange("query.max.bytes", 4 * 1_048_576, 65_536,
            256 * 1_048_576, "Largest answer of the query window, in bytes of JSON cells; a longer one is cut after"
            + " the last whole row and says so.");
    public static final Setting<Integer> QUERY_CONCURRENT_PER_TENANT = Setting.intRange("query.concurrent.per.tenant",
            2, 1, 64, "Query-window statements one practice may run at once; more are answered 429 with"
            + " Retry-After.");
    public static final Setting<Integer> QUERY_CONCURRENT_SITE = Setting.intRange("query.concurrent.site", 8, 1, 256,
            "Query-window statements the whole site runs at once, all practices together; more are answered 503"
            + " with Retry-After.");
    public static final Setting<Integer> HTTP_HEADER_TIMEOUT_SECONDS = Setting.intRange("http.header.timeout.seconds",
            20, 1, 600, "A client must finish the TLS handshake and a request's headers within this many seconds,"
            + " however slowly it trickles bytes; otherwise its connection is closed.");
    public static final Setting<Integer> HTTP_IDLE_TIMEOUT_SECONDS = Setting.intRange("http.idle.timeout.seconds", 30,
            1, 3600, "A connection on which no byte moves for this many seconds is closed.");
    public static final Setting<Integer> HTTP_MIN_REQUEST_BYTES_PER_SECOND = Setting.intRange(
            "http.min.request.bytes.per.second", 0, 0, 1_000_000_000, "A request body arriving slower than"
            + " this on average is refused with 400 and its connection closed (0: no minimum). Off by default:"
            + " Jetty measures from the body's first byte to each read, so a small body the site reads a moment"
            + " late (a busy machine) counts as slow; slow clients are bounded by http.header.timeout.seconds,"
            + " http.idle.timeout.seconds and http.max.connections.per.address instead.");
    public static final Setting<Integer> HTTP_MAX_CONNECTIONS_PER_ADDRESS = Setting.intRange(
            "http.max.connections.per.address", 256, 1, 100_000, "Most HTTPS connections one client address may"
            + " hold open at once; a further one is closed as soon as it opens.");
    // Checked as every member checks it when this site joins or moves (NetAddresses): it goes into
    // the group's membership rows, every member's peer calls and its CHANGE MASTER.
    public static final Setting<String> ADDRESS = new Setting<>("site.address", "localhost",
            "Name other sites of a replication group use to reach this site's HTTPS port and node. The site"
            + " certificate names it, and its revocation list at https://ADDRESS:PORT/api/v1/tls/crl; a change"
            + " (of either) re-issues the certificate from the same CA at the next start, and the site records its new"
            + " URL (and its node's host and port) in its own row of the group's membership, which replicates; a peer"
            + " writes its row itself, and a report replica, whose node is read-only, has the site it replicates from"
            + " write it (see *A site's address in the group* under Security model).", s -> {
                if (!NetAddresses.nodeHost(s)) {
                    throw new IllegalArgumentException("must be a DNS host name (letters, digits, hyphens and dots,"
                            + " at most 253 characters), an IPv4 address or an IPv6 address without brackets");
                }
                return s;
            });
    public static final Setting<String> DB_BIND = Setting.text("db.bind", "127.0.0.1",
            "[0-9a-fA-F.:]+", "an IP address",
            "Address the embedded node listens on. Keep loopback unless sites on other machines replicate from"
            + " this one; then give a private address, never a public one.");

    public static final Setting<Integer> MONITOR_LAG_SECONDS = Setting.intRange("monitor.lag.seconds", 30, 1, 86400,
            "A replication link further behind than this many seconds is reported as lagging.");
    public static final Setting<Integer> MONITOR_STUCK_SECONDS = Setting.intRange("monitor.stuck.seconds", 8, 2,
            86400, "A running applier that has applied nothing for this many seconds while received changes wait is"
            + " reported stuck (STUCK_APPLIER): a lock held at this site, or one very large transaction.");
    public static final Setting<String> MONITOR_FENCE = Setting.text("monitor.fence", "fence", "fence|warn",
            "fence or warn", "When this site's replication is broken: fence refuses writes here (503, naming the"
            + " healthy sites) until it is repaired; warn only alerts.");
    public static final Setting<String> MONITOR_WEBHOOK = Setting.text("monitor.webhook", "",
            "|https://[^\\s]{1,2000}|http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?(/[^\\s]{0,2000})?",
            "empty, an https:// URL, or an http:// URL on this machine (localhost)",
            "Optional URL that receives every replication alert raised or cleared, as JSON (POST).");

    public static final Setting<Integer> MONITOR_CLOCK_SKEW_SECONDS = Setting.intRange("monitor.clock.skew.seconds", 2,
            1, 3600, "A peer whose clock differs from this site's by more than this many seconds (measured over the"
            + " peer channel) raises CLOCK_SKEW: conflicts are decided by change times.");
    public static final Setting<Integer> MONITOR_DISK_MIN_FREE_PERCENT = Setting.intRange(
            "monitor.disk.min.free.percent", 10, 0, 100, "DISK_LOW is raised while a disk this site writes to (database"
            + " and binary logs, documents, the site folder) has less free space than this percentage of its size.");
    public static final Setting<Integer> MONITOR_DISK_MIN_FREE_MB = Setting.intRange("monitor.disk.min.free.mb", 1024,
            0, 16_777_216, "DISK_LOW is also raised while such a disk has less than this many MiB free.");

    public static final Setting<Integer> BINLOG_RETAIN_DAYS = Setting.intRange("binlog.retain.days", 14, 0, 3650,
            "Binary logs no member needs any more are deleted this many days after their last write. Logs a member"
            + " has not applied yet are kept longer, up to binlog.retain.max.mb.");
    public static final Setting<Integer> BINLOG_RETAIN_MAX_MB = Setting.intRange("binlog.retain.max.mb", 20480, 1,
            16_777_216, "Disk budget of the binary logs, in MiB: past it the oldest are deleted even if a member has"
            + " not applied them (that member then needs 'cusp reseed'); an alert warns at 80%.");

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

    public static final Setting<String> BACKUP_PATHS_ALLOWED = Setting.text("backup.paths.allowed", "",
            "|/[^,\\s]{0,400}(,/[^,\\s]{0,400})*", "empty, or absolute folders separated by commas",
            "Folders besides HOME/backups where 'tenant backup --file' (the admin API's file) may write a backup."
            + " Empty: HOME/backups only. A backup file is always a new file, readable by the site's user only;"
            + " it never replaces a file, follows a link or changes the folder.");

    public static final Setting<Integer> RESTORE_BINLOG_RETAIN_DAYS = Setting.intRange("restore.binlog.retain.days",
            14, 1, 3650, "Closed binary logs are copied to binlog/ in the backup folder before the node may purge them, and"
            + " kept there this many days: how far back 'cusp tenant restore --to' can roll a practice forward"
            + " from its backups.");

    public static final Setting<Integer> RESTORE_BINLOG_FLUSH_MINUTES = Setting.intRange(
            "restore.binlog.flush.minutes", 15, 0, 1440, "The node's current binary log is closed and archived this"
            + " often when it holds new transactions (0: only when the node closes it, at 1 GB, or a restore"
            + " does). A restore always reaches up to now; this bounds what the archive in the backup folder"
            + " lacks should the node's own disk be lost.");

    /** A schedule: {@code off}, {@code hourly [:MM]}, {@code daily HH:MM}, {@code weekly DAY HH:MM} (site's local time). */
    public static final String SCHEDULE = "off|hourly( :[0-5][0-9])?|daily ([01][0-9]|2[0-3]):[0-5][0-9]"
            + "|weekly (mon|tue|wed|thu|fri|sat|sun) ([01][0-9]|2[0-3]):[0-5][0-9]";
    private static final String SCHEDULE_WHAT = "off, hourly, hourly :MM, daily HH:MM or weekly DAY HH:MM (DAY: mon..sun)";

    public static final Setting<String> BACKUP_FOLDER = Setting.text("backup.folder", "", "|/[^,\\s]{0,400}",
            "empty, or an absolute folder",
            "Where scheduled and manual practice backups go (one folder per practice, one per backup), for example"
            + " a mounted network share. Empty: HOME/backups.");

    public static final Setting<String> BACKUP_SCHEDULE = Setting.text("backup.schedule", "daily 02:30", SCHEDULE,
            SCHEDULE_WHAT, "When every practice is backed up, one after the other, in the site machine's local time:"
            + " off, hourly, hourly :MM, daily HH:MM or weekly DAY HH:MM.");

    public static final Setting<Integer> BACKUP_KEEP_DAILY = Setting.intRange("backup.keep.daily", 7, 0, 3650,
            "Scheduled backups kept per practice: the newest of each of this many most recent days that have one.");

    public static final Setting<Integer> BACKUP_KEEP_WEEKLY = Setting.intRange("backup.keep.weekly", 4, 0, 520,
            "Also kept: the newest scheduled backup of each of this many most recent weeks (Monday to Sunday).");

    public static final Setting<Integer> BACKUP_KEEP_MONTHLY = Setting.intRange("backup.keep.monthly", 12, 0, 1200,
            "Also kept: the newest scheduled backup of each of this many most recent months. The newest backup is"
            + " always kept; manual backups are never deleted by retention.");

    public static final Setting<String> BACKUP_VERIFY_SCHEDULE = Setting.text("backup.verify.schedule",
            "weekly sun 04:00", SCHEDULE, SCHEDULE_WHAT, "When the verification drill runs: every practice's newest"
            + " backup is loaded into a scratch database, checked against its manifest and dropped; a failed drill"
            + " raises the alert BACKUP_DRILL_FAILED.");

    public static final Setting<Integer> DOCUMENT_MAX_MB = Setting.intRange("document.max.mb", 512, 1, 1_048_576,
            "Largest document a practice may upload, in MiB. The upload is streamed to disk, never held in memory;"
            + " request.max.bytes does not apply to it.");
    public static final Setting<Integer> DOCUMENT_QUOTA_MB = Setting.intRange("document.quota.mb", 0, 0,
            Integer.MAX_VALUE, "Most MiB of document content one practice may keep at this site, each content counted"
            + " once (0: no quota). An upload past it is refused with 413.");
    public static final Setting<Integer> DOCUMENT_GC_GRACE_MINUTES = Setting.intRange("document.gc.grace.minutes",
            1440, 0, 525_600, "A document content no record refers to any more is deleted from disk after this many"
            + " minutes: the time replication gets to bring a record that still wants it.");
    public static final Setting<String> DOCUMENT_PATHS_ALLOWED = Setting.text("document.paths.allowed", "",
            "|/[^,\\s]{0,400}(,/[^,\\s]{0,400})*", "empty, or absolute folders separated by commas",
            "Folders besides HOME/backups that 'tenant import-documents' may read and 'tenant export-documents' may"
            + " write (the admin API's dir). Empty: HOME/backups only. Links are never followed inside them; an"
            + " export always makes a new folder.");

    // Document replication (issue 17): how a site fetches the files its rows name from the others.
    public static final Setting<Integer> DOCUMENT_SYNC_PARALLEL = Setting.intRange("document.sync.parallel", 4, 1, 64,
            "Files this site fetches from other sites at once (document replication, read-through excluded).");
    public static final Setting<Integer> DOCUMENT_SYNC_KBPS = Setting.intRange("document.sync.kbps", 0, 0, 10_000_000,
            "Most KiB per second this site's document replication reads from other sites, all transfers together"
            + " (0: no limit). Set it on a site behind a slow link so fetching files leaves room for the practice's"
            + " own traffic; a download that reads a missing file through from a peer is not held to it.");
    public static final Setting<Integer> DOCUMENT_BACKLOG_ALERT_MINUTES = Setting.intRange(
            "document.backlog.alert.minutes", 15, 0, 10080,
            "An alert (DOCUMENT_BACKLOG) is raised while a file this site lacks has been missing this long; it clears"
            + " when the backlog is older no more. 0 raises it as soon as any file is missing (for tests: a busy site"
            + " is rarely without a file on its way).");
    public static final Setting<Integer> DOCUMENT_SCRUB_KBPS = Setting.intRange("document.scrub.kbps", 2048, 0,
            10_000_000, "How fast the background scrub re-reads stored files to find ones whose bytes no longer hash"
            + " to their name (bit rot), in KiB per second (0: no scrub). A bad file is re-fetched from a good site.");
    public static final Setting<Integer> DOCUMENT_SCRUB_PAUSE_SECONDS = Setting.intRange("document.scrub.pause.seconds",
            60, 1, 86_400, "Seconds the background scrub rests between two passes over every stored file (a pass"
            + " itself runs at document.scrub.kbps).");

    public static final List<Setting<?>> ALL = List.of(PORT, BIND, DB_PORT, DB_BUFFER_POOL_MB, DB_OS_USER, SITE_NAME,
            TOKEN_TTL_MINUTES, TOKEN_RECHECK_SECONDS, POOL_MAX, POOL_IDLE_SECONDS, LOGIN_MAX_FAILURES, LOGIN_LOCKOUT_MINUTES,
            REQUEST_MAX_BYTES, QUERY_MAX_BYTES, QUERY_CONCURRENT_PER_TENANT, QUERY_CONCURRENT_SITE,
            HTTP_HEADER_TIMEOUT_SECONDS, HTTP_IDLE_TIMEOUT_SECONDS, HTTP_MIN_REQUEST_BYTES_PER_SECOND,
            HTTP_MAX_CONNECTIONS_PER_ADDRESS,
            ADDRESS, DB_BIND, MONITOR_LAG_SECONDS, MONITOR_STUCK_SECONDS, MONITOR_FENCE, MONITOR_WEBHOOK,
            MONITOR_CLOCK_SKEW_SECONDS, MONITOR_DISK_MIN_FREE_PERCENT, MONITOR_DISK_MIN_FREE_MB,
            BINLOG_RETAIN_DAYS, BINLOG_RETAIN_MAX_MB,
            SEED_FORMAT, PRACTICE_MIGRATIONS_EXTRA, CONFLICTS_RESOLVE, CONFLICTS_DELETE_WINS, BACKUP_PATHS_ALLOWED,
            BACKUP_FOLDER, BACKUP_SCHEDULE, BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY, BACKUP_KEEP_MONTHLY,
            BACKUP_VERIFY_SCHEDULE, RESTORE_BINLOG_RETAIN_DAYS, RESTORE_BINLOG_FLUSH_MINUTES,
            DOCUMENT_MAX_MB, DOCUMENT_QUOTA_MB, DOCUMENT_GC_GRACE_MINUTES, DOCUMENT_PATHS_ALLOWED,
            DOCUMENT_SYNC_PARALLEL, DOCUMENT_SYNC_KBPS, DOCUMENT_BACKLOG_ALERT_MINUTES, DOCUMENT_SCRUB_KBPS,
            DOCUMENT_SCRUB_PAUSE_SECONDS);

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
