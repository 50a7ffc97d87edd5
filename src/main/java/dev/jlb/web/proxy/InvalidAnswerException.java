package dev.jlb.web.proxy;

/**
 * A backend's answer that the proxy refuses to pass on: the client gets 502, the connection to
 * the backend is closed, and the backend's run of failed answers grows by one.
 */
final class InvalidAnswerException extends Exception {
    InvalidAnswerException(String message) {
        super(message, null, false, false);
    }
}
