package dev.cusp.tls;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.base.FilePermissions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site CA's certificate revocation list (RFC 5280), served at {@value #PATH} and named in
 * every site certificate's CRL Distribution Points. It lists the certificates this CA issued and
 * then replaced (reason {@code superseded}: a renewal, a new address or port) and any other the
 * operator revoked, until each one's end of validity.
 *
 * <p>Two files in {@code HOME/tls}, owner-only: {@code revoked} (one certificate a line:
 * {@code SERIAL-HEX [REASON [REVOKED-AT [NOT-AFTER]]]}, {@code #} comments; an operator may add a
 * line, e.g. {@code 1f3a... keyCompromise}) and {@code crl.der}, the signed list. The list is valid
 * {@link #VALIDITY} and signed again after {@link #RESIGN_AFTER}, or at once when {@code revoked}
 * changed; a relying party that caches it until its nextUpdate misses at most a day's news.
 */
public final class RevocationList {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);
    /** Where the HTTPS server serves the list (unauthenticated: it is public, and signed). */
    public static final String PATH = "/api/v1/tls/crl";
    public static final String CONTENT_TYPE = "application/pkix-crl";
    /** From thisUpdate to nextUpdate. */
    static final Duration VALIDITY = Duration.ofDays(7);
    /** A list this old is signed again when next asked for, well before its nextUpdate. */
    static final Duration RESIGN_AFTER = Duration.ofDays(1);
    /** One writer at a time per JVM: the files are replaced whole, but read-modify-write is not atomic. */
    private static final Object LOCK = new Object();

    private static final Map<String, Integer> REASONS = new LinkedHashMap<>();

    static {
        REASONS.put("unspecified", CRLReason.unspecified);
        REASONS.put("keyCompromise", CRLReason.keyCompromise);
        REASONS.put("affiliationChanged", CRLReason.affiliationChanged);
        REASONS.put("superseded", CRLReason.superseded);
        REASONS.put("cessationOfOperation", CRLReason.cessationOfOperation);
    }

    /** One revoked certificate; {@code notAfter} null when unknown (kept on the list for good). */
    record Entry(BigInteger serial, String reason, Instant revokedAt, Instant notAfter) {
        String line() {
            return serial.toString(16) + " " + reason + " " + revokedAt + " " + (notAfter == null ? "-" : notAfter);
        }
    }

    private final Path dir;
    /** What was last served, to answer without re-reading or re-signing. */
    private volatile Signed cached;

    private record Signed(byte[] der, Instant thisUpdate, FileTime written) {
    }

    public RevocationList(Path tlsDir) {
        this.dir = tlsDir;
    }

    public Path crlFile() {
        return dir.resolve("crl.der");
    }

    public Path revokedFile() {
        return dir.resolve("revoked");
    }

    /**
     * Adds {@code cert}, issued by this CA, to the list with {@code reason} and signs the list
     * again. A serial already listed is left as it is.
     */
    void revoke(X509Certificate cert, String reason, X509Certificate ca, PrivateKey caKey) {
        synchronized (LOCK) {
            List<Entry> entries = new ArrayList<>(read());
            if (entries.stream().noneMatch(e -> e.serial().equals(cert.getSerialNumber()))) {
                Instant now = Instant.now();
                // Expired ones have nothing left to revoke (RFC 5280 5.1.2.6 lets them go).
                entries.removeIf(e -> e.notAfter() != null && e.notAfter().isBefore(now));
                entries.add(new Entry(cert.getSerialNumber(), reason, now, cert.getNotAfter().toInstant()));
                StringBuilder b = new StringBuilder("# Certificates this site's CA revoked: SERIAL-HEX REASON"
                        + " REVOKED-AT NOT-AFTER (see README, Security model)\n");
                entries.forEach(e -> b.append(e.line()).append('\n'));
                FilePermissions.writePrivate(revokedFile(), b.toString());
            }
            sign(ca, caKey);
        }
    }

    /**
     * The signed list (DER), signed first when there is none, when it is {@link #RESIGN_AFTER}
     * old, or when {@code revoked} changed since. Throws when {@code revoked} has a line it cannot
     * read and there is no list yet; with one, that list is served (it is still valid) and the
     * problem logged.
     */
    public byte[] current() {
        Signed s = cached;
        FileTime written = mtime(crlFile());
        if (s != null && written != null && written.equals(s.written()) && !due(s)) {
            return s.der();
        }
        synchronized (LOCK) {
            try {
                s = load();
                if (s == null || due(s)) {
                    s = sign(CertificateAuthority.load(dir.resolve("ca.pem")),
                            CertificateAuthority.loadKey(dir.resolve("ca.key")));
                }
            } catch (CuspException e) {
                Signed old = load();
                if (old == null || old.thisUpdate().plus(VALIDITY).isBefore(Instant.now())) {
                    throw e;
                }
                LOG.warn("tls: {}; serving the revocation list signed at {}", e.getMessage(), old.thisUpdate());
                s = old;
            }
            cached = s;
            return s.der();
        }
    }

    /** Signs the list now, whether due or not (at start, so a hand-edited {@code revoked} counts at once). */
    public void publish() {
        synchronized (LOCK) {
            cached = sign(CertificateAuthority.load(dir.resolve("ca.pem")),
                    CertificateAuthority.loadKey(dir.resolve("ca.key")));
        }
    }

    private boolean due(Signed s) {
        FileTime revoked = mtime(revokedFile());
        return s.thisUpdate().plus(RESIGN_AFTER).isBefore(Instant.now())
                || (revoked != null && revoked.compareTo(s.written()) > 0);
    }

    private Signed sign(X509Certificate ca, PrivateKey caKey) {
        Instant now = Instant.now();
        Signed previous = load();
        try {
            X509v2CRLBuilder b = new JcaX509v2CRLBuilder(ca.getSubjectX500Principal(), Date.from(now));
            b.setNextUpdate(Date.from(now.plus(VALIDITY)));
            for (Entry e : read()) {
                if (e.notAfter() == null || !e.notAfter().isBefore(now)) {
                    b.addCRLEntry(e.serial(), Date.from(e.revokedAt()), REASONS.get(e.reason()));
                }
            }
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            BigInteger number = previous == null ? BigInteger.ONE : number(previous.der()).add(BigInteger.ONE);
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            byte[] der = b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey)).getEncoded();
            FilePermissions.writePrivate(crlFile(), der);
            return new Signed(der, now, mtime(crlFile()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign the revocation list in " + dir, e);
        }
    }

    private Signed load() {
        try {
            byte[] der = Files.readAllBytes(crlFile());
            X509CRLHolder h = new X509CRLHolder(der);
            return new Signed(der, h.getThisUpdate().toInstant(), mtime(crlFile()));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("tls: {} is unreadable ({}); signing a new revocation list", crlFile(), e.getMessage());
            return null;
        }
    }

    private static BigInteger number(byte[] der) throws IOException {
        Extension e = new X509CRLHolder(der).getExtension(Extension.cRLNumber);
        return e == null ? BigInteger.ZERO : ASN1Integer.getInstance(e.getParsedValue()).getValue();
    }

    /** The entries of {@code revoked}; throws naming the file and line for one it cannot read. */
    List<Entry> read() {
        List<String> lines;
        FileTime written;
        try {
            lines = Files.readAllLines(revokedFile());
            written = Files.getLastModifiedTime(revokedFile());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + revokedFile(), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                BigInteger serial = new BigInteger(f[0].replace(":", ""), 16);
                String reason = f.length > 1 ? reason(f[1]) : "unspecified";
                // A line an operator added without a date: revoked when the file was written.
                Instant at = f.length > 2 ? Instant.parse(f[2]) : written.toInstant();
                Instant notAfter = f.length > 3 && !f[3].equals("-") ? Instant.parse(f[3]) : null;
                if (f.length > 4 || serial.signum() <= 0) {
                    throw new IllegalArgumentException("too many fields");
                }
                entries.add(new Entry(serial, reason, at, notAfter));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new CuspException(ErrorCode.INVALID_INPUT, revokedFile() + " line " + (i + 1) + " is not"
                        + " 'SERIAL-HEX [REASON [REVOKED-AT [NOT-AFTER]]]' with REASON one of " + REASONS.keySet()
                        + " and ISO-8601 instants: fix or remove it", "revoked");
            }
        }
        return entries;
    }

    private static String reason(String s) {
        for (String r : REASONS.keySet()) {
            if (r.toLowerCase(Locale.ROOT).equals(s.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown reason " + s);
    }

    private static FileTime mtime(Path f) {
        try {
            return Files.getLastModifiedTime(f);
        } catch (IOException e) {
            return null;
        }
    }
}
