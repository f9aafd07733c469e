package livykernel.magics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Finds the known names closest to a mistyped one (edit distance, with prefixes counted as close). */
public final class CloseMatches {

    private CloseMatches() {
    }

    /** Up to {@code max} candidates, closest first; empty when nothing is plausibly meant. */
    public static List<String> of(String typed, List<String> known, int max) {
        String t = typed.toLowerCase();
        record Scored(String name, int distance) {
        }
        List<Scored> scored = new ArrayList<>();
        for (String k : known) {
            int d = distance(t, k.toLowerCase());
            // A typo of up to a third of the word, or a truncated name ("%%conf"), is a plausible intent.
            int allowed = Math.max(1, Math.max(t.length(), k.length()) / 3);
            if (d <= allowed || (t.length() >= 2 && k.startsWith(t)) || (k.length() >= 3 && t.startsWith(k))) {
                scored.add(new Scored(k, d));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        return scored.stream().limit(max).map(Scored::name).toList();
    }

    /** Damerau-Levenshtein distance (optimal string alignment): swapped letters count as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
