/**
 * ViperDB as a Kafka Streams state store.
 *
 * <p>The words used here: a <em>user key</em> is a key as Kafka gives it; a <em>stored key</em> is that key in the
 * ViperDB store, behind a one-byte key space tag ({@link io.viperdb.kafka.KeySpace}); <em>metadata</em> is what the
 * store keeps about itself under another tag (committed changelog offsets, the {@code Position}, the open/closed
 * status) and never shows to Kafka; to <em>commit</em> is Kafka's {@code StateStore.commit(Map)}: the offsets and the
 * position written as one atomic batch, then synced.
 */
package io.viperdb.kafka;
