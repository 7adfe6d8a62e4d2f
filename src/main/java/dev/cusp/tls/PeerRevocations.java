package dev.cusp.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import dev.cusp.base.FilePermissions;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CRLReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other sites' revocation lists, as this site consults them for a client certificate. Each
 * site's CA signs its own list ({@link RevocationList}: the certificates it replaced, and any the
 * operator revoked in {@code HOME/tls/revoked}) and serves it at its address. This fetches every
 * member's list, over HTTPS trusting only that member's CA, accepts it only if that CA signed it,
 * and keeps the newest by CRL number: a list cannot be swapped for an older one, nor for another
 * CA's. A fetch that fails keeps the last list verified.
 *
 * <p>Each list accepted is kept on disk too ({@code HOME/tls/peer-crls/SITE.crl}, owner-only) and
 * read back, verified again, when this site starts: a restart does not forget a revocation while
 * the revoking site is unreachable (which is just when a thief would use a stolen certificate).
 * A member whose list was never read at all is unknown, not clean: {@link #unknown} is fetched
 * once more on the spot, and while it still cannot be read that member's certificates are refused.
 */
public final class PeerRevocations {
    private static final Logger LOG = LoggerFactory.getLogger(PeerRevocations.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private record Held(String caFingerprint, BigInteger number, X509CRL crl) {
    }

    /** Where accepted lists are kept across restarts; null keeps them in memory only. */
    private final Path dir;
    private final Map<String, Held> bySite = new ConcurrentHashMap<>();
    /** The trusted CAs and list addresses last given, for a fetch on the spot ({@link #unknown}). */
    private volatile Map<String, X509Certificate> cas = Map.of();
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    /** When a list was last fetched on the spot, per site: a caller cannot make this site fetch in a loop. */
    private final Map<String, Instant> onTheSpot = new ConcurrentHashMap<>();
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    /** The last problem logged per site, so an unreachable site is logged once, not every round. */
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    PeerRevocations(Path dir) {
        this.dir = dir;
    }

    /**
     * Why {@code site}'s certificates cannot be checked: no list of it was ever read (nor kept
     * on disk). Fetched once more first (at most every {@code TIMEOUT}); empty once one is held.
     */
    Optional<String> unknown(String site) {
        if (bySite.containsKey(site)) {
            return Optional.empty();
        }
        X509Certificate ca = cas.get(site);
        String url = urls.get(site);
        Instant now = Instant.now();
        if (ca != null && url != null) {
            Instant last = onTheSpot.get(site);
            if (last == null || last.plus(TIMEOUT).isBefore(now)) {
                onTheSpot.put(site, now);
                fetchOne(site, ca, url);
            }
        }
        if (bySite.containsKey(site)) {
            return Optional.empty();
        }
        String why = problems.get(site);
        return Optional.of("site " + site + "'s revocation list has never been read here ("
                + (why == null ? "no address known for it yet" : why) + "), so whether its certificate"
                + " authority revoked this certificate is unknown; it is refused until the list is read");
    }

    /** Why {@code leaf}, signed by {@code site}'s CA, is refused; empty when that site's list does not name it. */
    Optional<String> revoked(String site, X509Certificate leaf) {
        Held h = bySite.get(site);
        X509CRLEntry e = h == null ? null : h.crl().getRevokedCertificate(leaf);
        if (e == null) {
            return Optional.empty();
        }
        CRLReason reason = e.getRevocationReason();
        return Optional.of("site " + site + "'s certificate authority revoked this certificate (serial "
                + leaf.getSerialNumber().toString(16) + ", " + (reason == null ? "unspecified" : reason.name()
                .toLowerCase(java.util.Locale.ROOT)) + ", " + e.getRevocationDate().toInstant() + ")");
    }

    /** Forgets the lists of sites no longer trusted, or whose CA is another one now. */
    void retain(Map<String, X509Certificate> cas) {
        this.cas = cas;
        bySite.entrySet().removeIf(e -> !cas.containsKey(e.getKey())
                || !e.getValue().caFingerprint().equals(TlsContexts.fingerprint(cas.get(e.getKey()))));
        clients.keySet().removeIf(k -> cas.values().stream().noneMatch(ca -> k.equals(TlsContexts.fingerprint(ca))));
        cas.forEach((site, ca) -> {
            if (!bySite.containsKey(site)) {
                loadKept(site, ca);
            }
        });
    }

    /** Reads back the list kept for {@code site}, if {@code ca} signed it (a file of an earlier CA is ignored). */
    private void loadKept(String site, X509Certificate ca) {
        Path f = kept(site);
        if (f == null || !Files.isRegularFile(f)) {
            return;
        }
        try {
            accept(site, ca, Files.readAllBytes(f), false);
            LOG.info("tls: site {}'s revocation list is the one kept from before", site);
        } catch (IOException | GeneralSecurityException | RuntimeException ex) {
            String problem = "the kept list " + f.getFileName() + " is not valid for its CA ("
                    + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()) + ")";
            if (!Objects.equals(problems.put(site, problem), problem)) {
                LOG.info("tls: site {}: {}", site, problem);
            }
        }
    }

    private Path kept(String site) {
        return dir == null || !site.matches("[A-Za-z0-9._-]+") ? null : dir.resolve(site + ".crl");
    }

    /** Where each site serves its list, for a fetch on the spot ({@link #unknown}). */
    void listUrls(Map<String, String> listUrls) {
        urls.keySet().retainAll(listUrls.keySet());
        urls.putAll(listUrls);
    }

    void fetch(Map<String, X509Certificate> cas, Map<String, String> listUrls) {
        listUrls(listUrls);
        for (var e : cas.entrySet()) {
            String url = listUrls.get(e.getKey());
            if (url != null) {
                fetchOne(e.getKey(), e.getValue(), url);
            }
        }
    }

    private void fetchOne(String site, X509Certificate ca, String url) {
        String fp = TlsContexts.fingerprint(ca);
        try {
            HttpClient http = clients.computeIfAbsent(fp, k -> HttpClient.newBuilder()
                    .sslContext(TlsContexts.client(null, ca, false)).connectTimeout(TIMEOUT).build());
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException("answered " + r.statusCode());
            }
            accept(site, ca, r.body(), true);
            if (problems.remove(site) != null) {
                LOG.info("tls: site {}'s revocation list is read again", site);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException ex) {
            String problem = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            if (!Objects.equals(problems.put(site, problem), problem)) {
                LOG.info("tls: cannot read site {}'s revocation list at {} ({}); {}", site, url, problem,
                        bySite.containsKey(site) ? "keeping the one read before" : "none read yet, so its certificates are refused");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Holds {@code der} as {@code site}'s list if {@code ca} issued and signed it and it is not older; keeps it on disk. */
    private void accept(String site, X509Certificate ca, byte[] der, boolean keep)
            throws IOException, GeneralSecurityException {
        String fp = TlsContexts.fingerprint(ca);
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            throw new GeneralSecurityException("the list is not issued by the site's CA");
        }
        crl.verify(ca.getPublicKey());
        BigInteger number = number(der);
        Held before = bySite.get(site);
        Held now = bySite.compute(site, (k, held) -> held == null || !held.caFingerprint().equals(fp)
                || number.compareTo(held.number()) >= 0 ? new Held(fp, number, crl) : held);
        // Written when it changed only (the lists are read every few seconds).
        if (keep && now.crl() == crl && (before == null || !before.caFingerprint().equals(fp)
                || number.compareTo(before.number()) > 0)) {
            store(site, der);
        }
    }

    private synchronized void store(String site, byte[] der) {
        Path f = kept(site);
        if (f != null) {
            FilePermissions.writePrivate(f, der);
        }
    }

    private static BigInteger number(byte[] der) throws IOException {
        Extension e = new X509CRLHolder(der).getExtension(Extension.cRLNumber);
        return e == null ? BigInteger.ZERO : ASN1Integer.getInstance(e.getParsedValue()).getValue();
    }
}
