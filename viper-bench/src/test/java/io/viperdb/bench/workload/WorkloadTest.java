package io.viperdb.bench.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void keysAreSixteenAsciiBytesWhoseByteOrderIsTheIndexOrder() {
        assertEquals("key0000000000000", Workload.keyText(0));
        assertEquals("key0000000000042", Workload.keyText(42));
        assertEquals("key0000999999999", Workload.keyText(999_999_999));
        Workload workload = new Workload(1000, 8);
        Key previous = workload.key(0);
        for (int i = 1; i < 1000; i++) {
            Key key = workload.key(i);
            assertEquals(Workload.KEY_LENGTH, key.bytes().length);
            assertTrue(Arrays.compareUnsigned(previous.bytes(), key.bytes()) < 0, key.text());
            previous = key;
        }
    }

    @Test
    void theSameArgumentsGiveTheSameValuesAndSequences() {
        Workload one = new Workload(5000, 100);
        Workload two = new Workload(5000, 100);
        assertArrayEquals(one.value(17, 3), two.value(17, 3));
        assertEquals(100, one.value(17, 3).length);
        assertArrayEquals(one.uniformSequence(), two.uniformSequence());
        assertArrayEquals(one.zipfianSequence(), two.zipfianSequence());
        assertArrayEquals(one.shuffledOrder(), two.shuffledOrder());
    }

    @Test
    void aLaterWriteCarriesAnotherValue() {
        Workload workload = new Workload(5000, 100);
        assertNotSame(workload.value(17, 0), workload.value(17, 1));
        assertTrue(!Arrays.equals(workload.value(17, 0), workload.value(17, 1)));
    }

    @Test
    void sequencesStayInTheKeySpaceAndTheShuffledOrderHasEveryKeyOnce() {
        Workload workload = new Workload(3000, 10);
        assertTrue(Arrays.stream(workload.uniformSequence()).allMatch(i -> i >= 0 && i < 3000));
        assertTrue(Arrays.stream(workload.zipfianSequence()).allMatch(i -> i >= 0 && i < 3000));
        int[] order = workload.shuffledOrder().clone();
        Arrays.sort(order);
        for (int i = 0; i < order.length; i++) {
            assertEquals(i, order[i]);
        }
    }

    @Test
    void everyIndexFitsSixteenBytesAndNegativeOnesAreRefused() {
        assertEquals("key0002147483647", Workload.keyText(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Workload.keyText(-1));
    }
}
