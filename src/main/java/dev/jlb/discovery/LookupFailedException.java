package dev.jlb.discovery;

/** A DNS lookup that got no usable answer; its message says why, for the log. */
public final class LookupFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public LookupFailedException(String message) {
        super(message);
    }
}
