/**
 * The store: its operations ({@link CodecStore} over {@link ByteStore}), opening ({@link StoreOpener},
 * {@link StoreLock}), recovery ({@link Recovery}, {@link SegmentRecovery}, {@link SegmentReplay}, {@link CutRules}),
 * durability ({@link Syncer}, {@link BackgroundSync}), reclaim ({@link Reclaims}, {@link Reclaimer},
 * {@link AutoReclaimer}, {@link LiveSpace}), {@link Verifier}, {@link Backup} and {@link Salvage}, which reads the
 * damaged store through {@code engine.salvage}.
 *
 * <h2>Glossary</h2>
 * Places in a file are named as {@code engine.format} defines them, and the stages of durability (append, flush,
 * sync, seal) as {@code engine.log} does.
 * <dl>
 * <dt>durable</dt>
 * <dd>Synced: a write survives a crash once a sync that followed it has returned ({@link Syncer}).</dd>
 * <dt>replay</dt>
 * <dd>Reading a segment's hints, then its records past them, into the key directory when the store opens, by the
 * recovery rules of FORMAT.md ({@link SegmentReplay}). Recovery is the replay of every segment and what it cuts or
 * rebuilds.</dd>
 * <dt>cut</dt>
 * <dd>Truncate a log at an offset, dropping a torn append after it ({@link CutRules}).</dd>
 * <dt>last segment</dt>
 * <dd>The segment the manifest lists last: the only one whose tail may be torn, and below whose {@code syncedEnd}
 * records are not checked at open. {@code fileSize} is the size of its value log as found, reserved space
 * included.</dd>
 * <dt>live, dead</dt>
 * <dd>A record is live while the key directory places its key there; every other record is dead, and a reclaim
 * drops it.</dd>
 * <dt>reclaim</dt>
 * <dd>Copy the live records of sealed segments into new ones and delete the old, one step at a time
 * ({@link Reclaimer}).</dd>
 * <dt>salvage</dt>
 * <dd>Copy what can be read of a damaged store into a new one, writing nothing to the damaged one
 * ({@link Salvage}).</dd>
 * </dl>
 */
package io.viperdb.engine.store;
