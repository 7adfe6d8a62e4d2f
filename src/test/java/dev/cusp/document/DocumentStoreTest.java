package dev.cusp.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentStoreTest {
    @TempDir
    Path dir;

    private static String sha(byte[] b) {
        return HexFormat.of().formatHex(DocumentStore.sha256().digest(b));
    }

    /** Every regular file under the folder, outside tmp: what a reader could see. */
    private List<Path> visible() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void storesByHashOnceAndPrivately() throws IOException {
        DocumentStore store = new DocumentStore(dir);
        byte[] x = "an x-ray".getBytes(StandardCharsets.UTF_8);
        DocumentStore.Stored a = store.put(new ByteArrayInputStream(x), sha(x), 100);
        DocumentStore.Stored b = store.put(new ByteArrayInputStream(x), null, 100);
        assertThat(a).isEqualTo(new DocumentStore.Stored(sha(x), x.length, false));
        assertThat(b.existed()).isTrue();
        assertThat(visible()).containsExactly(dir.resolve("sha256").resolve(sha(x).substring(0, 2)).resolve(sha(x)));
        assertThat(store.has(sha(x))).isTrue();
        assertThat(store.hashes()).containsExactly(sha(x));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.path(sha(x)))))
                .isEqualTo("rw-------");
        try (FileChannel ch = store.open(sha(x))) {
            ByteBuffer bb = ByteBuffer.allocate(3);
            ch.position(3).read(bb);
            assertThat(new String(bb.array(), StandardCharsets.UTF_8)).isEqualTo("x-r");
        }
        assertThat(store.delete(sha(x))).isTrue();
        assertThat(store.has(sha(x))).isFalse();
    }

    @Test
    void keepsNothingForAMismatchAnOversizeOrACutStream() throws IOException {
        DocumentStore store = new DocumentStore(dir);
        byte[] x = new byte[300_000];
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(x), "0".repeat(64), 1_000_000))
                .isInstanceOf(CuspException.class).extracting(e -> ((CuspException) e).field()).isEqualTo("sha256");
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(x), null, 299_999))
                .isInstanceOf(CuspException.class)
                .extracting(e -> ((CuspException) e).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        InputStream cut = new InputStream() {
            int left = 200_000;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new IOException("client went away");
                }
                return 7;
            }
        };
        assertThatThrownBy(() -> store.put(cut, null, 1_000_000)).isInstanceOf(IOException.class);
        assertThat(visible()).isEmpty();
    }

    @Test
    void refusesAnythingButAHashAsAName() {
        DocumentStore store = new DocumentStore(dir);
        for (String bad : new String[] {"../../etc/passwd", "A".repeat(64), "a".repeat(63), "a".repeat(63) + "/",
                "", "a".repeat(64) + "\0"}) {
            assertThatThrownBy(() -> store.has(bad)).isInstanceOf(CuspException.class);
            assertThatThrownBy(() -> store.open(bad)).isInstanceOf(CuspException.class);
            assertThatThrownBy(() -> store.delete(bad)).isInstanceOf(CuspException.class);
        }
        assertThatThrownBy(() -> store.put(InputStream.nullInputStream(), "../x", 10))
                .isInstanceOf(CuspException.class);
    }

    @Test
    void concurrentPutsOfTheSameBytesStoreThemOnce() throws Exception {
        DocumentStore store = new DocumentStore(dir);
        byte[] x = new byte[1_000_000];
        new java.util.Random(7).nextBytes(x);
        try (var pool = Executors.newFixedThreadPool(4)) {
            List<Future<DocumentStore.Stored>> fs = pool.invokeAll(Stream.<Callable<DocumentStore.Stored>>generate(
                    () -> () -> store.put(new ByteArrayInputStream(x), sha(x), x.length)).limit(8).toList());
            for (Future<DocumentStore.Stored> f : fs) {
                assertThat(f.get().sha256()).isEqualTo(sha(x));
            }
        }
        assertThat(visible()).hasSize(1);
        assertThat(sha(Files.readAllBytes(store.path(sha(x))))).isEqualTo(sha(x));
    }

    @Test
    void sweepsWhatACrashLeft() throws IOException {
        DocumentStore store = new DocumentStore(dir);
        Path part = Files.writeString(dir.resolve("tmp").resolve("left.part"), "half");
        assertThat(store.sweepPartials(Instant.now().plusSeconds(1))).isEqualTo(1);
        assertThat(Files.exists(part)).isFalse();
    }
}
