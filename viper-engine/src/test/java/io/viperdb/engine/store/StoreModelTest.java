package io.viperdb.engine.store;

import static org.quicktheories.QuickTheory.qt;

import io.viperdb.StoreOptions;
import io.viperdb.engine.testing.Item;
import io.viperdb.engine.testing.StoreModel;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Random sequences of writes, expiries, flushes, reopens, crashes and reclaims agree with a {@code HashMap} model
 * at every step, for the test codec and for the json and kryo codecs as ServiceLoader finds them. QuickTheories
 * shrinks a failing sequence and prints the seed; pin it with
 * {@code qt().withFixedSeed(seed)} to replay one.
 */
class StoreModelTest {

    private static final int EXAMPLES = 150;
    /** Each shrink step replays a store; a few hundred give a short sequence without stalling the build. */
    private static final int SHRINK_CYCLES = 300;

    @Test
    void aStoreAgreesWithAMapThroughReopensAndReclaims() {
        Gen<String> values = SourceDSL.strings().allPossible().ofLengthBetween(0, 200)
                .map(StoreModelTest::withoutLoneSurrogates);
        qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(StoreModel.steps(values, 50))
                .checkAssert(steps -> StoreModel.check(new TextCodec(), StoreOptions.DEFAULT_LOG_FILE_SIZE, steps));
    }

    @Test
    void aStoreOfManySmallLogFilesAgreesWithAMap() {
        Gen<String> values = SourceDSL.strings().basicLatinAlphabet().ofLengthBetween(0, 1500);
        qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(StoreModel.steps(values, 50))
                .checkAssert(steps -> StoreModel.check(new TextCodec(), StoreOptions.MIN_LOG_FILE_SIZE, steps));
    }

    @Test
    void aJsonStoreAgreesWithAMap() {
        qt().withExamples(EXAMPLES / 2).withShrinkCycles(SHRINK_CYCLES).forAll(StoreModel.steps(jsonValues(), 40))
                .checkAssert(steps -> StoreModel.check(codec("json"), 64 << 10, steps));
    }

    @Test
    void aKryoStoreAgreesWithAMap() {
        qt().withExamples(EXAMPLES / 2).withShrinkCycles(SHRINK_CYCLES).forAll(StoreModel.steps(kryoValues(), 40))
                .checkAssert(steps -> StoreModel.check(codec("kryo"), 64 << 10, steps));
    }

    @SuppressWarnings("unchecked")
    private static ValueCodec<Object> codec(String name) {
        return (ValueCodec<Object>) ValueCodecs.named(name);
    }

    private static Gen<String> words() {
        return SourceDSL.strings().basicLatinAlphabet().ofLengthBetween(0, 30);
    }

    /** Values the json codec gives back unchanged: strings, ints, booleans, lists, string-keyed maps, byte[]. */
    private static Gen<Object> jsonValues() {
        Gen<Object> scalar = Generate.oneOf(words().map(w -> (Object) w),
                SourceDSL.integers().all().map(i -> (Object) i), SourceDSL.booleans().all().map(b -> (Object) b));
        Gen<Object> list = SourceDSL.lists().of(scalar).ofSizeBetween(0, 5).map(l -> (Object) new ArrayList<>(l));
        Gen<Object> map = SourceDSL.lists().of(words().zip(scalar, Pair::of)).ofSizeBetween(0, 5).map(pairs -> {
            Map<String, Object> m = new LinkedHashMap<>();
            pairs.forEach(p -> m.put(p._1, p._2));
            return (Object) m;
        });
        Gen<Object> bytes = Generate.byteArrays(Generate.range(0, 60),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)).map(b -> (Object) b);
        return Generate.frequency(List.of(Pair.of(4, scalar), Pair.of(2, list), Pair.of(2, map), Pair.of(1, bytes)));
    }

    /** Values the kryo codec gives back unchanged: the user's records, lists of them, strings and numbers. */
    private static Gen<Object> kryoValues() {
        Gen<Item> item = words().zip(SourceDSL.integers().all(), SourceDSL.lists().of(words()).ofSizeBetween(0, 3),
                (name, count, tags) -> new Item(name, count, new ArrayList<>(tags)));
        return Generate.frequency(List.of(Pair.of(4, item.map(i -> (Object) i)),
                Pair.of(2, SourceDSL.lists().of(item).ofSizeBetween(0, 4).map(l -> (Object) new ArrayList<>(l))),
                Pair.of(1, words().map(w -> (Object) w)),
                Pair.of(1, SourceDSL.longs().all().map(l -> (Object) l))));
    }

    /** The text codec encodes with String.getBytes, which cannot round-trip an unpaired surrogate. */
    private static String withoutLoneSurrogates(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (!Character.isSurrogate(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
