package io.viperdb.testkit;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;
import junit.framework.Test;
import junit.framework.TestCase;
import junit.framework.TestFailure;
import junit.framework.TestResult;
import junit.framework.TestSuite;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guava's testlib suite for a {@link ConcurrentMap} ({@link ConcurrentMapTestSuiteBuilder}), run against
 * {@link KeyValueStore#asMap()} of real stores: every test it generates gets a new store in a directory of its own,
 * closed after the test. A codec module runs it by extending this class with the options that name its codec (the
 * suite's values are {@code String}s, which every codec stores and gives back equal), with an engine and
 * {@code com.google.guava:guava-testlib} on its test path.
 *
 * <p>The features claimed are those of {@link java.util.concurrent.ConcurrentHashMap} without its order: general
 * purpose (put, remove, and the atomic operations), iterators that remove, any size; null keys and values, and null
 * queries, are refused. Left out: {@code KNOWN_ORDER} (the store keeps no order of its keys until the ordered index
 * lands) and {@code SERIALIZABLE} (a view of an open store is not a value to serialize).
 *
 * <p>Guava's suites are JUnit 3 tests; each becomes a JUnit 5 dynamic test here, so that the build runs them with the
 * rest and needs no vintage engine.
 */
public abstract class StoreMapContract {

    @TempDir
    Path stores;

    /** The stores the running test opened, closed when it ends. */
    private final List<KeyValueStore<?>> open = Collections.synchronizedList(new ArrayList<>());

    /**
     * The options of the stores the suite opens: the codec under test, and whatever else keeps a test fast.
     *
     * @return the options of every store the suite opens
     */
    protected abstract StoreOptions options();

    /**
     * Guava's {@link ConcurrentMap} suite as dynamic tests, one store per test.
     *
     * @return the suite's tests, nested as Guava nests them
     */
    @TestFactory
    Stream<DynamicNode> guavaConcurrentMapSuite() {
        TestSuite suite = ConcurrentMapTestSuiteBuilder.using(new TestStringMapGenerator() {
            @Override
            protected Map<String, String> create(Map.Entry<String, String>[] entries) {
                ConcurrentMap<String, String> map = newStore().asMap();
                for (Map.Entry<String, String> entry : entries) {
                    map.put(entry.getKey(), entry.getValue());
                }
                return map;
            }
        })
                .named("KeyValueStore asMap")
                .withFeatures(MapFeature.GENERAL_PURPOSE, CollectionFeature.SUPPORTS_ITERATOR_REMOVE,
                        CollectionSize.ANY)
                .withTearDown(this::closeStores)
                .createTestSuite();
        return Stream.of(node(suite));
    }

    private KeyValueStore<String> newStore() {
        try {
            KeyValueStore<String> store = KeyValueStore.open(Files.createTempDirectory(stores, "map"), options());
            open.add(store);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the stores of the test that ended, and deletes their files, so that thousands of tests fit on disk. */
    private void closeStores() {
        synchronized (open) {
            open.forEach(KeyValueStore::close);
            open.clear();
        }
        try (Stream<Path> files = Files.walk(stores)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!file.equals(stores)) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JUnit 3 test as a JUnit 5 node: a suite as a container of its tests, a test case as a test that runs it. */
    private static DynamicNode node(Test test) {
        if (test instanceof TestSuite suite) {
            List<DynamicNode> children = new ArrayList<>();
            for (int i = 0; i < suite.testCount(); i++) {
                children.add(node(suite.testAt(i)));
            }
            return DynamicContainer.dynamicContainer(suite.getName(), children);
        }
        return DynamicTest.dynamicTest(((TestCase) test).getName(), () -> {
            TestResult result = new TestResult();
            test.run(result);
            for (TestFailure failure : Collections.list(result.errors())) {
                throw failure.thrownException();
            }
            for (TestFailure failure : Collections.list(result.failures())) {
                throw failure.thrownException();
            }
        });
    }
}
