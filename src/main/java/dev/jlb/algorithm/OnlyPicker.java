package dev.jlb.algorithm;

/** The picker of a snapshot with a single backend: every rule picks it, without drawing or counting. */
final class OnlyPicker<B> implements Picker<B> {
    private final String name;
    private final B only;

    OnlyPicker(String name, B only) {
        this.name = name;
        this.only = only;
    }

    @Override
    public B pick(long key) {
        return only;
    }

    @Override
    public String toString() {
        return name + " over 1";
    }
}
