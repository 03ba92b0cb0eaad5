/**
 * Reading a damaged store for salvage, writing nothing to it: every file mapped read-only ({@link ReadOnlyFile}),
 * each key log read past its damaged hints ({@link HintScan}), each value log walked past its damaged ranges
 * ({@link SegmentScan}), and the latest record of every key kept ({@link LatestRecords}). The store's
 * {@code Salvage} calls this package, under the store's lock, and writes what it found into a new store; calls go
 * one way, from the store down to here and from here down to {@code engine.log}, {@code engine.format} and
 * {@code engine.io}.
 *
 * <h2>Glossary</h2>
 * Places and soundness are named as {@code engine.format} defines them.
 * <dl>
 * <dt>damaged range</dt>
 * <dd>The bytes from a record that is not sound to the next sound one (or the end of the data), reported as a
 * {@code SalvageReport.Damage} with its file, offset and length.</dd>
 * <dt>rank</dt>
 * <dd>A segment's place in replay order: the manifest's order, or the order of the files on disk when it is
 * lost.</dd>
 * <dt>lost key</dt>
 * <dd>A key whose latest record lies in a damaged range: left out of the new store, never given an older value.</dd>
 * </dl>
 */
package io.viperdb.engine.salvage;
