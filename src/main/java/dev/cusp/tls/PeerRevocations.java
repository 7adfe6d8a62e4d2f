package dev.cusp.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
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
 * CA's. A fetch that fails keeps the last list verified. A member whose list was never fetched
 * (unreachable since this site started) is checked against no list, and that is logged.
 */
public final class PeerRevocations {
    private static final Logger LOG = LoggerFactory.getLogger(PeerRevocations.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private record Held(String caFingerprint, BigInteger number, X509CRL crl) {
    }

    private final Map<String, Held> bySite = new ConcurrentHashMap<>();
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    /** The last problem logged per site, so an unreachable site is logged once, not every round. */
    private final Map<String, String> problems = new ConcurrentHashMap<>();

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
        bySite.entrySet().removeIf(e -> !cas.containsKey(e.getKey())
                || !e.getValue().caFingerprint().equals(TlsContexts.fingerprint(cas.get(e.getKey()))));
        clients.keySet().removeIf(k -> cas.values().stream().noneMatch(ca -> k.equals(TlsContexts.fingerprint(ca))));
    }

    /** Fetches the list of every site in {@code cas} that has an address in {@code listUrls}. */
    void fetch(Map<String, X509Certificate> cas, Map<String, String> listUrls) {
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
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(
                    new ByteArrayInputStream(r.body()));
            if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                throw new GeneralSecurityException("the list is not issued by the site's CA");
            }
            crl.verify(ca.getPublicKey());
            BigInteger number = number(r.body());
            bySite.compute(site, (k, held) -> held == null || !held.caFingerprint().equals(fp)
                    || number.compareTo(held.number()) >= 0 ? new Held(fp, number, crl) : held);
            if (problems.remove(site) != null) {
                LOG.info("tls: site {}'s revocation list is read again", site);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException ex) {
            String problem = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            if (!Objects.equals(problems.put(site, problem), problem)) {
                LOG.info("tls: cannot read site {}'s revocation list at {} ({}); {}", site, url, problem,
                        bySite.containsKey(site) ? "keeping the one read before" : "none read yet, so none is applied");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static BigInteger number(byte[] der) throws IOException {
        Extension e = new X509CRLHolder(der).getExtension(Extension.cRLNumber);
        return e == null ? BigInteger.ZERO : ASN1Integer.getInstance(e.getParsedValue()).getValue();
    }
}
