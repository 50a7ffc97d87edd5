package dev.jlb.it;

import dev.jlb.testserver.TestServer;
import java.util.ArrayList;
import java.util.List;

/** The project's test servers on free ports of 127.0.0.1. */
final class Backends implements AutoCloseable {
    private final List<TestServer> servers = new ArrayList<>();

    static Backends start(int count) throws Exception {
        Backends backends = new Backends();
        for (int i = 0; i < count; i++) {
            backends.servers.add(new TestServer("127.0.0.1", 0).start());
        }
        return backends;
    }

    List<TestServer> all() {
        return servers;
    }

    TestServer get(int index) {
        return servers.get(index);
    }

    long totalRequests() {
        return servers.stream().mapToLong(TestServer::requests).sum();
    }

    @Override
    public void close() throws Exception {
        for (TestServer server : servers) {
            server.close();
        }
    }
}
