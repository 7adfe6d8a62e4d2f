package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup's copy under the lock goes in parts, side by side, each written at its own offset
 * of the staged file: every staged file must equal its source byte for byte, whatever the part
 * size (a tablespace of many parts, one of exactly one part, one with a short last part, an
 * empty file).
 */
class TableFilesTest {
    @TempDir
    Path home;

    @Test
    void aCopyInPartsEqualsItsSourceByteForByte() throws Exception {
        NodeConfig node = new NodeConfig(home.resolve("node"), 0, 1, 1, 16, null, null, null, "x");
        Path db = Files.createDirectories(node.dataDir().resolve("od_t_1"));
        Random r = new Random(7);
        int part = 4096;
        int[] sizes = {part * 37 + 123, part, part * 2, 0, 17};
        List<String> tables = List.of("big", "one", "two", "empty", "tiny");
        for (int i = 0; i < tables.size(); i++) {
            byte[] ibd = new byte[sizes[i]];
            r.nextBytes(ibd);
            Files.write(db.resolve(tables.get(i) + ".ibd"), ibd);
            byte[] cfg = new byte[100 + i];
            r.nextBytes(cfg);
            Files.write(db.resolve(tables.get(i) + ".cfg"), cfg);
        }
        Path staging = Files.createDirectories(home.resolve("staging"));

        TableFiles.copy(node, "od_t_1", tables, staging, part);
        TableFiles.readAhead(node, "od_t_1", tables);

        for (String t : tables) {
            for (String ext : TableFiles.EXTENSIONS) {
                assertThat(Files.readAllBytes(staging.resolve(t + ext))).as(t + ext)
                        .isEqualTo(Files.readAllBytes(db.resolve(t + ext)));
            }
        }
    }
}
