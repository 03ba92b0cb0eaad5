/**
 * The file system as the engine sees it: {@link FileAccess}, the seam where tests inject faults and power cuts, and
 * {@link Mappings}, which maps a file for reading (a {@code MappedByteBuffer} on JDK 17, the foreign memory API on
 * JDK 22 and later).
 *
 * <h2>Glossary</h2>
 * <dl>
 * <dt>force</dt>
 * <dd>{@code FileChannel.force}: the call that puts a file's bytes on the device. Above this package the idea is
 * called <em>sync</em> (see {@code engine.log}); "force" names the call only.</dd>
 * <dt>mapping</dt>
 * <dd>A file's bytes mapped into memory for reading by offset ({@link MappedRegion}).</dd>
 * </dl>
 */
package io.viperdb.engine.io;
