package dev.jlb.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP statuses that count as a pass, written as codes and ranges: {@code 200-299},
 * {@code 200-399}, {@code 200,204}. Checked by a scan of a few int pairs, no boxing.
 */
public final class StatusRanges {
    private final int[] bounds;
    private final String text;

    private StatusRanges(int[] bounds, String text) {
        this.bounds = bounds;
        this.text = text;
    }

    /**
     * Parses codes and ranges such as {@code 200-299,418}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static StatusRanges parse(String text) {
        List<int[]> ranges = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String part = item.strip();
            int dash = part.indexOf('-');
            int low = status(dash < 0 ? part : part.substring(0, dash), text);
            int high = dash < 0 ? low : status(part.substring(dash + 1), text);
            if (high < low) {
                throw new IllegalArgumentException("range '" + part + "' in '" + text + "' runs backwards");
            }
            ranges.add(new int[] {low, high});
        }
        int[] bounds = new int[ranges.size() * 2];
        for (int i = 0; i < ranges.size(); i++) {
            bounds[2 * i] = ranges.get(i)[0];
            bounds[2 * i + 1] = ranges.get(i)[1];
        }
        return new StatusRanges(bounds, text);
    }

    private static int status(String text, String whole) {
        try {
            int status = Integer.parseInt(text.strip());
            if (status >= 100 && status <= 599) {
                return status;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "'" + whole + "' is not a list of HTTP statuses and ranges (100-599)," + " such as 200-299 or 200,204");
    }

    public boolean contains(int status) {
        for (int i = 0; i < bounds.length; i += 2) {
            if (status >= bounds[i] && status <= bounds[i + 1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StatusRanges ranges && java.util.Arrays.equals(bounds, ranges.bounds);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bounds);
    }

    @Override
    public String toString() {
        return text;
    }
}
