package dev.cusp.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * Which client certificates the site's HTTPS server accepts: those signed by the CA of a site
 * in its replication group, and nothing else. The set changes while the site runs (sites join
 * and leave), so the server asks this object at every handshake. Clients without a
 * certificate (the CLI, browsers, practice applications) are not affected: the server only
 * asks for one, and the peer routes require it.
 */
public final class PeerTrust implements X509TrustManager {
    private volatile Map<String, X509Certificate> casBySite = Map.of();

    /** Replaces the trusted CAs: site name to CA certificate. */
    public void update(Map<String, X509Certificate> cas) {
        this.casBySite = Map.copyOf(cas);
    }

    /** The group site whose CA signed {@code leaf}, if any. */
    public Optional<String> siteOf(X509Certificate leaf) {
        try {
            leaf.checkValidity();
        } catch (CertificateException e) {
            return Optional.empty();
        }
        for (var e : casBySite.entrySet()) {
            X509Certificate ca = e.getValue();
            if (leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                try {
                    leaf.verify(ca.getPublicKey());
                    return Optional.of(e.getKey());
                } catch (GeneralSecurityException notThisOne) {
                    // Same name, other key: keep looking.
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0 || siteOf(chain[0]).isEmpty()) {
            throw new CertificateException("the client certificate is not from a site of this replication group");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager only checks clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return List.copyOf(casBySite.values()).toArray(X509Certificate[]::new);
    }
}
