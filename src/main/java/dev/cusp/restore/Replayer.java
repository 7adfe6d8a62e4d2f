package dev.cusp.restore;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.NodeConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Replays a {@link ReplayPlan} in a scratch server with MariaDB's own applier: the archived
 * binary logs are put in place as the scratch server's relay logs, and its SQL thread alone is
 * started from the first transaction to replay, {@code UNTIL} the first one not to. The relay
 * log format is the binary log format, so no event is converted, and the server's
 * {@code replicate_wild_do_table} filter (set when the scratch server starts) keeps every other
 * practice's changes out. A stop at the end of the last file is seen from the applier's
 * position moving past the copied files.
 */
final class Replayer {
    private static final String RELAY = "relay-bin";

    private Replayer() {
    }

    /** Replays; {@code progress} is told the number of files done. Returns the milliseconds spent applying. */
    static long replay(ScratchNode scratch, BinlogArchive archive, ReplayPlan plan, LongConsumer progress)
            throws SQLException, IOException {
        if (plan.empty()) {
            return 0;
        }
        NodeConfig c = scratch.config();
        try (Connection con = scratch.node().adminConnection(); Statement s = con.createStatement()) {
            s.execute("RESET SLAVE ALL");
            List<String> names = new ArrayList<>();
            StringBuilder index = new StringBuilder();
            for (int i = 0; i < plan.files().size(); i++) {
                String name = String.format("%s.%06d", RELAY, i + 1);
                Path src = archive.dir().resolve(plan.files().get(i).file());
                writeInto(c, name, src, null);
                names.add(name);
                index.append("./").append(name).append('\n');
            }
            writeInto(c, RELAY + ".index", null, index.toString().getBytes(StandardCharsets.UTF_8));
            String first = names.get(0);
            String last = names.get(names.size() - 1);
            s.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=9, MASTER_USER='none',"
                    + " RELAY_LOG_FILE='" + first + "', RELAY_LOG_POS=" + plan.startOffset());
            long t0 = System.nanoTime();
            s.execute("START SLAVE SQL_THREAD" + (plan.stopOffset() >= 0 ? " UNTIL RELAY_LOG_FILE='" + last
                    + "', RELAY_LOG_POS=" + plan.stopOffset() : ""));
            long lastSize = plan.files().get(plan.files().size() - 1).size();
            while (true) {
                try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                    if (!rs.next()) {
                        throw new CuspException(ErrorCode.INTERNAL, "the scratch server lost its replay connection");
                    }
                    int errno = rs.getInt("Last_SQL_Errno");
                    if (errno != 0) {
                        throw new CuspException(ErrorCode.INTERNAL, "replaying the binary logs stopped with MariaDB"
                                + " error " + errno + ": " + rs.getString("Last_SQL_Error"));
                    }
                    String file = rs.getString("Relay_Log_File");
                    long pos = rs.getLong("Relay_Log_Pos");
                    boolean running = "Yes".equals(rs.getString("Slave_SQL_Running"));
                    int at = names.indexOf(file);
                    progress.accept(at < 0 ? names.size() : at);
                    boolean past = at < 0 || (at == names.size() - 1 && pos >= lastSize);
                    if (!running || (plan.stopOffset() < 0 && past)) {
                        if (plan.stopOffset() >= 0 && !(file.equals(last) && pos == plan.stopOffset())) {
                            throw new CuspException(ErrorCode.INTERNAL, "the replay stopped at " + file + ":" + pos
                                    + ", not at " + last + ":" + plan.stopOffset());
                        }
                        break;
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CuspException(ErrorCode.UNAVAILABLE, "the replay was interrupted");
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            s.execute("STOP SLAVE SQL_THREAD");
            s.execute("RESET SLAVE ALL");
            return ms;
        }
    }

    /**
     * Writes a file into the scratch server's data folder, owned by the server's OS user: a new
     * file, never through a link the folder's owner may have put there.
     */
    private static void writeInto(NodeConfig c, String name, Path from, byte[] content) throws IOException {
        Path to = c.dataDir().resolve(name);
        Files.deleteIfExists(to);
        try (FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            if (from != null) {
                try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ)) {
                    long n = in.size();
                    long done = 0;
                    while (done < n) {
                        done += in.transferTo(done, n - done, out);
                    }
                }
            } else {
                out.write(java.nio.ByteBuffer.wrap(content));
            }
        }
        if ("root".equals(System.getProperty("user.name"))) {
            UserPrincipal u = to.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(c.dbOsUser());
            Files.getFileAttributeView(to, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(u);
        }
    }
}
