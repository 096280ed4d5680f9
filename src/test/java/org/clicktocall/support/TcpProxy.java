package org.clicktocall.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real TCP proxy on loopback for network faults between the service and its database. {@link #dropSilently()}
 * is what a dead network path looks like: every open connection stays open but nothing gets through any more
 * (bytes are read and thrown away, nothing is answered), and new connections are accepted and then ignored.
 * {@link #heal()} lets new connections through again; the silently dropped ones stay dead, as real ones would.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean dropping;

    public TcpProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "tcp-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public void dropSilently() {
        dropping = true;
        links.forEach(link -> link.dead = true);
    }

    public void heal() {
        dropping = false;
    }

    /** Closes every connection at once (what a database restart looks like to its clients). */
    public void cutAll() {
        links.forEach(Link::close);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Link link = new Link(client);
                links.add(link);
                if (dropping) {
                    link.dead = true;
                    link.pump(client.getInputStream(), null);   // swallow what the client sends, answer nothing
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                link.upstream = upstream;
                link.pump(client.getInputStream(), upstream.getOutputStream());
                link.pump(upstream.getInputStream(), client.getOutputStream());
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        links.forEach(Link::close);
    }

    private final class Link {
        final Socket client;
        volatile Socket upstream;
        volatile boolean dead;

        Link(Socket client) {
            this.client = client;
        }

        void pump(InputStream in, OutputStream out) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[16384];
                try {
                    for (int n; (n = in.read(buffer)) != -1; ) {
                        if (!dead && out != null) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    }
                } catch (IOException ignored) {
                    // one side closed
                }
                if (!dead) {
                    close();
                }
            }, "tcp-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                if (upstream != null) {
                    upstream.close();
                }
            } catch (IOException ignored) {
                // already closed
            }
            links.remove(this);
        }
    }
}
