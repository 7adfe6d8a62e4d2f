package dev.cusp.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * Which client certificates belong to a site of the replication group: those signed by the
 * CA of a site in it, and not on that site's revocation list ({@link PeerRevocations}). The set
 * changes while the site runs (sites join and leave, lists are read again every few seconds).
 *
 * <p>The TLS handshake lets any client certificate through ({@link #checkClientTrusted}); the
 * handshake still proves the client holds the certificate's key. What a certificate may do is
 * decided per route by {@code api.PeerAccess} through {@link #siteOf}: so a joining site can
 * present its certificate with its one-time secret before its CA is trusted (the join is pinned
 * to it), and a certificate of no member gets a 403 naming why, not a bare handshake failure.
 * Clients without a certificate (the CLI, browsers, practice applications) are not affected.
 */
public final class PeerTrust implements X509TrustManager {
    private volatile Map<String, X509Certificate> casBySite = Map.of();
    private final PeerRevocations revocations;

    /** Lists kept in memory only (a site that restarts reads them again). */
    public PeerTrust() {
        this(null);
    }

    /** {@code keptLists}: the owner-only folder the verified lists are kept in across restarts. */
    public PeerTrust(Path keptLists) {
        this.revocations = new PeerRevocations(keptLists);
    }

    /** Replaces the trusted CAs: site name to CA certificate. */
    public void update(Map<String, X509Certificate> cas) {
        this.casBySite = Map.copyOf(cas);
        revocations.retain(casBySite);
    }

    /** Where each trusted site serves its revocation list, by site name (read on the spot when none is held). */
    public void listUrls(Map<String, String> listUrlBySite) {
        revocations.listUrls(listUrlBySite);
    }

    /**
     * Reads the trusted sites' revocation lists again, each from its address ({@code
     * https://ADDRESS:PORT/api/v1/tls/crl}) given by site name; a certificate a list names is
     * then no longer any site's.
     */
    public void fetchRevocations(Map<String, String> listUrlBySite) {
        revocations.fetch(casBySite, listUrlBySite);
    }

    /**
     * The group site whose CA signed {@code leaf}, if any, and which has not revoked it (its
     * revocation list names the certificates it replaced and any its operator revoked).
     */
    public Optional<String> siteOf(X509Certificate leaf) {
        return issuer(leaf).filter(site -> revocations.revoked(site, leaf).isEmpty());
    }

    /** Why {@code leaf} is refused although a group site's CA signed it: its entry on that site's revocation list. */
    public Optional<String> revocation(X509Certificate leaf) {
        return issuer(leaf).flatMap(site -> revocations.revoked(site, leaf));
    }

    /**
     * Why {@code leaf}, signed by a group site's CA, cannot be checked: that site's revocation
     * list has never been read here (see {@link PeerRevocations}); unknown is not clean.
     */
    public Optional<String> unchecked(X509Certificate leaf) {
        return issuer(leaf).flatMap(revocations::unknown);
    }

    private Optional<String> issuer(X509Certificate leaf) {
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
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no client certificate");
        }
        // Any certificate passes here: a client certificate grants nothing by itself, and every
        // route that reads one checks it (PeerAccess: siteOf; a join: signed by the CA it sends).
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
