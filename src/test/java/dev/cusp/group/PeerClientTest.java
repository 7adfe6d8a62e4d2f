package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A member row whose URL is not one (written before joins checked addresses, or by hand) makes
 * that member unreachable, as every other failure to reach it is, instead of an exception the
 * callers' loops over the members do not expect. No request is sent.
 */
class PeerClientTest {
    @Test
    void aRecordedAddressThatIsNotAUrlIsThatSiteUnreachable() {
        HttpClient http = HttpClient.newHttpClient();
        for (String url : new String[] {"https://bad host:7443", "https://h:7443\nx", "https://[::1"}) {
            assertThatThrownBy(() -> PeerClient.send(http, "zz", url, "GET", "/api/v1/peer/hello", null,
                    Duration.ofSeconds(2)))
                    .isInstanceOf(CuspException.class)
                    .hasMessageContaining("cannot reach site zz: its recorded address is not a URL")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((CuspException) e).code())
                            .isEqualTo(ErrorCode.UNAVAILABLE));
        }
    }
}
