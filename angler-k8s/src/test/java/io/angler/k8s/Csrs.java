package io.angler.k8s;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Key pairs, CSRs and a toy CA: the requester's side and the cluster signer's side in tests. */
public final class Csrs {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Csrs() {
    }

    public static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    public static KeyPair rsaKey(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits, RANDOM);
        return g.generateKeyPair();
    }

    /** A CSR for {@code subject} signed by {@code signer} with the public key of {@code subjectKey}. */
    public static String csr(String subject, KeyPair subjectKey, KeyPair signer) throws Exception {
        String alg = signer.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        ContentSigner cs = new JcaContentSignerBuilder(alg).build(signer.getPrivate());
        PKCS10CertificationRequest req = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject),
                subjectKey.getPublic()).build(cs);
        return pem(req);
    }

    public static String csr(String subject, KeyPair key) throws Exception {
        return csr(subject, key, key);
    }

    /** Plays the cluster's signer: a certificate for the CSR's subject and key, signed by a fresh CA. */
    public static String sign(PKCS10CertificationRequest csr) throws Exception {
        return sign(csr, java.time.Duration.ofHours(1));
    }

    /** As {@link #sign(PKCS10CertificationRequest)}, valid for {@code validity} from now (whole seconds). */
    public static String sign(PKCS10CertificationRequest csr, java.time.Duration validity) throws Exception {
        KeyPair ca = ecKey();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(new X500Name("CN=test-cluster-ca"),
                BigInteger.valueOf(RANDOM.nextLong() & Long.MAX_VALUE), Date.from(now),
                Date.from(now.plus(validity)), csr.getSubject(), csr.getSubjectPublicKeyInfo());
        var holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate()));
        return pem(holder);
    }

    public static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

}
