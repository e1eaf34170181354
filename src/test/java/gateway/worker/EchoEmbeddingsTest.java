package gateway.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The echo's embeddings: deterministic, unit length, of any size, and alike for texts that share words. */
class EchoEmbeddingsTest {

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot; // both have unit length
    }

    static double length(float[] v) {
        return Math.sqrt(cosine(v, v));
    }

    @Test
    void theSameTextAlwaysGetsTheSameUnitVector() {
        float[] first = EchoEmbeddings.vector("The cat sat on the mat.", 1536);
        assertArrayEquals(first, EchoEmbeddings.vector("The cat sat on the mat.", 1536));
        assertEquals(1536, first.length);
        assertEquals(1.0, length(first), 1e-5);
        // Pinned: the vector must not change with the JDK or the machine (SplitMix64 and FNV-1a, no library randomness).
        assertEquals("[0.0058823046, -0.0192881, 0.0065868264]", Arrays.toString(Arrays.copyOf(first, 3)));
    }

    @Test
    void caseAndPunctuationAsideTextsThatShareWordsPointAlike() {
        float[] cat = EchoEmbeddings.vector("the cat sat on the mat", 256);
        assertEquals(1.0, cosine(cat, EchoEmbeddings.vector("The CAT sat on the mat", 256)), 1e-5);
        double similar = cosine(cat, EchoEmbeddings.vector("a cat sat on a rug", 256));
        double unrelated = cosine(cat, EchoEmbeddings.vector("quantum chromodynamics lectures", 256));
        assertTrue(similar > 0.3, "shared words: " + similar);
        assertTrue(Math.abs(unrelated) < similar, "unrelated " + unrelated + " vs similar " + similar);
    }

    @Test
    void everySizeIsUnitLengthAndWhitespaceStillGetsAVector() {
        for (int dimensions : new int[] {1, 2, 7, 3072}) {
            assertEquals(1.0, length(EchoEmbeddings.vector("hello world", dimensions)), 1e-5, "dimensions " + dimensions);
        }
        float[] blank = EchoEmbeddings.vector("   ", 8);
        assertEquals(1.0, length(blank), 1e-5);
        assertFalse(Double.isNaN(blank[0]));
    }
}
