package io.angler.mpc.net;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's TLS identity: an EC P-256 key pair and a self-signed certificate. Peers know a node by
 * its certificate's fingerprint (SHA-256 of the DER encoding, lowercase hex) and pin it; there is
 * no certificate authority, so validity dates and names are not checked, only the fingerprint and
 * the TLS handshake's proof that the peer holds the certificate's private key.
 *
 * <p>Every {@link SSLContext} made here speaks TLS 1.3 only and requires a client certificate.
 */
public final class TlsIdentity {
    public static final String KEY_FILE = "identity.key";
    public static final String CERT_FILE = "identity.crt";

    private static final Logger LOG = LoggerFactory.getLogger(TlsIdentity.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALIAS = "angler";
    private static final HexFormat HEX = HexFormat.of();

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final String fingerprint;

    private TlsIdentity(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.fingerprint = fingerprint(certificate);
    }

    /**
     * Loads the identity kept in {@code dataDir} ({@value #KEY_FILE}, PKCS#8 PEM, mode 0600, and
     * {@value #CERT_FILE}, PEM), creating the directory and a new identity if neither file exists.
     *
     * @throws IdentityException if one file is missing or either is unreadable, corrupt or does not
     *     match the other; the message names the file and what to do
     */
    public static TlsIdentity loadOrCreate(Path dataDir) {
        Path keyFile = dataDir.resolve(KEY_FILE);
        Path certFile = dataDir.resolve(CERT_FILE);
        boolean haveKey = Files.exists(keyFile);
        boolean haveCert = Files.exists(certFile);
        if (!haveKey && !haveCert) {
            return create(dataDir, keyFile, certFile);
        }
        if (!haveKey) {
            throw new IdentityException(keyFile + " is missing but " + certFile + " exists: restore "
                    + KEY_FILE + " from a backup, or delete " + CERT_FILE
                    + " to create a new identity (peers that pinned the old fingerprint will refuse it)");
        }
        if (!haveCert) {
            throw new IdentityException(certFile + " is missing but " + keyFile + " exists: restore "
                    + CERT_FILE + " from a backup, or delete " + KEY_FILE
                    + " to create a new identity (peers that pinned the old fingerprint will refuse it)");
        }
        PrivateKey key = readKey(keyFile);
        X509Certificate cert = readCertificate(certFile);
        if (!matches(key, cert.getPublicKey())) {
            throw new IdentityException(keyFile + " does not belong to the certificate in " + certFile
                    + ": restore the matching pair, or delete both files to create a new identity");
        }
        warnIfReadableByOthers(keyFile);
        return new TlsIdentity(key, cert);
    }

    /** A fresh identity kept only in memory (tests, one-process runs); {@code name} goes in the certificate. */
    public static TlsIdentity ephemeral(String name) {
        KeyPair pair = generateKeyPair();
        return new TlsIdentity(pair.getPrivate(), selfSign(pair, name));
    }

    /** Lowercase hex SHA-256 of the DER certificate: how peers name and pin this node. */
    public String fingerprint() {
        return fingerprint;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * A TLS 1.3 context with mutual authentication that accepts, as client and as server, only
     * peers whose certificate fingerprint is in {@code fingerprints} (hex, any case, colons allowed).
     */
    public SSLContext pinnedContext(Set<String> fingerprints) {
        Set<String> pins = new TreeSet<>();
        for (String f : fingerprints) {
            pins.add(normalizeFingerprint(f));
        }
        Set<String> frozen = Set.copyOf(pins);
        return context(new PeerTrust(frozen::contains, "pinned"));
    }

    /**
     * A TLS 1.3 context with mutual authentication that accepts any peer certificate; the caller
     * reads the peer's fingerprint from the session ({@link #peerFingerprint(SSLSession)}) and
     * decides. For a control server and for a requester's first probe of an unknown provider.
     */
    public SSLContext anyPeerContext() {
        return context(new PeerTrust(f -> true, "any"));
    }

    /** Lowercase hex SHA-256 of the certificate's DER encoding. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /** The fingerprint of the certificate the peer presented in an established TLS session. */
    public static String peerFingerprint(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
            throw new SSLPeerUnverifiedException("peer presented no X.509 certificate");
        }
        return fingerprint((X509Certificate) chain[0]);
    }

    /**
     * A fingerprint in canonical form (64 lowercase hex digits, colons removed).
     *
     * @throws IllegalArgumentException if it is not a SHA-256 fingerprint
     */
    public static String normalizeFingerprint(String fingerprint) {
        String f = fingerprint.replace(":", "").toLowerCase(Locale.ROOT);
        if (f.length() != 64 || !f.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a SHA-256 certificate fingerprint (64 hex digits): '"
                    + (fingerprint.length() > 80 ? fingerprint.substring(0, 80) + "..." : fingerprint) + "'");
        }
        return f;
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + fingerprint + "]";
    }

    private SSLContext context(X509ExtendedTrustManager trust) {
        try {
            SSLContext ctx = SSLContext.getInstance(Tls13Context.PROTOCOL);
            ctx.init(new KeyManager[] {new SingleKeyManager()}, new TrustManager[] {trust}, RANDOM);
            return Tls13Context.wrap(ctx);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS 1.3 is required by every Java 17 runtime", e);
        }
    }

    // ---- creation, files ----

    private static TlsIdentity create(Path dataDir, Path keyFile, Path certFile) {
        KeyPair pair = generateKeyPair();
        X509Certificate cert = selfSign(pair, "angler node");
        try {
            Files.createDirectories(dataDir);
            writeAtomically(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()), true);
            writeAtomically(certFile, pem(cert), false);
        } catch (IOException e) {
            throw new IdentityException("cannot write a new identity to " + dataDir + " (" + e.getMessage()
                    + "): check that the directory is writable", e);
        }
        TlsIdentity id = new TlsIdentity(pair.getPrivate(), cert);
        LOG.info("created a new TLS identity in {} with fingerprint {}", dataDir, id.fingerprint());
        return id;
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    private static void writeAtomically(Path file, String content, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret && supportsPosix(file)) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static boolean supportsPosix(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void warnIfReadableByOthers(Path keyFile) {
        if (!supportsPosix(keyFile)) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("{} is readable by other users; run: chmod 600 {}", keyFile, keyFile);
            }
        } catch (IOException e) {
            LOG.warn("cannot read the permissions of {}: {}", keyFile, e.getMessage());
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IdentityException("cannot read " + file + " (" + e.getMessage()
                    + "): check its permissions, or restore it from a backup", e);
        }
    }

    private static Object readPem(Path file, String what, String otherFile) {
        String text = readText(file);
        try (Reader r = new StringReader(text); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o == null) {
                throw new IOException("no PEM object found");
            }
            return o;
        } catch (IOException | RuntimeException e) {
            throw corrupt(file, what, otherFile, e.getMessage(), e);
        }
    }

    private static IdentityException corrupt(Path file, String what, String otherFile, String why, Throwable e) {
        return new IdentityException(file + " is not " + what + " (" + why + "): restore it from a backup, or delete "
                + file.getFileName() + " and " + otherFile
                + " to create a new identity (peers that pinned the old fingerprint will refuse it)", e);
    }

    private static PrivateKey readKey(Path file) {
        Object o = readPem(file, "a PKCS#8 PEM private key", CERT_FILE);
        if (!(o instanceof PrivateKeyInfo)) {
            throw corrupt(file, "a PKCS#8 PEM private key", CERT_FILE,
                    "found " + o.getClass().getSimpleName() + " instead of PRIVATE KEY", null);
        }
        try {
            PrivateKey key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) o);
            if (!(key instanceof ECPrivateKey)) {
                throw new IOException("the key is " + key.getAlgorithm() + ", not EC P-256");
            }
            return key;
        } catch (IOException e) {
            throw corrupt(file, "a PKCS#8 PEM private key", CERT_FILE, e.getMessage(), e);
        }
    }

    private static X509Certificate readCertificate(Path file) {
        Object o = readPem(file, "a PEM certificate", KEY_FILE);
        if (!(o instanceof X509CertificateHolder)) {
            throw corrupt(file, "a PEM certificate", KEY_FILE,
                    "found " + o.getClass().getSimpleName() + " instead of CERTIFICATE", null);
        }
        try {
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) o);
            if (!(cert.getPublicKey() instanceof ECPublicKey)) {
                throw new CertificateException("the certificate's key is not EC P-256");
            }
            return cert;
        } catch (CertificateException e) {
            throw corrupt(file, "a PEM certificate", KEY_FILE, e.getMessage(), e);
        }
    }

    /** Whether {@code key} signs what {@code pub} verifies. */
    private static boolean matches(PrivateKey key, PublicKey pub) {
        try {
            byte[] probe = "angler identity check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is required by every Java runtime", e);
        }
    }

    private static X509Certificate selfSign(KeyPair pair, String name) {
        X500Principal subject = new X500Principal("CN=" + name.replaceAll("[^A-Za-z0-9 ._-]", "_"));
        Instant now = Instant.now();
        byte[] serial = new byte[16];
        RANDOM.nextBytes(serial);
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(1, serial),
                    Date.from(now.minus(1, ChronoUnit.DAYS)),
                    // RFC 5280 4.1.2.5: no well-defined expiry; peers pin the fingerprint instead.
                    Date.from(Instant.parse("9999-12-31T23:59:59Z")), subject, pair.getPublic());
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot self-sign a certificate", e);
        }
    }

    // ---- key and trust managers ----

    /** Presents this identity's certificate whenever an EC key is acceptable. */
    private final class SingleKeyManager extends X509ExtendedKeyManager {
        private String[] aliases(String keyType) {
            return "EC".equals(keyType) ? new String[] {ALIAS} : null;
        }

        private String choose(String[] keyTypes) {
            if (keyTypes != null) {
                for (String t : keyTypes) {
                    if ("EC".equals(t)) {
                        return ALIAS;
                    }
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return aliases(keyType);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return choose(keyType);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return aliases(keyType);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return "EC".equals(keyType) ? ALIAS : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return "EC".equals(keyType) ? ALIAS : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? new X509Certificate[] {certificate} : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? privateKey : null;
        }
    }

    /**
     * Accepts a peer whose leaf certificate's fingerprint passes {@code accepted}, over TLS 1.3
     * only. Extended so that the JDK does not add its own CA-oriented checks around it.
     */
    private static final class PeerTrust extends X509ExtendedTrustManager {
        private final Predicate<String> accepted;
        private final String mode;

        PeerTrust(Predicate<String> accepted, String mode) {
            this.accepted = accepted;
            this.mode = mode;
        }

        private void check(X509Certificate[] chain, SSLSession handshake) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("peer presented no certificate");
            }
            if (handshake != null && !Tls13Context.PROTOCOL.equals(handshake.getProtocol())) {
                throw new CertificateException("peer negotiated " + handshake.getProtocol() + ", only TLSv1.3 is accepted");
            }
            String f = fingerprint(chain[0]);
            if (!accepted.test(f)) {
                throw new CertificateException("peer certificate " + f + " is not pinned (" + mode + ")");
            }
        }

        private static SSLSession session(Socket socket) {
            return socket instanceof SSLSocket ? ((SSLSocket) socket).getHandshakeSession() : null;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, session(socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, session(socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, engine == null ? null : engine.getHandshakeSession());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, engine == null ? null : engine.getHandshakeSession());
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, null);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
