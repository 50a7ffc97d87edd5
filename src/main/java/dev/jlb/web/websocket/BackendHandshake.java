package dev.jlb.web.websocket;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpUpgrader;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * The client's upgrade request sent on to the backend. A 101 hands the connection over to a
 * {@link BackendPipe}; any other answer is read whole (up to a bound) so that the client gets it.
 */
final class BackendHandshake {
    /** The most of a refusal's body relayed to the client; HAProxy and nginx buffer about as much. */
    static final int MAX_REFUSAL_BODY = 256 * 1024;

    /** What the backend answered. */
    sealed interface Answer permits Upgraded, Refused {}

    /** The backend switched protocols: its 101 and the connection, now raw bytes. */
    record Upgraded(Response response, BackendPipe pipe) implements Answer {}

    /** The backend answered something else, with this body. */
    record Refused(Response response, ByteBuffer body) implements Answer {}

    private BackendHandshake() {}

    /**
     * Sends the request (its headers already those the backend is to see) with the upgrade's own.
     *
     * @param timeout milliseconds the backend has to answer
     */
    static CompletableFuture<Answer> send(Request request, java.util.concurrent.Executor executor, long timeout) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        HttpUpgrader upgrader = new HttpUpgrader() {
            @Override
            public void prepare(Request request) {}

            @Override
            public void upgrade(Response response, EndPoint endPoint, Callback callback) {
                BackendPipe pipe = new BackendPipe(endPoint, executor);
                endPoint.upgrade(pipe);
                callback.succeeded();
                if (!answer.complete(new Upgraded(response, pipe))) {
                    endPoint.close();
                }
            }
        };
        request.method(HttpMethod.GET)
                .version(HttpVersion.HTTP_1_1)
                .headers(headers -> {
                    headers.put(HttpHeader.UPGRADE, "websocket");
                    headers.put(HttpHeader.CONNECTION, "Upgrade");
                })
                .attribute(HttpUpgrader.Factory.class.getName(), (HttpUpgrader.Factory) version -> upgrader)
                .timeout(timeout, TimeUnit.MILLISECONDS)
                .send(new BufferingResponseListener(MAX_REFUSAL_BODY) {
                    @Override
                    public void onComplete(Result result) {
                        // After a 101 the exchange is over and this is not called; otherwise it is the answer.
                        if (result.isFailed()) {
                            answer.completeExceptionally(result.getFailure());
                        } else {
                            answer.complete(new Refused(result.getResponse(), ByteBuffer.wrap(getContent())));
                        }
                    }
                });
        return answer;
    }
}
