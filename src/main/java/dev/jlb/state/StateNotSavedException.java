package dev.jlb.state;

/** An admin change that is in effect but could not be written to the state file. */
public final class StateNotSavedException extends Exception {
    private static final long serialVersionUID = 1L;

    StateNotSavedException(String message, Throwable cause) {
        super(message, cause);
    }
}
