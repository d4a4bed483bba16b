package io.angler.node.requester;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A client key pair made on the requester's machine for one lease, and the certificate signing
 * request that is all the provider ever sees of it. The CSR's common name is the user the lease's
 * RoleBinding names ({@code angler:lease:<lease id>}), so a certificate the cluster issues for it
 * works in that namespace and nowhere else.
 *
 * @param csrPem the PKCS#10 request, PEM
 * @param privateKeyPem the private key, PKCS#8 PEM; never sent anywhere
 */
public record ClientKey(String csrPem, String privateKeyPem) {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The Kubernetes user a lease's client certificate authenticates as. */
    public static String userFor(String leaseId) {
        return "angler:lease:" + leaseId;
    }

    /** A fresh EC P-256 key pair and a CSR for the lease's user. */
    public static ClientKey forLease(String leaseId) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair pair = g.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, userFor(leaseId)).build();
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(subject, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            return new ClientKey(pem(csr), pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a client key pair: " + e.getMessage(), e);
        }
    }

    /**
     * A new CSR for the lease's user with a key pair the requester already holds (the key of a
     * lease's kubeconfig), for a renewal: the public key is derived from the private one, so the
     * key pair stays the one on this machine and only the new request travels.
     *
     * @param privateKeyPem PKCS#8 PEM, EC (as {@link #forLease} makes) or RSA
     * @throws IllegalArgumentException if it is not such a key
     */
    public static ClientKey withKey(String leaseId, String privateKeyPem) {
        PrivateKeyInfo info;
        try (PEMParser parser = new PEMParser(new StringReader(privateKeyPem))) {
            Object o = parser.readObject();
            if (!(o instanceof PrivateKeyInfo p)) {
                throw new IllegalArgumentException("the lease's client key is not a PKCS#8 private key");
            }
            info = p;
        } catch (IOException e) {
            throw new IllegalArgumentException("the lease's client key cannot be read: " + e.getMessage());
        }
        try {
            AsymmetricKeyParameter key = PrivateKeyFactory.createKey(info);
            AsymmetricKeyParameter pub;
            String algorithm;
            if (key instanceof ECPrivateKeyParameters ec) {
                ECPoint q = new FixedPointCombMultiplier().multiply(ec.getParameters().getG(), ec.getD()).normalize();
                pub = new ECPublicKeyParameters(q, ec.getParameters());
                algorithm = "SHA256withECDSA";
            } else if (key instanceof RSAPrivateCrtKeyParameters rsa) {
                pub = new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
                algorithm = "SHA256withRSA";
            } else {
                throw new IllegalArgumentException("the lease's client key is neither EC nor RSA; renew with a token instead");
            }
            SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub);
            PrivateKey signer = new JcaPEMKeyConverter().getPrivateKey(info);
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, userFor(leaseId)).build();
            PKCS10CertificationRequest csr = new PKCS10CertificationRequestBuilder(subject, publicKey)
                    .build(new JcaContentSignerBuilder(algorithm).build(signer));
            return new ClientKey(pem(csr), privateKeyPem);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalArgumentException("cannot make a CSR with the lease's client key: " + e.getMessage());
        }
    }

    private static String pem(Object o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    @Override
    public String toString() {
        return "ClientKey[private key not shown]";
    }
}
