package dev.cusp.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the event headers of one MariaDB binary log file: where each transaction starts, its
 * GTID and its time, and the GTID state the file begins with. Only headers and the fixed start
 * of GTID and GTID-list events are read (a seek past every other event's body), so a 1 GB file
 * is indexed in milliseconds; the rows themselves are never parsed here.
 *
 * <p>Layout (MariaDB binlog v4): a 4-byte magic, then events of a 19-byte header
 * (timestamp u32, type u8, server_id u32, length u32, next position u32, flags u16), all
 * little-endian. A GTID event (type 162) carries seq_no u64 and domain_id u32; a GTID list event
 * (type 163) a count u32 (low 28 bits) and count times (domain u32, server u32, seq u64).
 */
public final class BinlogEvents {
    static final int GTID = 162;
    static final int GTID_LIST = 163;
    private static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
    private static final int HEADER = 19;

    /** A transaction: the offset of its GTID event, its GTID and its binary log time (whole seconds). */
    public record Txn(long offset, long domain, long server, long seq, long epochSecond) {
        public String gtid() {
            return domain + "-" + server + "-" + seq;
        }
    }

    /**
     * One file's index.
     *
     * @param startState the GTID state at the file's start, domain to "domain-server-seq"
     * @param size       the bytes read (the end of the last whole event)
     */
    public record Index(String file, Map<Long, String> startState, List<Txn> txns, long size) {
        /** The GTID state at the file's start as MariaDB writes positions: "d-s-n,d-s-n". */
        public String startPos() {
            return String.join(",", startState.values());
        }
    }

    private BinlogEvents() {
    }

    /** Indexes {@code file} (a closed binary log, or a copy of one). */
    public static Index read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(4);
            readFully(ch, magic, 0);
            if (!java.util.Arrays.equals(magic.array(), MAGIC)) {
                throw new IOException(file.getFileName() + " is not a MariaDB binary log");
            }
            long size = ch.size();
            long pos = 4;
            Map<Long, String> start = new LinkedHashMap<>();
            List<Txn> txns = new ArrayList<>();
            ByteBuffer h = ByteBuffer.allocate(HEADER + 16).order(ByteOrder.LITTLE_ENDIAN);
            while (pos + HEADER <= size) {
                h.clear();
                int n = readUpTo(ch, h, pos);
                if (n < HEADER) {
                    break;
                }
                long when = Integer.toUnsignedLong(h.getInt(0));
                int type = h.get(4) & 0xff;
                long server = Integer.toUnsignedLong(h.getInt(5));
                long length = Integer.toUnsignedLong(h.getInt(9));
                if (length < HEADER || pos + length > size) {
                    break; // A partly written last event: the file ends before it.
                }
                if (type == GTID && n >= HEADER + 12) {
                    long seq = h.getLong(HEADER);
                    long domain = Integer.toUnsignedLong(h.getInt(HEADER + 8));
                    txns.add(new Txn(pos, domain, server, seq, when));
                } else if (type == GTID_LIST) {
                    readList(ch, pos + HEADER, start);
                }
                pos += length;
            }
            return new Index(file.getFileName().toString(), start, txns, pos);
        }
    }

    private static void readList(FileChannel ch, long at, Map<Long, String> out) throws IOException {
        ByteBuffer c = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, c, at);
        int count = c.getInt(0) & 0x0fffffff;
        ByteBuffer b = ByteBuffer.allocate(count * 16).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, b, at + 4);
        for (int i = 0; i < count; i++) {
            long d = Integer.toUnsignedLong(b.getInt(i * 16));
            long s = Integer.toUnsignedLong(b.getInt(i * 16 + 4));
            long q = b.getLong(i * 16 + 8);
            out.put(d, d + "-" + s + "-" + q);
        }
    }

    private static int readUpTo(FileChannel ch, ByteBuffer b, long at) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, at + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        if (readUpTo(ch, b, at) < b.capacity()) {
            throw new IOException("binary log ends early");
        }
    }
}
