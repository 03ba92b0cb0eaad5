package io.viperdb.kafka;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.ResultOrder;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Interactive queries (v2) against a key-value store of bytes: {@link KeyQuery} and {@link RangeQuery}, answered only
 * when the store's {@link Position} has reached the query's {@link PositionBound} for the store's partition. Kafka's
 * metered layer above the store turns typed queries into these and deserializes the results.
 */
final class PositionQueries {

    private PositionQueries() {
    }

    /**
     * Runs {@code query} against {@code store} if {@code position} satisfies {@code bound} for {@code partition}.
     *
     * @param partition the partition of the store's task, which is the one a bound is checked for
     * @return the result, a failure ({@link FailureReason#NOT_UP_TO_BOUND}, {@link FailureReason#UNKNOWN_QUERY_TYPE},
     *     {@link FailureReason#STORE_EXCEPTION}), with a copy of the position either way
     */
    @SuppressWarnings("unchecked")
    static <R> QueryResult<R> run(Query<R> query, PositionBound bound, QueryConfig config,
            KeyValueStore<Bytes, byte[]> store, Position position, int partition) {
        long start = System.nanoTime();
        QueryResult<R> result;
        // The position is read and the query run under its lock, which writers take to move it (see
        // ViperKeyValueStore.advance): the result holds at least what the returned position says.
        synchronized (position) {
            if (!(query instanceof KeyQuery) && !(query instanceof RangeQuery)) {
                result = QueryResult.forUnknownQueryType(query, store);
            } else if (!reached(position, bound, partition)) {
                result = QueryResult.notUpToBound(position, bound, partition);
            } else {
                try {
                    result = query instanceof KeyQuery<?, ?> key
                            ? (QueryResult<R>) QueryResult.forResult(store.get((Bytes) key.getKey()))
                            : (QueryResult<R>) QueryResult.forResult(range(store, (RangeQuery<Bytes, byte[]>) query));
                } catch (RuntimeException e) {
                    result = QueryResult.forFailure(FailureReason.STORE_EXCEPTION, "State store " + store.name()
                            + " failed to run " + query + ": " + e);
                }
            }
            if (config.isCollectExecutionInfo()) {
                result.addExecutionInfo("Handled in " + store.getClass() + " in " + (System.nanoTime() - start)
                        + "ns");
            }
            result.setPosition(position.copy());
        }
        return result;
    }

    private static KeyValueIterator<Bytes, byte[]> range(KeyValueStore<Bytes, byte[]> store,
            RangeQuery<Bytes, byte[]> query) {
        Bytes lower = query.getLowerBound().orElse(null);
        Bytes upper = query.getUpperBound().orElse(null);
        return query.resultOrder() == ResultOrder.DESCENDING
                ? store.reverseRange(lower, upper)
                : store.range(lower, upper);
    }

    /**
     * Whether {@code position} has reached {@code bound} for {@code partition}: for every topic the bound names with
     * this partition, the position has seen that partition at an offset at least the bound's. Partitions of other
     * tasks in the bound do not concern this store.
     */
    static boolean reached(Position position, PositionBound bound, int partition) {
        if (bound.isUnbounded()) {
            return true;
        }
        Position required = bound.position();
        for (String topic : required.getTopics()) {
            Long needed = required.getPartitionPositions(topic).get(partition);
            if (needed != null) {
                Map<Integer, Long> seen = position.getPartitionPositions(topic);
                Long offset = Optional.ofNullable(seen).map(s -> s.get(partition)).orElse(null);
                if (offset == null || offset < needed) {
                    return false;
                }
            }
        }
        return true;
    }
}
