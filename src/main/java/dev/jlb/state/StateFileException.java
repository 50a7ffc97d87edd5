package dev.jlb.state;

import java.nio.file.Path;

/** A state file that exists but cannot be used: unreadable, truncated, or not a state file. */
public final class StateFileException extends Exception {
    private static final long serialVersionUID = 1L;

    StateFileException(Path file, String problem, Throwable cause) {
        super("cannot read state file '" + file + "': " + problem, cause);
    }
}
