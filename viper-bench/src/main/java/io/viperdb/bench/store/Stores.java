package io.viperdb.bench.store;

import java.util.List;

/** The stores this benchmark knows, by the names used in parameters and in the report. */
public final class Stores {

    /** Every store, ViperDB first: the report's ratios are against it. */
    public static final List<String> ALL = List.of(
            ViperStore.NAME, RocksDbStore.NAME, LmdbStore.NAME, ChronicleStore.NAME, MvStoreStore.NAME,
            MapDbStore.NAME);

    /** The store every ratio in the report is taken against. */
    public static final String BASELINE = ViperStore.NAME;

    private Stores() {
    }

    /**
     * A new, unopened adapter for the store called {@code name}.
     *
     * @throws IllegalArgumentException if there is none of that name; the message lists those there are
     */
    public static StoreAdapter create(String name) {
        switch (name) {
            case ViperStore.NAME:
                return new ViperStore();
            case RocksDbStore.NAME:
                return new RocksDbStore();
            case LmdbStore.NAME:
                return new LmdbStore();
            case ChronicleStore.NAME:
                return new ChronicleStore();
            case MvStoreStore.NAME:
                return new MvStoreStore();
            case MapDbStore.NAME:
                return new MapDbStore();
            default:
                throw new IllegalArgumentException("No store named '" + name + "'; the stores are " + ALL);
        }
    }

    /** The name people know the store by, for the report: "RocksDB" for {@code rocksdb}. */
    public static String displayName(String name) {
        switch (name) {
            case ViperStore.NAME:
                return "ViperDB";
            case RocksDbStore.NAME:
                return "RocksDB";
            case LmdbStore.NAME:
                return "LMDB";
            case ChronicleStore.NAME:
                return "Chronicle Map";
            case MvStoreStore.NAME:
                return "H2 MVStore";
            case MapDbStore.NAME:
                return "MapDB";
            default:
                return name;
        }
    }
}
