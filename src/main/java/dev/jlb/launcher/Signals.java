package dev.jlb.launcher;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * Handlers for POSIX signals. The JDK's only way is {@code sun.misc.Signal} (module
 * jdk.unsupported, exported for exactly this); it is reached by reflection so that the build,
 * which fails on every compiler warning, does not carry a warning javac cannot suppress.
 */
final class Signals {
    private Signals() {}

    /**
     * Calls the handler, on a JVM thread, with the signal's name ({@code TERM}) each time it arrives.
     *
     * @throws IllegalStateException if the JVM cannot handle it
     */
    static void handle(String name, Consumer<String> handler) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Constructor<?> signal = signalClass.getConstructor(String.class);
            Method getName = signalClass.getMethod("getName");
            Object proxy = Proxy.newProxyInstance(
                    Signals.class.getClassLoader(), new Class<?>[] {handlerClass}, (self, method, args) -> {
                        if (method.getName().equals("handle") && args != null && args.length == 1) {
                            handler.accept((String) getName.invoke(args[0]));
                            return null;
                        }
                        if (method.getName().equals("toString")) {
                            return "jlb handler of SIG" + name;
                        }
                        if (method.getName().equals("hashCode")) {
                            return System.identityHashCode(self);
                        }
                        if (method.getName().equals("equals")) {
                            return self == args[0];
                        }
                        return null;
                    });
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal.newInstance(name), proxy);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(
                    "cannot handle SIG" + name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIG" + name + ": " + e, e);
        }
    }
}
