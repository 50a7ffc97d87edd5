package dev.jlb.algorithm;

import dev.jlb.config.AlgorithmName;
import dev.jlb.view.BackendView;
import java.util.List;

/**
 * A load-balancing rule. It never sees health or drain state: the pool filters the backends
 * first and asks for a new {@link Picker} whenever the eligible set changes. State that must
 * outlive a rebuild (a round-robin position) lives in the algorithm, not in the picker.
 */
public interface Algorithm {
    /** The rule's name, as configured. */
    AlgorithmName name();

    /**
     * Whether its pickers route by the request's key ({@link Picker#pick(long)}); for the others
     * the proxy does not compute one.
     */
    default boolean usesKey() {
        return false;
    }

    /**
     * Builds the picker for one snapshot of eligible backends.
     *
     * @param eligible the backends that may take traffic, never empty
     */
    <B extends BackendView> Picker<B> pickerFor(List<B> eligible);
}
