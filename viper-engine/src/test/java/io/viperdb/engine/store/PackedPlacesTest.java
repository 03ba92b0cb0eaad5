package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.viperdb.engine.log.ValueLog;
import io.viperdb.engine.store.PackedPlaces.Copy;
import io.viperdb.engine.store.PackedPlaces.LogOrder;
import io.viperdb.engine.store.PackedPlaces.Source;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PackedPlacesTest {

    @Test
    void aSourcePlaceGivesBackItsOffsetAndLength_upToTheLargestValueLog() {
        long place = Source.of(ValueLog.MAX_SIZE - 1, Integer.MAX_VALUE);
        assertEquals(ValueLog.MAX_SIZE - 1, Source.offset(place));
        assertEquals(Integer.MAX_VALUE, Source.length(place));
    }

    @Test
    void aCopyPlaceGivesBackItsOutputAndOffset() {
        long copy = Copy.of(7, ValueLog.MAX_SIZE - 1);
        assertEquals(7, Copy.output(copy));
        assertEquals(ValueLog.MAX_SIZE - 1, Copy.offset(copy));
    }

    @Test
    void logOrderKeysSortTheIndexesByOffset_whateverTheLengths() {
        long[] places = {Source.of(300, 5), Source.of(20, Integer.MAX_VALUE), Source.of(4000, 1), Source.of(21, 0)};
        long[] keys = new long[places.length];
        for (int i = 0; i < places.length; i++) {
            keys[i] = LogOrder.of(places[i], i);
        }
        Arrays.sort(keys);
        int[] indexes = Arrays.stream(keys).mapToInt(LogOrder::index).toArray();
        assertArrayEquals(new int[] {1, 3, 0, 2}, indexes);
    }
}
