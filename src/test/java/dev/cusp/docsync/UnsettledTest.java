package dev.cusp.docsync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.document.DocumentStore;
import dev.cusp.document.DocumentStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch's files renamed into the store before they are forced to disk: the ledger is on disk
 * first, the settler forces them and removes it, and a start after a power cut (a name kept whose
 * bytes never reached the disk) hashes every file a ledger names and sets aside the wrong ones.
 */
class UnsettledTest {
    private static final String DB = "od_settle_1";
    @TempDir
    Path home;

    private LocalContent content() {
        return new LocalContent(home, new DocumentStores(home));
    }

    /** Received files (as a transfer leaves them in .incoming), by hash. */
    private List<String[]> received(LocalContent c, int n, int seed) throws IOException {
        Random r = new Random(seed);
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[10_000 + r.nextInt(50_000)];
            r.nextBytes(b);
            String sha = HexFormat.of().formatHex(DocumentStore.sha256().digest(b));
            Path part = c.partial(DB, sha);
            Files.write(part, b);
            out.add(new String[] {sha, part.toString(), String.valueOf(b.length)});
        }
        return out;
    }

    private Unsettled.Ledger renameAll(LocalContent c, List<String[]> files) throws IOException {
        Unsettled.Ledger l = c.beginUnsettled(DB, files.stream().map(f -> f[0]).toList());
        for (String[] f : files) {
            Path folder = c.adoptUnsettled(DB, f[0], Path.of(f[1]));
            l.renamed(f[0], Long.parseLong(f[2]), folder);
        }
        return l;
    }

    private List<Path> ledgers() throws IOException {
        try (Stream<Path> s = Files.list(home.resolve(".incoming"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("unsettled-")).toList();
        }
    }

    @Test
    void aBatchIsReadableAtOnceAndSettledSecondsLaterWithItsLedgerGone() throws Exception {
        LocalContent c = content();
        List<String[]> files = received(c, 5, 1);
        Unsettled.Ledger l = renameAll(c, files);

        // The ledger names every file before any is forced; the files are readable under their names.
        assertThat(ledgers()).hasSize(1);
        assertThat(Files.readString(ledgers().get(0), StandardCharsets.US_ASCII)).contains(files.get(4)[0]);
        for (String[] f : files) {
            assertThat(c.has(DB, f[0])).isTrue();
            assertThat(c.intact(DB, f[0])).isTrue();
        }
        assertThat(c.unsettledFiles()).isEqualTo(5);

        c.endUnsettled(l);
        assertThat(c.awaitSettled(Duration.ofSeconds(30))).isTrue();
        assertThat(c.unsettledFiles()).isZero();
        assertThat(ledgers()).isEmpty();
        c.settle();
    }

    @Test
    void aStartAfterAPowerCutSetsAsideEveryNamedFileWhoseBytesAreWrongAndKeepsTheRest() throws Exception {
        LocalContent before = content();
        List<String[]> files = received(before, 4, 2);
        renameAll(before, files);
        // The power cut: the names were kept, the bytes of two never reached the disk (one empty,
        // one with a block of zeros), and the ledger was not settled.
        Path empty = before.file(DB, files.get(0)[0]);
        Files.write(empty, new byte[0]);
        Path holed = before.file(DB, files.get(1)[0]);
        byte[] b = Files.readAllBytes(holed);
        java.util.Arrays.fill(b, 100, 4196, (byte) 0);
        Files.write(holed, b);

        LocalContent after = content();
        assertThat(after.recover()).isEqualTo(2);
        assertThat(after.has(DB, files.get(0)[0])).isFalse();
        assertThat(after.has(DB, files.get(1)[0])).isFalse();
        assertThat(after.has(DB, files.get(2)[0])).isTrue();
        assertThat(after.intact(DB, files.get(3)[0])).isTrue();
        // Set aside for inspection, not deleted; the ledger is gone and a second start finds nothing.
        try (Stream<Path> aside = Files.list(home.resolve(".corrupt").resolve(DB))) {
            assertThat(aside.count()).isEqualTo(2);
        }
        assertThat(ledgers()).isEmpty();
        assertThat(content().recover()).isZero();
    }

    @Test
    void aLedgerNamingAPathOrAnotherKindOfNameTouchesNothingOutsideTheStores() throws Exception {
        LocalContent c = content();
        Path outside = home.getParent().resolve("outside-" + System.nanoTime());
        Files.writeString(outside, "not a document");
        Files.createDirectories(home.resolve(".incoming"));
        Files.writeString(home.resolve(".incoming").resolve("unsettled-hand-made"),
                "../.. " + outside.getFileName() + "\n" + DB + " ../../../" + outside.getFileName() + "\n"
                        + "od_x_1 " + "A".repeat(64) + "\nnot a line at all\n\n", StandardCharsets.US_ASCII);
        try {
            assertThat(c.recover()).isZero();
            assertThat(Files.readString(outside)).isEqualTo("not a document");
            assertThat(ledgers()).isEmpty();
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aClosingSiteForcesWhatIsPendingAtOnceAndLeavesNoLedger() throws Exception {
        LocalContent c = content();
        List<String[]> files = received(c, 3, 3);
        Unsettled.Ledger l = renameAll(c, files);
        c.endUnsettled(l);
        c.settle();
        assertThat(c.unsettledFiles()).isZero();
        assertThat(ledgers()).isEmpty();
        // A batch ending after the close is forced at once too.
        List<String[]> late = received(c, 2, 4);
        c.endUnsettled(renameAll(c, late));
        assertThat(c.unsettledFiles()).isZero();
        assertThat(ledgers()).isEmpty();
    }
}
