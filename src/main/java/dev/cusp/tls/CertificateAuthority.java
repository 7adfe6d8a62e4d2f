package dev.cusp.tls;

import dev.cusp.base.FilePermissions;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The site's own certificate authority and the site certificate it signs. Generated once in
 * {@code HOME/tls} (owner-only), then reused: the HTTPS server and the MariaDB node present
 * the site certificate, and clients pin the CA. The CA publishes a revocation list
 * ({@link RevocationList}) that every site certificate names; a certificate it replaces goes on it.
 */
public final class CertificateAuthority {
    private final Path dir;

    public CertificateAuthority(Path tlsDir) {
        this.dir = tlsDir;
    }

    public Path caCert() {
        return dir.resolve("ca.pem");
    }

    public Path siteCert() {
        return dir.resolve("site.pem");
    }

    public Path siteKey() {
        return dir.resolve("site.key");
    }

    private Path caKey() {
        return dir.resolve("ca.key");
    }

    /**
     * Longest validity of a site certificate: browsers and other TLS clients refuse server
     * certificates valid for more than 825 days, counted from notBefore (which is set an hour
     * back, for clocks that differ a little).
     */
    public static final Duration MAX_SITE_VALIDITY = Duration.ofDays(825);
    private static final Duration SITE_VALIDITY = Duration.ofDays(824);
    private static final Duration BACKDATE = Duration.ofHours(1);
    /** A site certificate this close to its end is re-issued at start. */
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /** The site CA's revocation list, kept beside it. */
    public RevocationList revocations() {
        return new RevocationList(dir);
    }

    /**
     * The address of the revocation list a site certificate names: the site's address (setting
     * {@code site.address}) and HTTPS port, so clients reach it the way they reach the site.
     */
    public static String crlUrl(String address, int port) {
        return "https://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port
                + RevocationList.PATH;
    }

    /** Same as {@link #ensure(String, String, String)} without a revocation list address (not a site's own CA). */
    public boolean ensure(String siteName, String address) {
        return ensure(siteName, address, null);
    }

    /**
     * Creates the CA and site certificate unless they exist, and re-issues the site certificate
     * (from the same CA, so peers that pin the CA notice nothing) when it is missing, valid for
     * longer than {@link #MAX_SITE_VALIDITY} (issued before that limit was kept), close to its
     * end, or names another revocation list address than {@code crlUrl} (none: issued before
     * certificates named one; another: the site's address or port changed). A replaced
     * certificate goes on the CA's revocation list as superseded. Returns true if it created or
     * re-issued anything.
     *
     * @param crlUrl the address new certificates name for the revocation list; null when it is
     *               not known yet (port 0 before the server is bound): the current certificate
     *               stays, whatever it names, and a new one names none
     */
    public boolean ensure(String siteName, String address, String crlUrl) {
        boolean haveCa = Files.exists(caCert()) && Files.exists(caKey());
        if (haveCa && Files.exists(siteCert()) && Files.exists(siteKey()) && !needsNewSiteCertificate(crlUrl)) {
            return false;
        }
        FilePermissions.privateDir(dir);
        try {
            X509Certificate caCertificate;
            PrivateKey caPrivate;
            if (haveCa) {
                caCertificate = load(caCert());
                caPrivate = loadKey(caKey());
            } else {
                KeyPair ca = rsa();
                X500Name caName = new X500Name("CN=Cusp CA " + siteName + ",O=Cusp");
                Instant now = Instant.now();
                X509v3CertificateBuilder cab = new JcaX509v3CertificateBuilder(caName, serial(),
                        Date.from(now.minus(BACKDATE)), Date.from(now.plus(Duration.ofDays(3650))),
                        caName, ca.getPublic());
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                cab.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                cab.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                cab.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(ca.getPublic()));
                caCertificate = sign(cab, ca.getPrivate());
                caPrivate = ca.getPrivate();
            }
            X509Certificate replaced = haveCa && Files.exists(siteCert()) ? issuedBy(load(siteCert()), caCertificate)
                    : null;
            KeyPair site = rsa();
            X509Certificate siteCertificate = issueSite(siteName, address, crlUrl, site, caCertificate, caPrivate);
            if (!haveCa) {
                FilePermissions.writePrivate(caKey(), pem(caPrivate));
            }
            FilePermissions.writePrivate(siteKey(), pem(site.getPrivate()));
            FilePermissions.writePrivate(siteCert(), pem(siteCertificate));
            if (!haveCa) {
                FilePermissions.writePrivate(caCert(), pem(caCertificate));
            }
            if (replaced != null) {
                revocations().revoke(replaced, "superseded", caCertificate, caPrivate);
            }
            return true;
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot create the site's certificates in " + dir, e);
        }
    }

    private boolean needsNewSiteCertificate(String crlUrl) {
        X509Certificate c = load(siteCert());
        Duration span = Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
        return span.compareTo(MAX_SITE_VALIDITY) > 0
                || c.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))
                || (crlUrl != null && !crlUrl.equals(crlUrl(c).orElse(null)));
    }

    /** {@code c} if {@code ca} signed it (only those belong on its revocation list), else null. */
    private static X509Certificate issuedBy(X509Certificate c, X509Certificate ca) {
        try {
            c.verify(ca.getPublicKey());
            return c;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /** The revocation list address a certificate names (its first URI distribution point), if any. */
    public static Optional<String> crlUrl(X509Certificate c) {
        byte[] v = c.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (v == null) {
            return Optional.empty();
        }
        try {
            CRLDistPoint points = CRLDistPoint.getInstance(JcaX509ExtensionUtils.parseExtensionValue(v));
            for (DistributionPoint p : points.getDistributionPoints()) {
                DistributionPointName n = p.getDistributionPoint();
                if (n != null && n.getType() == DistributionPointName.FULL_NAME) {
                    for (GeneralName g : GeneralNames.getInstance(n.getName()).getNames()) {
                        if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
                            return Optional.of(ASN1IA5String.getInstance(g.getName()).getString());
                        }
                    }
                }
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static X509Certificate issueSite(String siteName, String address, String crlUrl, KeyPair site,
                                             X509Certificate ca, PrivateKey caKey)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        Instant now = Instant.now();
        X509v3CertificateBuilder sb = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(SITE_VALIDITY)),
                new X500Name("CN=" + siteName + ",O=Cusp"), site.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        sb.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        sb.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        sb.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        sb.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        sb.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames(address)));
        if (crlUrl != null) {
            // Where a client finds out whether this certificate was revoked (testssl.sh rates a
            // certificate naming neither a CRL nor an OCSP responder HIGH).
            sb.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl))), null, null)}));
        }
        return sign(sb, caKey);
    }

    /** SHA-256 fingerprint of the CA certificate, as colon-free lowercase hex. */
    public String caFingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(load(caCert()).getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static X509Certificate load(Path pemFile) {
        try (var in = Files.newInputStream(pemFile)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read certificate " + pemFile, e);
        }
    }

    /** Reads a PEM private key (PKCS#8 or PKCS#1). */
    public static PrivateKey loadKey(Path pemFile) {
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(pemFile)))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getKeyPair(kp).getPrivate();
            }
            return conv.getPrivateKey((PrivateKeyInfo) o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GeneralName[] altNames(String address) {
        List<GeneralName> names = new ArrayList<>();
        if (address != null && !address.equals("localhost") && !address.equals("127.0.0.1")) {
            names.add(new GeneralName(address.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName,
                    address));
        }
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (host != null && !host.isBlank() && !host.equals("localhost")) {
                names.add(new GeneralName(GeneralName.dNSName, host));
            }
        } catch (IOException ignored) {
            // No resolvable host name: loopback names are enough for a single machine.
        }
        return names.toArray(GeneralName[]::new);
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        // RSA rather than EC: the MariaDB server's TLS library accepts it in every build.
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws org.bouncycastle.operator.OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            if (o instanceof PrivateKey k) {
                pw.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
            } else {
                pw.writeObject(o);
            }
        }
        return w.toString();
    }
}
