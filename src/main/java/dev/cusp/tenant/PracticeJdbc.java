package dev.cusp.tenant;

import java.nio.file.Path;

/**
 * The JDBC address Cusp uses to connect as a practice's own account (its pool, Flyway, the
 * fresh schema). The accounts require TLS ({@link PracticeAccounts}), so these connections
 * verify the node's certificate against the site's CA and its name (127.0.0.1 is in it), like
 * any client should. Pools keep their connections, so the handshake is paid once per connection.
 */
public record PracticeJdbc(String host, int port, Path caCert) {

    public PracticeJdbc {
        // Connector/J reads its options from the address itself, split at '&' and '='.
        if (caCert.toString().matches(".*[&=?#;].*")) {
            throw new IllegalArgumentException("the site's folder " + caCert.getParent()
                    + " has a character ('&', '=', '?', '#' or ';') the database driver cannot take in a path;"
                    + " move the site to a folder without it");
        }
    }

    /** The address of {@code database} (empty: none). */
    public String url(String database) {
        return "jdbc:mariadb://" + host + ":" + port + "/" + database + "?sslMode=verify-full&serverSslCert=" + caCert;
    }
}
