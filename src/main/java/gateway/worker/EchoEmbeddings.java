package gateway.worker;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The echo's embeddings: each word of a text (lower-cased) stands for a fixed random
 * direction, chosen by the word's hash, and a text's vector is the sum of its words',
 * scaled to unit length. So the same text always gets the same vector, on any machine
 * and any JDK, and texts that share words point alike (their cosine similarity is
 * above 0), which is enough to try a retrieval pipeline end to end. This is the
 * "hashing trick" of feature hashing; it knows nothing of meaning.
 */
final class EchoEmbeddings {
    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}\\p{N}]*|\\p{N}+|\\S");

    private EchoEmbeddings() {
    }

    static float[] vector(String text, int dimensions) {
        double[] sum = new double[dimensions];
        Matcher words = WORD.matcher(text.toLowerCase(Locale.ROOT));
        boolean any = false;
        while (words.find()) {
            addDirection(sum, hash(words.group()));
            any = true;
        }
        if (!any) {
            addDirection(sum, hash("")); // only whitespace: still a unit vector, the same for all such texts
        }
        double norm = 0;
        for (double x : sum) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (sum[i] / norm);
        }
        return vector;
    }

    /** Adds the word's direction: numbers in [-1, 1) from SplitMix64 seeded by its hash, the same on every JDK. */
    private static void addDirection(double[] sum, long seed) {
        long state = seed;
        for (int i = 0; i < sum.length; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            sum[i] += (z >>> 11) * 0x1.0p-52 - 1; // 53 random bits scaled to [0, 2), shifted to [-1, 1)
        }
    }

    /** FNV-1a over the word's UTF-16 units. */
    private static long hash(String word) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < word.length(); i++) {
            hash = (hash ^ word.charAt(i)) * 0x100000001b3L;
        }
        return hash;
    }
}
