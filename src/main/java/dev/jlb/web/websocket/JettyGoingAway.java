package dev.jlb.web.websocket;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
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
 * (The connectors' part of a graceful stop, cutting every connection's idle timeout to a second,
 * is answered by the relay itself: see {@link JettyFrameRelay}.)
 */
final class JettyGoingAway {
    private static final Logger LOG = LoggerFactory.getLogger(JettyGoingAway.class);
    private static final String GRACEFUL = "org.eclipse.jetty.util.component.Graceful";

    private JettyGoingAway() {}

    /**
     * @param shutdown what Jetty's graceful stop runs: a future done once the WebSockets are closed
     */
    static void install(JettyWebSocketServerContainer container, Supplier<CompletableFuture<Void>> shutdown) {
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
                    graceful.getClassLoader(), new Class<?>[] {graceful}, new GracefulStop(shutdown));
            addBean.invoke(container, bean);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "jlb cannot hold WebSockets open during Jetty's graceful stop; Jetty closes them at once: {}",
                    e.toString());
        }
    }

    /** Jetty's {@code Graceful}: shutdown() and isShutdown(). */
    private static final class GracefulStop implements InvocationHandler {
        private final Supplier<CompletableFuture<Void>> shutdown;
        private volatile CompletableFuture<Void> stopping;

        GracefulStop(Supplier<CompletableFuture<Void>> shutdown) {
            this.shutdown = shutdown;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return switch (method.getName()) {
                case "shutdown" -> {
                    if (stopping == null) {
                        stopping = shutdown.get();
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
