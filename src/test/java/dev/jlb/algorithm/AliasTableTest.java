package dev.jlb.algorithm;

import static dev.jlb.algorithm.Backends.scripted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AliasTableTest {
    /**
     * How many of the table's equally likely (column, coin) outcomes give each index: every
     * column is tried with every coin it may draw, so the counts are the exact probabilities.
     */
    private static long[] outcomes(AliasTable table, int n) {
        long[] units = new long[n];
        int height = 0;
        long[] fullColumns = new long[n];
        for (int column = 0; column < n; column++) {
            int c = column;
            int[] calls = {0};
            int[] coinBound = {0};
            int first = table.draw(bound -> {
                if (calls[0]++ == 0) {
                    assertEquals(n, bound);
                    return c;
                }
                coinBound[0] = bound;
                return 0;
            });
            if (calls[0] == 1) {
                fullColumns[first]++;
                continue;
            }
            height = coinBound[0];
            for (int coin = 0; coin < height; coin++) {
                int[] step = {0};
                int r = coin;
                units[table.draw(bound -> step[0]++ == 0 ? c : r)]++;
            }
        }
        for (int i = 0; i < n; i++) {
            units[i] += fullColumns[i] * Math.max(height, 1);
        }
        return units;
    }

    @Property(tries = 300)
    void drawsEachIndexWithExactlyItsShareOfTheWeight(
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 1000) Integer> weights,
            @ForAll @IntRange(min = 1, max = 10) int warmthTenths) {
        int n = weights.size();
        long[] w = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            // Slow start's figures: the last backend warms up.
            w[i] = weights.get(i) * (i == n - 1 ? warmthTenths * 100L : 1000L);
            total += w[i];
        }
        long[] units = outcomes(AliasTable.of(w), n);
        long all = 0;
        for (long u : units) {
            all += u;
        }
        for (int i = 0; i < n; i++) {
            assertEquals(w[i] * all, units[i] * total, "index " + i + " of " + weights);
        }
    }

    @Test
    void equalWeightsDrawOneUniformIndexAndNoCoin() {
        AliasTable table = AliasTable.of(new long[] {7, 7, 7});
        assertTrue(table.uniform());
        int[] calls = {0};
        assertEquals(2, table.draw(bound -> {
            calls[0]++;
            return 2;
        }));
        assertEquals(1, calls[0]);
        assertEquals("uniform over 3", table.toString());
    }

    @Test
    void anotherIsRedrawnAFewTimesThenTheNextIndexIsTaken() {
        AliasTable table = AliasTable.of(new long[] {1, 1, 1});
        assertEquals(2, table.drawOther(scripted(1, 1, 2), 1));
        assertEquals(2, table.drawOther(scripted(1, 1, 1, 0), 1));
        assertEquals(0, table.drawOther(scripted(2), 2));
    }

    @Property(tries = 200)
    void anotherIsNeverTheFirst(
            @ForAll @Size(min = 2, max = 8) List<@IntRange(min = 1, max = 1000) Integer> weights,
            @ForAll @IntRange(min = 0, max = 7) int first,
            @ForAll long seed) {
        long[] w = weights.stream().mapToLong(Integer::longValue).toArray();
        int f = first % w.length;
        SplittableRandom random = new SplittableRandom(seed);
        AliasTable table = AliasTable.of(w);
        for (int i = 0; i < 50; i++) {
            int other = table.drawOther(random::nextInt, f);
            assertNotEquals(f, other);
            assertTrue(other >= 0 && other < w.length);
        }
    }
}
