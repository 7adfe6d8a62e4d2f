package dev.cusp.api;

import java.util.List;

/** The TLS protocol versions the HTTPS server enables, for status and tests. */
public final class ApiServerProtocols {
    private ApiServerProtocols() {
    }

    public static List<String> enabled() {
        return List.of(ApiServer.PROTOCOLS);
    }
}
