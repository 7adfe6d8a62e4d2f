package dev.cusp.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @Test
    void readmeListsEverySettingWithItsEnvironmentVariableAndDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (Setting<?> s : Settings.ALL) {
            assertThat(readme).as(s.key()).contains("| `" + s.key() + "` | `" + s.env() + "` | `" + s.defaultValue()
                    + "` | " + s.description());
        }
    }

    @Test
    void defaultsAreValid() {
        Settings s = Settings.defaults();
        assertThat(s.get(Settings.PORT)).isEqualTo(7443);
        assertThat(s.get(Settings.BIND)).isEqualTo("127.0.0.1");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheSettingAndValue() {
        assertThatThrownBy(() -> Settings.load(Map.of("port", "99999"), Map.of("CUSP_POOL_MAX", "lots",
                "CUSP_SITE_NAME", "Main Site"), null))
                .isInstanceOf(CuspException.class)
                .hasMessageContaining("port = '99999' (flag) must be from 0 to 65535")
                .hasMessageContaining("pool.max = 'lots' (environment CUSP_POOL_MAX) must be a whole number")
                .hasMessageContaining("site.name = 'Main Site'");
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("cusp.conf");
        Files.writeString(conf, "port=8000\npool.max=8\ntoken.ttl.minutes=60\n");
        Settings s = Settings.load(Map.of("port", "9000"), Map.of("CUSP_POOL_MAX", "9"), conf);
        assertThat(s.get(Settings.PORT)).isEqualTo(9000);
        assertThat(s.get(Settings.POOL_MAX)).isEqualTo(9);
        assertThat(s.get(Settings.TOKEN_TTL_MINUTES)).isEqualTo(60);
        assertThat(s.get(Settings.LOGIN_MAX_FAILURES)).isEqualTo(5);
    }

    @Test
    void unknownKeysInTheFileAreErrors(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("cusp.conf");
        Files.writeString(conf, "prot=8000\n");
        assertThatThrownBy(() -> Settings.load(Map.of(), Map.of(), conf)).hasMessageContaining("unknown setting 'prot'");
    }

    /** site.address becomes this site's row in the group: the same check every member applies to a joiner's node_host. */
    @Test
    void siteAddressIsAHostNameOrIpLiteralOnly() {
        for (String ok : new String[] {"localhost", "db-1.example.com", "10.0.0.7", "fd00::7"}) {
            assertThat(Settings.load(Map.of("site.address", ok), Map.of(), null).get(Settings.ADDRESS)).isEqualTo(ok);
        }
        for (String bad : new String[] {"x', MASTER_USER='root", "a..b", "-a", "host:8443", "1.2.3.999", ":::::",
                "a".repeat(64)}) {
            assertThatThrownBy(() -> Settings.load(Map.of("site.address", bad), Map.of(), null)).as(bad)
                    .isInstanceOf(CuspException.class).hasMessageContaining("site.address")
                    .hasMessageContaining("must be a DNS host name");
        }
    }
}
