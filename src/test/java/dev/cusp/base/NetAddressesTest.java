package dev.cusp.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a site's address may be: the values every member stores, calls and hands to CHANGE MASTER. */
class NetAddressesTest {

    @Test
    void nodeHostTakesHostNamesAndIpLiteralsOnly() {
        for (String ok : List.of("localhost", "db1", "a-b.example.com", "EXAMPLE.org", "x", "1a.example",
                "127.0.0.1", "10.255.0.9", "::1", "fd00::2", "2001:db8:0:0:0:0:2:1", "::ffff:10.0.0.1",
                "a".repeat(63) + "." + "b".repeat(63), labels(253))) {
            assertThat(NetAddresses.nodeHost(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("", "x', MASTER_USER='root", "x'", "x\\", "x\"y", "x\ny", "x\r", "x\u0000y",
                "a b", "a..b", ".a", "a.", "-a", "a-", "a_b", "a:b", "[::1]", "::1%eth0", "1.2.3", "1.2.3.256",
                "01.2.3.4", "1.2.3.4.5", "999.1.1.1", ":::::", "1::2::3", "a".repeat(64), labels(255),
                "user@host", "host:3306", "host/path", "ex\u00e4mple.com")) {
            assertThat(NetAddresses.nodeHost(bad)).as(bad).isFalse();
        }
        assertThat(NetAddresses.nodeHost(null)).isFalse();
    }

    @Test
    void portsAreOneTo65535() {
        assertThat(NetAddresses.port(1)).isTrue();
        assertThat(NetAddresses.port(65535)).isTrue();
        assertThat(NetAddresses.port(0)).isFalse();
        assertThat(NetAddresses.port(-1)).isFalse();
        assertThat(NetAddresses.port(65536)).isFalse();
        assertThat(NetAddresses.port(70000)).isFalse();
    }

    @Test
    void urlIsHttpsHostAndPortOnlyAndStoredWithoutATrailingSlash() {
        assertThat(NetAddresses.httpsUrl("https://host:8443")).isEqualTo("https://host:8443");
        assertThat(NetAddresses.httpsUrl("https://host:8443/")).isEqualTo("https://host:8443");
        assertThat(NetAddresses.httpsUrl("https://a.example.com")).isEqualTo("https://a.example.com");
        assertThat(NetAddresses.httpsUrl("https://127.0.0.1:1")).isEqualTo("https://127.0.0.1:1");
        assertThat(NetAddresses.httpsUrl("https://[::1]:8443/")).isEqualTo("https://[::1]:8443");
        for (String bad : List.of("", "http://host:8443", "HTTPS://host", "ftp://host", "host:8443", "//host:8443",
                "https:host", "https://", "https://user@host:8443", "https://user:pw@host", "https://host:8443/x",
                "https://host:8443/api/v1", "https://host:8443//", "https://host:8443?x=1", "https://host:8443/?x",
                "https://host:8443#f", "https://host:0", "https://host:65536", "https://host:70000",
                "https://host:", "https://host:08443", "https://host:8443 ", " https://host", "https://ho st",
                "https://host\n:8443", "https://host:8443\r\nX: y", "https://a_b:8443", "https://a..b",
                "https://1.2.3.999", "https://[::1%25eth0]:1", "https://[zz::1]", "https://x'y",
                "https://" + "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63)
                        + ":8443")) {
            assertThat(NetAddresses.httpsUrl(bad)).as(bad).isNull();
        }
        assertThat(NetAddresses.httpsUrl(null)).isNull();
    }

    /** A host name of exactly {@code n} characters: labels of 9 letters and dots. */
    private static String labels(int n) {
        StringBuilder b = new StringBuilder();
        while (b.length() < n) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append("abcdefghi", 0, Math.min(9, n - b.length()));
        }
        return b.toString();
    }
}
