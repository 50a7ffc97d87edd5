package dev.jlb.web;

import org.eclipse.jetty.client.AsyncRequestContent;

/**
 * The request body on its way to the backend. It remembers whether HttpClient failed it, which
 * happens only when the backend side failed: that tells a backend failure apart from a client
 * failure when both reach the servlet as a failed read of the request body.
 */
final class UpstreamContent extends AsyncRequestContent {
    private volatile boolean failed;

    @Override
    public void fail(Throwable failure) {
        failed = true;
        super.fail(failure);
    }

    @Override
    public void fail(Throwable failure, boolean last) {
        failed = true;
        super.fail(failure, last);
    }

    boolean failed() {
        return failed;
    }
}
