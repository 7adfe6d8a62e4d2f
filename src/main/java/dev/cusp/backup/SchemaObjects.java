package dev.cusp.backup;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.Binlog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The practice's own code besides its triggers: views, stored functions and procedures, events.
 * A backup carries their definitions in one file ({@value #PATH}, kind {@value #KIND}, with its
 * SHA-256 in the manifest like every file); a load makes them again.
 *
 * <p>The site's admin account never runs them. A definition is read, never executed: {@code SHOW
 * CREATE} with the practice's database as the current one (so names in it carry no database and
 * a copy made under another name, {@code --as}, points at its own tables), and the names are
 * listed from {@code information_schema}. Nothing selects from a view or calls a routine. Making
 * one again is a {@code CREATE}, which stores it and runs nothing of it; events are made only in
 * the practice's own database (a drill or a proof in a staging database makes none), where they
 * run as the practice.
 *
 * <p>Who they run as: every object is made with the practice's own database user as its
 * {@code DEFINER}, whatever the recorded definition says. The statement's head (up to the
 * object's name) is parsed and rebuilt by this class, with the definer it chose; the recorded
 * text supplies only the rest. A definition whose head is not one this class reads, or whose
 * name is followed by anything but its parameters, {@code AS} or {@code ON} (a database-qualified
 * name, a comment in between), is refused. After making them, the definers of
 * every object in the database are read back: one that is not the practice's user is dropped
 * and the load fails. So a routine or a {@code SQL SECURITY DEFINER} view can never come back
 * running as the admin or as another practice, even from a backup changed by hand.
 */
public final class SchemaObjects {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaObjects.class);
    /** The file in a backup folder. */
    static final String PATH = "schema/objects.json.zst";
    /** Its kind in the manifest. */
    static final String KIND = "schema-objects";
    /** Its name in the staging folder while the backup is written. */
    private static final String STAGED = "schema-objects.json";
    private static final String IDENT = "`(?:[^`]|``)+`";
    private static final Pattern HEAD = Pattern.compile("(?s)CREATE\\s+(ALGORITHM=(?:UNDEFINED|MERGE|TEMPTABLE)\\s+)?"
            + "DEFINER=(" + IDENT + "(?:@" + IDENT + ")?|CURRENT_USER(?:\\(\\))?|[A-Za-z0-9_]+(?:@[A-Za-z0-9_.%-]+)?)"
            + "\\s+(SQL\\s+SECURITY\\s+(?:DEFINER|INVOKER)\\s+)?(VIEW|FUNCTION|AGGREGATE\\s+FUNCTION|PROCEDURE|EVENT)"
            + "\\s+(" + IDENT + ")(?=\\s*\\(|\\s+(?:AS|ON)\\s)(.*)");
    /** The hosts a practice's account exists for ({@code PracticeAccounts}). */
    private static final List<String> HOSTS = List.of("127.0.0.1", "localhost");
    /**
     * Errors that mean a view names an object not made yet (another view; tried again after the
     * others) or not there at all (missing table, view, function or database).
     */
    private static final List<Integer> NOT_YET = List.of(1146, 1356, 1305, 1049);

    private SchemaObjects() {
    }

    /**
     * One object as {@code SHOW CREATE} prints it.
     *
     * @param kind     {@code view}, {@code function}, {@code procedure} or {@code event}
     * @param sqlMode  the sql_mode it was made under (routines, events; null for a view)
     * @param timeZone the time zone of an event's schedule (null otherwise)
     * @param create   the CREATE statement, its names without the database
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Definition(String kind, String name, String sqlMode, String timeZone, String create) {
    }

    /** Reads the definitions of {@code db}'s views, routines and events into {@code staging} (the writer's hook). */
    static void capture(DataSource admin, String db, Path staging) throws SQLException, IOException {
        Files.write(staging.resolve(STAGED), JsonMapping.MAPPER.writeValueAsBytes(capture(admin, db)));
    }

    /** {@code files} and, after them, the captured definitions compressed into the backup folder (the writer's hook). */
    static List<BackupManifest.FileEntry> withStored(List<BackupManifest.FileEntry> files, Path staging, Path partial)
            throws IOException {
        List<BackupManifest.FileEntry> out = new ArrayList<>(files);
        out.add(store(staging, partial));
        return out;
    }

    private static BackupManifest.FileEntry store(Path staging, Path partial) throws IOException {
        Path from = staging.resolve(STAGED);
        Files.createDirectories(partial.resolve(PATH).getParent());
        BackupFiles.Written w;
        try (InputStream in = Files.newInputStream(from)) {
            w = BackupFiles.compress(in, partial.resolve(PATH));
        }
        Files.delete(from);
        return new BackupManifest.FileEntry(PATH, KIND, w.bytes(), w.rawBytes(), w.sha256());
    }

    /** The definitions of {@code db}'s views, routines and events, read without running any of them. */
    static List<Definition> capture(DataSource admin, String db) throws SQLException {
        List<Definition> out = new ArrayList<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("USE " + quote(db));
            try {
                for (String[] r : names(c, "SELECT routine_name, routine_type FROM information_schema.routines"
                        + " WHERE routine_schema = ? ORDER BY created, routine_name", db)) {
                    String type = r[1].toUpperCase(Locale.ROOT);
                    if (!type.equals("FUNCTION") && !type.equals("PROCEDURE")) {
                        throw new CuspException(ErrorCode.CONFLICT, "cannot back up " + db + ": " + r[0] + " is a "
                                + type.toLowerCase(Locale.ROOT) + "; a Cusp backup carries views, functions,"
                                + " procedures, triggers and events only. Drop it as the practice's database user");
                    }
                    try (ResultSet rs = s.executeQuery("SHOW CREATE " + type + " " + quote(r[0]))) {
                        rs.next();
                        out.add(new Definition(type.toLowerCase(Locale.ROOT), r[0], rs.getString("sql_mode"), null,
                                rs.getString(3)));
                    }
                }
                for (String[] r : names(c, "SELECT table_name, table_type FROM information_schema.tables"
                        + " WHERE table_schema = ? AND table_type = 'VIEW' ORDER BY table_name", db)) {
                    try (ResultSet rs = s.executeQuery("SHOW CREATE VIEW " + quote(r[0]))) {
                        rs.next();
                        // A view MariaDB cannot resolve for its definer (a definer without rights here, a
                        // table gone) is printed as stored, its columns qualified with the database:
                        // dropped here, so that it too is made over the tables of whichever database it goes to.
                        out.add(new Definition("view", r[0], null, null, rs.getString(2).replace(quote(db) + ".", "")));
                    }
                }
                for (String[] r : names(c, "SELECT event_name, 'event' FROM information_schema.events"
                        + " WHERE event_schema = ? ORDER BY event_name", db)) {
                    try (ResultSet rs = s.executeQuery("SHOW CREATE EVENT " + quote(r[0]))) {
                        rs.next();
                        out.add(new Definition("event", r[0], rs.getString("sql_mode"), rs.getString("time_zone"),
                                rs.getString("Create Event")));
                    }
                }
            } finally {
                // Back to no current database: the pooled connection forgets the practice's.
                s.execute("USE information_schema");
            }
        }
        return out;
    }

    /**
     * True when backup {@code b} carries the practice's views, routines and events (maybe none);
     * false for one made before backups carried them, whose manifest has no entry for them.
     */
    public static boolean carried(BackupStore.Stored b) {
        return b.manifest().files().stream().anyMatch(e -> KIND.equals(e.kind()));
    }

    /**
     * The definitions a backup carries, its checksum checked; none for a backup made before
     * backups carried them.
     *
     * @throws CuspException CONFLICT naming the file when it is damaged
     */
    public static List<Definition> read(BackupStore.Stored b) {
        BackupManifest.FileEntry f = b.manifest().files().stream().filter(e -> KIND.equals(e.kind())).findFirst()
                .orElse(null);
        if (f == null || !PATH.equals(f.path())) {
            return List.of();
        }
        Path p = b.folder().resolve(PATH);
        byte[] raw;
        String sha;
        try (BackupFiles.Checked in = BackupFiles.decompress(p)) {
            raw = in.in().readAllBytes();
            sha = in.sha256();
        } catch (IOException e) {
            throw damaged(b, p);
        }
        if (!sha.equals(f.sha256())) {
            throw damaged(b, p);
        }
        try {
            return JsonMapping.MAPPER.readValue(new ByteArrayInputStream(raw), new TypeReference<List<Definition>>() {
            });
        } catch (IOException e) {
            throw damaged(b, p);
        }
    }

    /**
     * Makes backup {@code b}'s objects in {@code db} with {@code user} as their definer (binary
     * log off), events only when {@code events}; routines first, then views in an order that
     * works (a view may name another), then events.
     *
     * @throws CuspException CONFLICT naming the object that cannot be made
     */
    public static void make(DataSource admin, BackupStore.Stored b, String db, String user, boolean events) {
        List<Definition> defs = read(b);
        if (defs.isEmpty()) {
            return;
        }
        try {
            Binlog.withoutBinlog(admin, c -> {
                make(c, b, db, user, defs, events);
                return null;
            });
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot make the practice's views and routines in " + db
                    + ": " + e.getMessage(), "backup", e);
        }
    }

    /** As {@link #make(DataSource, BackupStore.Stored, String, String, boolean)}, on a connection the caller holds (binary log off). */
    static void make(Connection c, BackupStore.Stored b, String db, String user, List<Definition> defs, boolean events)
            throws SQLException {
        List<String[]> statements = new ArrayList<>();
        for (Definition d : defs) {
            statements.add(new String[] {d.kind(), d.name(), d.sqlMode(), d.timeZone(),
                withDefiner(label(b), d, user, b.manifest().database(), db)});
        }
        try (Statement s = c.createStatement()) {
            s.execute("USE " + quote(db));
            try {
                for (String[] st : statements) {
                    if (st[0].equals("function") || st[0].equals("procedure")) {
                        run(c, b, st);
                    }
                }
                makeViews(c, b, statements.stream().filter(st -> st[0].equals("view")).toList());
                if (events) {
                    for (String[] st : statements) {
                        if (st[0].equals("event")) {
                            run(c, b, st);
                        }
                    }
                }
            } finally {
                s.execute("SET SESSION sql_mode = DEFAULT");
                s.execute("SET SESSION time_zone = DEFAULT");
                s.execute("USE information_schema");
            }
        }
        requireDefiner(c, b, db, user);
    }

    /**
     * After a restore's swap: the live practice's own views, routines and events in {@code db}
     * are dropped and the restored practice's made (binary log off, as the swap). When the
     * restored copy carries none ({@link #carried}: it comes from a backup made before backups
     * carried them) the live ones are kept as they are, and the site log says so.
     *
     * @return false when the live ones were kept
     */
    public static boolean replace(DataSource admin, BackupStore.Stored restored, String db, String user) {
        if (!carried(restored)) {
            LOG.warn("tenant database {}: the restored practice carries no views, routines or events (its backup"
                    + " was made before backups carried them); the views, routines and events now in it were left"
                    + " as they are", db);
            return false;
        }
        List<Definition> defs = read(restored);
        try {
            Binlog.withoutBinlog(admin, c -> {
                for (String[] o : objects(c, db)) {
                    try (Statement s = c.createStatement()) {
                        s.execute("DROP " + o[0].toUpperCase(Locale.ROOT) + " IF EXISTS " + quote(db) + "." + quote(o[1]));
                    }
                }
                make(c, restored, db, user, defs, true);
                return null;
            });
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot make the restored practice's views and routines in "
                    + db + ": " + e.getMessage(), null, e);
        }
        if (!defs.isEmpty()) {
            LOG.info("tenant database {}: {} views, routines and events of the practice made again", db, defs.size());
        }
        return true;
    }

    /**
     * Proves the objects of {@code b} can be made over its tables loaded in {@code db} (a drill's
     * scratch copy, a restore's staging database), then drops them again; events are only checked
     * for their shape.
     */
    public static void prove(DataSource admin, BackupStore.Stored b, String db, String user) {
        make(admin, b, db, user, false);
        try {
            Binlog.withoutBinlog(admin, c -> {
                for (String[] o : objects(c, db)) {
                    try (Statement s = c.createStatement()) {
                        s.execute("DROP " + o[0].toUpperCase(Locale.ROOT) + " IF EXISTS " + quote(db) + "."
                                + quote(o[1]));
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            LOG.warn("{}: cannot drop the proven views and routines: {}", db, e.getMessage());
        }
    }

    private static void makeViews(Connection c, BackupStore.Stored b, List<String[]> views) throws SQLException {
        List<String[]> pending = new ArrayList<>(views);
        while (!pending.isEmpty()) {
            List<String[]> later = new ArrayList<>();
            SQLException last = null;
            for (String[] v : pending) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION sql_mode = DEFAULT");
                    s.execute(v[4]);
                } catch (SQLException e) {
                    if (!NOT_YET.contains(e.getErrorCode())) {
                        throw cannotMake(b, v, e);
                    }
                    later.add(v);
                    last = e;
                }
            }
            if (later.size() == pending.size()) {
                // Views that name what does not exist here: already broken at the practice (a dropped
                // table), or naming another database (which a scratch server does not hold). MariaDB
                // cannot make a view it cannot resolve; they are left out, and named.
                for (String[] v : later) {
                    LOG.warn("backup {} of {}: the practice's view {} is left out: {}", b.manifest().id(),
                            b.manifest().tenant(), v[1], last.getMessage());
                }
                return;
            }
            pending = later;
        }
    }

    private static void run(Connection c, BackupStore.Stored b, String[] st) throws SQLException {
        try (PreparedStatement mode = c.prepareStatement("SET SESSION sql_mode = ?");
             Statement s = c.createStatement()) {
            mode.setString(1, st[2] == null ? "" : st[2]);
            mode.execute();
            if (st[3] != null) {
                try (PreparedStatement tz = c.prepareStatement("SET SESSION time_zone = ?")) {
                    tz.setString(1, st[3]);
                    tz.execute();
                }
            }
            s.execute(st[4]);
        } catch (SQLException e) {
            throw cannotMake(b, st, e);
        }
    }

    /**
     * The recorded statement with its head rebuilt and {@code user} as its definer.
     *
     * @throws CuspException CONFLICT when the head is not one this class reads, names another
     *                       object or kind than recorded, or qualifies the name with a database
     */
    static String withDefiner(String backup, Definition d, String user) {
        return withDefiner(backup, d, user, null, null);
    }

    /**
     * As {@link #withDefiner(String, Definition, String)}, made in database {@code db}: after its
     * head, every reference to the backed-up practice's own database {@code from} names {@code db}
     * ({@link DatabaseRename}).
     */
    static String withDefiner(String backup, Definition d, String user, String from, String db) {
        Matcher m = HEAD.matcher(d.create() == null ? "" : d.create());
        String kind = m.matches() ? m.group(4).replaceAll("\\s+", " ").toLowerCase(Locale.ROOT) : "";
        boolean kindOk = kind.equals(d.kind()) || (kind.equals("aggregate function") && d.kind().equals("function"));
        if (!m.matches() || !kindOk || !unquote(m.group(5)).equals(d.name())
                || (m.group(3) != null && !d.kind().equals("view")) || (m.group(1) != null && !d.kind().equals("view"))) {
            throw new CuspException(ErrorCode.CONFLICT, backup + ": the recorded definition of " + d.kind() + " "
                    + d.name() + " is not one this site makes"
                    + " (changed by hand?); nothing was changed", "backup");
        }
        String host = m.group(2).endsWith("@`localhost`") ? "localhost" : HOSTS.get(0);
        return "CREATE " + (m.group(1) == null ? "" : m.group(1)) + "DEFINER=" + quote(user) + "@" + quote(host) + " "
                + (m.group(3) == null ? "" : m.group(3)) + m.group(4) + " " + m.group(5)
                + (db == null ? m.group(6) : DatabaseRename.rename(m.group(6), from, db, d.sqlMode()));
    }

    /** Every object of {@code db} has {@code user} as its definer; any other is dropped and the load fails. */
    private static void requireDefiner(Connection c, BackupStore.Stored b, String db, String user)
            throws SQLException {
        List<String> wrong = new ArrayList<>();
        for (String[] o : objects(c, db)) {
            String definer = o[2];
            boolean ok = HOSTS.stream().anyMatch(h -> (user + "@" + h).equals(definer));
            if (!ok) {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP " + o[0].toUpperCase(Locale.ROOT) + " IF EXISTS " + quote(db) + "." + quote(o[1]));
                }
                wrong.add(o[0] + " " + o[1] + " (definer " + definer + ")");
            }
        }
        if (!wrong.isEmpty()) {
            LOG.error("{}: objects made from backup {} of {} with another definer than {}, dropped: {}", db,
                    b.manifest().id(), b.manifest().tenant(), user, wrong);
            throw new CuspException(ErrorCode.CONFLICT, "backup " + b.manifest().id() + " of " + b.manifest().tenant()
                    + ": " + String.join(", ", wrong) + " would not run as the practice's own user " + user
                    + "; dropped", "backup");
        }
    }

    /**
     * Every view, routine and event of {@code db}: kind, name, definer ({@code user@host}). Not
     * its triggers: they are the tables' and are made with the tables (the restore's swap).
     */
    private static List<String[]> objects(Connection c, String db) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT 'view', table_name, definer FROM information_schema.views"
                + " WHERE table_schema = ? UNION ALL SELECT LOWER(routine_type), routine_name, definer FROM"
                + " information_schema.routines WHERE routine_schema = ? UNION ALL SELECT 'event', event_name, definer"
                + " FROM information_schema.events WHERE event_schema = ?")) {
            for (int i = 1; i <= 3; i++) {
                ps.setString(i, db);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }

    private static List<String[]> names(Connection c, String sql, String db) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return out;
    }

    private static CuspException cannotMake(BackupStore.Stored b, String[] st, SQLException e) {
        return new CuspException(ErrorCode.CONFLICT, "backup " + b.manifest().id() + " of " + b.manifest().tenant()
                + ": the practice's " + st[0] + " " + st[1] + " cannot be made again: " + e.getMessage(), "backup", e);
    }

    private static CuspException damaged(BackupStore.Stored b, Path p) {
        return new CuspException(ErrorCode.CONFLICT, "backup " + b.manifest().id() + " of " + b.manifest().tenant()
                + ": file " + p + " is damaged (its SHA-256 differs from the manifest's); nothing was changed",
                "backup");
    }

    /** "backup ID of TENANT", as messages name a backup. */
    private static String label(BackupStore.Stored b) {
        return "backup " + b.manifest().id() + " of " + b.manifest().tenant();
    }

    private static String unquote(String quoted) {
        return quoted.substring(1, quoted.length() - 1).replace("``", "`");
    }

    static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
