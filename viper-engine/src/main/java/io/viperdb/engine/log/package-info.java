/**
 * The files of a store: {@link Segment} (a {@link ValueLog} and its {@link KeyLog}), {@link LogFile} and
 * {@link LogAppender} (buffered appends), {@link Mapping} (a memory mapping and the readers inside it),
 * {@link StoreDirectory} (file names, the manifest's atomic replacement) and {@link SyncMarkFile}.
 *
 * <h2>Glossary</h2>
 * Places in a file are named as {@code engine.format} defines them (offset, length, end). Data becomes durable in
 * three stages, each with one word and one end:
 * <dl>
 * <dt>append</dt>
 * <dd>Put a record into a log's write buffer. A log's {@code end} is where the next append goes.</dd>
 * <dt>flush</dt>
 * <dd>Hand the buffered bytes to the operating system, the value log's before the key log's, so that a hint never
 * reaches a file before its record. Readers may read up to the {@code flushedEnd}.</dd>
 * <dt>sync</dt>
 * <dd>Flush, then force the value log and then the key log to the device. The value log is on the device up to its
 * {@code syncedEnd}, which the {@link SyncMarkFile sync mark} notes afterwards. A {@link Segment.PendingSync} is a
 * sync flushed under the append lock and forced after it is released.</dd>
 * <dt>seal</dt>
 * <dd>Stop a log's appends for good: flush, cut the file at its end (dropping the space reserved ahead), sync.</dd>
 * <dt>segment</dt>
 * <dd>A value log and a key log with the same id. The <em>active</em> segment takes appends; the others are
 * sealed.</dd>
 * <dt>{@code mappedEnd}</dt>
 * <dd>How far a value log's current mapping holds flushed bytes: a read below it takes no lock.</dd>
 * </dl>
 */
package io.viperdb.engine.log;
