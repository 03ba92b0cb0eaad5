/**
 * The ViperDB storage engine. It exports nothing: applications reach it through
 * {@link io.viperdb.KeyValueStore#open(java.nio.file.Path)}, which finds it with {@link java.util.ServiceLoader}.
 *
 * <p>Inside, one package per concern: {@code format} (the on-disk layout of every file), {@code log} (append-only
 * files, buffered writes, memory-mapped reads), {@code index} (the in-memory key directory) and {@code store} (the
 * store that ties them together: writes, recovery, reclaim, locking).
 */
module io.viperdb.engine {
    requires io.viperdb.api;
    // For sun.misc.Unsafe.invokeCleaner alone, which unmaps files on JDK 17 to 21 (io.viperdb.engine.io.Mappings,
    // reflectively, with a fallback to the garbage collector). On JDK 22 and later the engine maps with the FFM API
    // and never touches it; the module is in every JDK, so requiring it costs nothing.
    requires jdk.unsupported;

    provides io.viperdb.spi.StoreEngine with io.viperdb.engine.ViperEngine;
}
