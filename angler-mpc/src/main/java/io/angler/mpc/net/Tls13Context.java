package io.angler.mpc.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Wraps an initialised JSSE context so that every socket, server socket and engine it makes is
 * restricted to TLS 1.3 and, when acting as a server, requires a client certificate. Callers (the
 * MPC mesh, the node's control server) therefore cannot forget either setting.
 */
final class Tls13Context extends SSLContextSpi {
    static final String PROTOCOL = "TLSv1.3";
    private static final String[] PROTOCOLS = {PROTOCOL};
    /** AES-128 first: 128-bit security is what the MPC keys have anyway, and it is the cheapest with AES-NI. */
    private static final String[] SUITES = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"};

    private final SSLContext delegate;

    private Tls13Context(SSLContext delegate) {
        this.delegate = delegate;
    }

    static SSLContext wrap(SSLContext initialised) {
        return new SSLContext(new Tls13Context(initialised), initialised.getProvider(), PROTOCOL) { };
    }

    static SSLParameters restrict(SSLParameters p) {
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(SUITES);
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(true);
        return p;
    }

    static SSLSocket configure(SSLSocket s) {
        s.setSSLParameters(restrict(s.getSSLParameters()));
        return s;
    }

    private static Socket configure(Socket s) {
        return configure((SSLSocket) s);
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
        throw new KeyManagementException("this context is already initialised");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return new SocketFactory(delegate.getSocketFactory());
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return new ServerSocketFactory(delegate.getServerSocketFactory());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return configure(delegate.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return configure(delegate.createSSLEngine(host, port));
    }

    private static SSLEngine configure(SSLEngine e) {
        e.setSSLParameters(restrict(e.getSSLParameters()));
        return e;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return restrict(delegate.getDefaultSSLParameters());
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return restrict(delegate.getSupportedSSLParameters());
    }

    private static final class SocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory d;

        SocketFactory(SSLSocketFactory d) {
            this.d = d;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return d.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return configure(d.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return configure(d.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            return configure(d.createSocket(s, consumed, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return configure(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return configure(d.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return configure(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return configure(d.createSocket(address, port, localAddress, localPort));
        }
    }

    private static final class ServerSocketFactory extends SSLServerSocketFactory {
        private final SSLServerSocketFactory d;

        ServerSocketFactory(SSLServerSocketFactory d) {
            this.d = d;
        }

        private static ServerSocket configure(ServerSocket s) {
            SSLServerSocket ss = (SSLServerSocket) s;
            ss.setSSLParameters(restrict(ss.getSSLParameters()));
            return ss;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return d.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return configure(d.createServerSocket());
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return configure(d.createServerSocket(port));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return configure(d.createServerSocket(port, backlog));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
            return configure(d.createServerSocket(port, backlog, ifAddress));
        }
    }
}
