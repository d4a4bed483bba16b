package io.angler.k8s.provision;

import java.io.IOException;
import java.io.StringReader;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.PublicKey;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Checks a requester's certificate signing request before the provider approves it. The provider
 * is the approver, so this is the only thing standing between a requester and a certificate for
 * any identity: the subject must be exactly the lease's user name, with no organisation (which
 * Kubernetes would read as group membership, e.g. {@code system:masters}) and no extensions that
 * could add names; the request must be signed by its own key (proof the requester holds it); the
 * key must be strong.
 */
public final class CsrCheck {
    /** A PEM CSR of a 4096-bit RSA key is under 2 KiB; anything far bigger is not a CSR. */
    static final int MAX_PEM_LENGTH = 16 * 1024;

    private CsrCheck() {
    }

    /**
     * @param expectedUser the only common name allowed
     * @throws IllegalArgumentException naming what is wrong with the request
     */
    public static PKCS10CertificationRequest check(String pem, String expectedUser) {
        if (pem == null || pem.length() > MAX_PEM_LENGTH) {
            throw new IllegalArgumentException("CSR: missing or longer than " + MAX_PEM_LENGTH + " characters");
        }
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("CSR: not a readable PEM certificate request: " + e.getMessage());
        }
        if (!(parsed instanceof PKCS10CertificationRequest csr)) {
            throw new IllegalArgumentException("CSR: the PEM block is not a PKCS#10 certificate request");
        }
        checkSubject(csr.getSubject(), expectedUser);
        if (csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest).length > 0) {
            throw new IllegalArgumentException("CSR: requests extensions (such as subject alternative names); "
                    + "only a subject of CN=" + expectedUser + " is accepted");
        }
        PublicKey key;
        try {
            key = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
        } catch (IOException e) {
            throw new IllegalArgumentException("CSR: unreadable public key: " + e.getMessage());
        }
        checkKey(key);
        try {
            boolean valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
            if (!valid) {
                throw new IllegalArgumentException("CSR: the signature does not verify with the request's own key");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException("CSR: the signature cannot be checked: " + e.getMessage());
        }
        return csr;
    }

    private static void checkSubject(X500Name subject, String expectedUser) {
        RDN[] rdns = subject.getRDNs();
        if (rdns.length != 1 || rdns[0].isMultiValued()
                || !rdns[0].getFirst().getType().equals(BCStyle.CN)) {
            throw new IllegalArgumentException("CSR: subject '" + subject + "' must be exactly CN=" + expectedUser
                    + " (no organisation: Kubernetes reads it as group membership)");
        }
        String cn = rdns[0].getFirst().getValue().toString();
        if (!cn.equals(expectedUser)) {
            throw new IllegalArgumentException("CSR: common name '" + cn + "' must be " + expectedUser);
        }
    }

    private static void checkKey(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("CSR: RSA key of " + rsa.getModulus().bitLength()
                        + " bits; at least 2048 are required");
            }
        } else if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits < 256) {
                throw new IllegalArgumentException("CSR: EC key of " + bits + " bits; at least 256 are required");
            }
        } else if (!key.getAlgorithm().equals("Ed25519")) {
            throw new IllegalArgumentException("CSR: key algorithm " + key.getAlgorithm()
                    + " is not accepted (RSA >= 2048, EC P-256/P-384, Ed25519)");
        }
    }
}
