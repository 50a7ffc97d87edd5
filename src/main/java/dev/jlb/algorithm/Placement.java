package dev.jlb.algorithm;

/** Where keys land on a consistent hash: positions in a circle, each owned by a backend. */
interface Placement {
    /** The key's position. */
    int position(long key);

    /** The backend (index in route order) that owns a position. */
    int owner(int position);

    /** The number of positions. */
    int size();
}
