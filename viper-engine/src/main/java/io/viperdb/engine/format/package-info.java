/**
 * The bytes of every file of a store, and nothing else: no file is opened here. Each class writes and reads one
 * structure, and its Javadoc holds that structure's grammar; FORMAT.md says the same in prose.
 *
 * <h2>Glossary</h2>
 * The words for places in a file are defined here, once, for every package of the engine.
 * <dl>
 * <dt>offset</dt>
 * <dd>A place in a file, in bytes from its start. A record's offset is where its header starts.</dd>
 * <dt>length</dt>
 * <dd>How many bytes something takes: a record's length is its header, key and value.</dd>
 * <dt>end</dt>
 * <dd>The offset just past the last byte of something: a record ends at its offset plus its length. Alone, the end
 * of a log is where its data stops and the next record goes. A qualified end says what stops there:
 * {@code valueLogEnd}, {@code keyLogEnd}, {@code hintedEnd} (where the records that the hints list stop),
 * {@code soundEnd} (the end of the last sound record or hint read in order), and the ends of the stages of
 * durability that {@code engine.log} defines ({@code flushedEnd}, {@code syncedEnd}).</dd>
 * <dt>record</dt>
 * <dd>One entry of a value log: a put, a delete, or a batch's begin or commit ({@link DataRecord}).</dd>
 * <dt>hint</dt>
 * <dd>One entry of a key log: a record's header fields and offset, so that opening reads no values
 * ({@link HintRecord}).</dd>
 * <dt>sound</dt>
 * <dd>Whole, plausible and matching its checksum: the {@link RecordVerdict verdict} of
 * {@link DataRecord#inspect} when nothing is wrong. A record that is not sound is <em>incomplete</em> (it runs past
 * the bytes there are: a torn append) or <em>invalid</em> (the bytes are not a record).</dd>
 * <dt>checksum</dt>
 * <dd>A CRC32C ({@link Checksums}), stored in a record's or file's own bytes.</dd>
 * <dt>sync mark</dt>
 * <dd>The note that a segment's value log was synced up to its {@code syncedEnd} ({@link SyncMark}).</dd>
 * </dl>
 */
package io.viperdb.engine.format;
