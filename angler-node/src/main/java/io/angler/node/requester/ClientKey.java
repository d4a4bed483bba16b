package io.angler.node.requester;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
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
