package dev.jlb.text;

import java.util.Locale;
import org.eclipse.jetty.http.HttpStatus;

/**
 * What jlb says in its own error answers, {@code {"error": "..."}}: never a stack trace, a
 * container's error page or a backend's address.
 */
public final class ErrorMessages {
    public static final String CONTENT_TYPE = "application/json";
    private static final int LONGEST_MESSAGE = 200;

    private ErrorMessages() {}

    /**
     * What to say about an error that the container reports: its own message for a client's
     * error (such as the parser's "Ambiguous URI path separator"), but for a server error, or
     * one caused by an exception, only the status's reason, since an exception's message can
     * name a backend or an internal detail.
     *
     * @param message   the container's message, or {@code null}
     * @param exception whether an exception caused the error
     */
    public static String messageFor(int status, String message, boolean exception) {
        if (status < 500
                && !exception
                && message != null
                && !message.isBlank()
                && message.length() <= LONGEST_MESSAGE
                && !message.contains("://")) {
            return message;
        }
        String reason = HttpStatus.getMessage(status);
        return reason == null ? "error " + status : reason.toLowerCase(Locale.ROOT);
    }
}
