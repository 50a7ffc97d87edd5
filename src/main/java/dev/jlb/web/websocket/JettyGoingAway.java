package dev.jlb.web.websocket;

import jakarta.servlet.ServletContext;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.websocket.api.WebSocketSessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Jetty's graceful stop close jlb's WebSockets the contract's way. Jetty's own tracker of
 * sessions sends 1001 at the very start of a stop; jlb lets them run for the shutdown grace, as it
 * lets requests finish, and only then sends 1001. Jetty closes every connection once its graceful
 * phase is over and before it stops the webapp, so the closing must be a graceful component of
 * Jetty's: one is made here as a proxy of Jetty's {@code Graceful} interface, which the webapp
 * cannot name (Jetty hides its server classes from webapps), and added to the WebSocket container.
 *
 * <p>The connectors' own graceful stop would close the WebSockets too: each connector sets the
 * idle timeout of all its connections to its {@code shutdownIdleTimeout} (1 s by default;
 * {@code jetty.graceful.shutdownIdleTimeout} in jetty-home), meant for idle HTTP connections, and
 * a WebSocket silent for longer than that gets 1001 "Connection Idle Timeout" from Jetty at once.
 * Since Jetty shuts inner components down before the connectors, jlb's stop does the connectors'
 * part first, for every connection but the WebSockets, and turns theirs off for this stop.
 */
final class JettyGoingAway {
    private static final Logger LOG = LoggerFactory.getLogger(JettyGoingAway.class);
    private static final String GRACEFUL = "org.eclipse.jetty.util.component.Graceful";

    private JettyGoingAway() {}

    /**
     * @param shutdown what Jetty's graceful stop runs: a future done once the WebSockets are closed
     */
    static void install(
            ServletContext context,
            JettyWebSocketServerContainer container,
            Supplier<CompletableFuture<Void>> shutdown) {
        Object server = null;
        try {
            Object scoped = call(context, "getContext");
            server = call(call(scoped, "getContextHandler"), "getServer");
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "jlb cannot find Jetty's server: its graceful stop may close idle WebSockets before the"
                            + " shutdown grace ({})",
                    e.toString());
        }
        try {
            Method getBeans = container.getClass().getMethod("getBeans");
            Method removeBean = container.getClass().getMethod("removeBean", Object.class);
            Method addBean = container.getClass().getMethod("addBean", Object.class);
            for (Object bean : (Collection<?>) getBeans.invoke(container)) {
                if (bean.getClass().getSimpleName().equals("SessionTracker")) {
                    if (bean instanceof WebSocketSessionListener listener) {
                        container.removeSessionListener(listener);
                    }
                    removeBean.invoke(container, bean);
                }
            }
            Class<?> graceful = container.getClass().getClassLoader().loadClass(GRACEFUL);
            Object bean = Proxy.newProxyInstance(
                    graceful.getClassLoader(), new Class<?>[] {graceful}, new GracefulStop(shutdown, server));
            addBean.invoke(container, bean);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "jlb cannot hold WebSockets open during Jetty's graceful stop; Jetty closes them at once: {}",
                    e.toString());
        }
    }

    /** Calls a public method found on the object's class, whichever class loader made it. */
    private static Object call(Object target, String name, Object... args) throws ReflectiveOperationException {
        Class<?>[] types = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) {
            types[i] = args[i] instanceof Long ? long.class : args[i].getClass();
        }
        Method method = target.getClass().getMethod(name, types);
        // The method is public, but its class may be an inner one that is not.
        method.setAccessible(true);
        return method.invoke(target, args);
    }

    /**
     * Does the connectors' shortening of idle timeouts now, for all but WebSocket connections,
     * and turns it off in the connectors; returns what puts their setting back. Only when the
     * server itself is stopping.
     */
    private static Runnable spareWebSockets(Object server) {
        List<Runnable> restore = new ArrayList<>();
        try {
            if (server == null || !(Boolean) call(server, "isStopping")) {
                return () -> {};
            }
            for (Object connector : (Object[]) call(server, "getConnectors")) {
                long idle;
                try {
                    idle = (Long) call(connector, "getShutdownIdleTimeout");
                } catch (NoSuchMethodException e) {
                    continue;
                }
                if (idle < 0) {
                    continue;
                }
                call(connector, "setShutdownIdleTimeout", -1L);
                restore.add(() -> {
                    try {
                        call(connector, "setShutdownIdleTimeout", idle);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        LOG.debug("could not restore a connector's shutdownIdleTimeout", e);
                    }
                });
                for (Object endPoint : (Collection<?>) call(connector, "getConnectedEndPoints")) {
                    if (!isWebSocket(endPoint)) {
                        call(endPoint, "setIdleTimeout", idle);
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "jlb cannot keep idle WebSockets open through Jetty's graceful stop; Jetty may close them"
                            + " before the shutdown grace: {}",
                    e.toString());
        }
        return () -> restore.forEach(Runnable::run);
    }

    /** Whether the connection on this endpoint (under TLS, on its decrypted side) is a WebSocket's. */
    private static boolean isWebSocket(Object endPoint) throws ReflectiveOperationException {
        Object connection = call(endPoint, "getConnection");
        for (int depth = 0; connection != null && depth < 4; depth++) {
            for (Class<?> type = connection.getClass(); type != null; type = type.getSuperclass()) {
                if (type.getSimpleName().equals("WebSocketConnection")) {
                    return true;
                }
            }
            Method decrypted;
            try {
                decrypted = connection.getClass().getMethod("getSslEndPoint");
            } catch (NoSuchMethodException e) {
                return false;
            }
            decrypted.setAccessible(true);
            connection = call(decrypted.invoke(connection), "getConnection");
        }
        return false;
    }

    /** Jetty's {@code Graceful}: shutdown() and isShutdown(). */
    private static final class GracefulStop implements InvocationHandler {
        private final Supplier<CompletableFuture<Void>> shutdown;
        private final Object server;
        private volatile CompletableFuture<Void> stopping;

        GracefulStop(Supplier<CompletableFuture<Void>> shutdown, Object server) {
            this.shutdown = shutdown;
            this.server = server;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return switch (method.getName()) {
                case "shutdown" -> {
                    if (stopping == null) {
                        Runnable restore = spareWebSockets(server);
                        stopping = shutdown.get();
                        var unused = stopping.whenComplete((done, failure) -> restore.run());
                    }
                    yield stopping;
                }
                case "isShutdown" -> stopping != null;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "jlb WebSockets (1001 after the shutdown grace)";
                default -> null;
            };
        }
    }
}
