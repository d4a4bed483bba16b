package io.angler.node.provision;

/** How the requester wants to authenticate to its namespace. */
public sealed interface CredentialRequest {

    /** A ServiceAccount token (works on managed clusters); the default. */
    record ServiceAccountToken() implements CredentialRequest {
    }

    /**
     * A client certificate issued through a CertificateSigningRequest. The requester made the key
     * pair; only the CSR travels, so the private key never leaves the requester.
     *
     * @param csrPem PKCS#10 certificate signing request, PEM encoded
     */
    record ClientCertificate(String csrPem) implements CredentialRequest {
        public ClientCertificate {
            if (csrPem == null || !csrPem.contains("BEGIN CERTIFICATE REQUEST")) {
                throw new IllegalArgumentException("credentials: the CSR is not a PEM certificate request");
            }
        }
    }
}
