package dev.jlb.web.proxy;

import java.util.function.BiConsumer;
import org.eclipse.jetty.client.ContinueProtocolHandler;
import org.eclipse.jetty.client.EarlyHintsProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.ProtocolHandler;
import org.eclipse.jetty.client.ProtocolHandlers;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;

/**
 * A backend's interim (1xx) answers. Jetty's proxy servlet keeps only the handler of the one
 * {@code 100 Continue} it expects; any other 1xx (a {@code 102 Processing}, a {@code 103 Early
 * Hints}, a second {@code 100}) then reached the proxy as if it were the final answer, and the
 * real final answer that followed was ignored: the exchange hung for ever, with its backend's
 * in-flight count held. Here every interim answer but {@code 101} is consumed and the exchange
 * goes on waiting, under the same idle timeout, for the final answer; {@code 103} is offered to
 * a relay first.
 *
 * <p>A {@code 101} is not interim in this sense: it ends HTTP on the connection, and the proxy
 * refuses it itself.
 */
final class InterimResponses {
    private InterimResponses() {}

    /**
     * Installs the handlers ahead of the proxy's own {@code 100 Continue} handler, which must see
     * neither a {@code 103} nor a {@code 102} before its {@code 100}: it would take either for the
     * final answer.
     *
     * @param earlyHints told of each {@code 103}, with the proxy request it answers and its headers
     */
    static void install(HttpClient client, BiConsumer<Request, HttpFields> earlyHints) {
        ProtocolHandlers handlers = client.getProtocolHandlers();
        ProtocolHandler expectContinue = handlers.remove(ContinueProtocolHandler.NAME);
        handlers.put(new EarlyHints(earlyHints));
        handlers.put(new OtherInterim(expectContinue));
        if (expectContinue != null) {
            handlers.put(expectContinue);
        }
    }

    /** {@code 103 Early Hints}: passed to the relay, then consumed. */
    private static final class EarlyHints extends EarlyHintsProtocolHandler {
        private final BiConsumer<Request, HttpFields> relay;

        EarlyHints(BiConsumer<Request, HttpFields> relay) {
            this.relay = relay;
        }

        @Override
        protected void onEarlyHints(Request request, HttpFields responseHeaders) {
            relay.accept(request, responseHeaders);
        }
    }

    /**
     * Every other interim answer, {@code 101} aside: {@code 102}, unassigned 1xx codes, and a
     * {@code 100} that the continue handler does not take (one that was not asked for, or a
     * second one). Consumed without a trace.
     */
    private static final class OtherInterim extends ProcessingProtocolHandler {
        private final ProtocolHandler expectContinue;

        OtherInterim(ProtocolHandler expectContinue) {
            this.expectContinue = expectContinue;
        }

        @Override
        public String getName() {
            return "jlb-interim";
        }

        @Override
        public boolean accept(Request request, Response response) {
            int status = response.getStatus();
            if (!HttpStatus.isInterim(status)) {
                return false;
            }
            return status != HttpStatus.CONTINUE_100
                    || expectContinue == null
                    || !expectContinue.accept(request, response);
        }
    }
}
