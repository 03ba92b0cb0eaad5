package io.viperdb;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A store seen as a {@link ConcurrentMap}: the view {@link KeyValueStore#asMap()} returns. It holds nothing but the
 * store; every method is one or a few of the store's, so the view is as atomic as they are. The contract is on
 * {@link KeyValueStore#asMap()}.
 *
 * <p>It lives in the API rather than the engine because it needs nothing but the API: any {@link KeyValueStore}
 * gets the same view.
 */
final class StoreMap<V> extends AbstractMap<String, V> implements ConcurrentMap<String, V> {

    private final KeyValueStore<V> store;

    StoreMap(KeyValueStore<V> store) {
        this.store = store;
    }

    /** The key a query names, or null for one that is not a {@code String}, which the store cannot hold. */
    private static String key(Object key) {
        Objects.requireNonNull(key, "key");
        return key instanceof String text ? text : null;
    }

    @Override
    public int size() {
        return (int) Math.min(store.size(), Integer.MAX_VALUE);
    }

    @Override
    public boolean isEmpty() {
        return store.size() == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        String text = key(key);
        return text != null && store.containsKey(text);
    }

    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value, "value");
        for (V present : values()) {
            if (present.equals(value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public V get(Object key) {
        String text = key(key);
        return text == null ? null : store.get(text);
    }

    @Override
    public V put(String key, V value) {
        Objects.requireNonNull(value, "value");
        // Map.put returns the value it replaced, read and written atomically: compute is the store's way to do both.
        Previous<V> previous = new Previous<>();
        store.compute(key, (k, current) -> {
            previous.value = current;
            return value;
        });
        return previous.value;
    }

    /** What a function passed to the store saw, for the caller to return. */
    private static final class Previous<V> {
        V value;
    }

    @Override
    public V remove(Object key) {
        String text = key(key);
        return text == null ? null : store.getAndRemove(text);
    }

    @Override
    @SuppressWarnings("unchecked") // a value of another type is never equal to a decoded value of the store
    public boolean remove(Object key, Object value) {
        String text = key(key);
        return text != null && value != null && store.remove(text, (V) value);
    }

    @Override
    public V putIfAbsent(String key, V value) {
        return store.putIfAbsent(key, value);
    }

    @Override
    public V replace(String key, V value) {
        return store.replace(key, value);
    }

    @Override
    public boolean replace(String key, V expected, V value) {
        Objects.requireNonNull(expected, "expected");
        return store.replace(key, expected, value);
    }

    @Override
    public V compute(String key, BiFunction<? super String, ? super V, ? extends V> function) {
        return store.compute(key, function);
    }

    @Override
    public V computeIfAbsent(String key, Function<? super String, ? extends V> function) {
        return store.computeIfAbsent(key, function);
    }

    @Override
    public V computeIfPresent(String key, BiFunction<? super String, ? super V, ? extends V> function) {
        return store.computeIfPresent(key, function);
    }

    @Override
    public V merge(String key, V value, BiFunction<? super V, ? super V, ? extends V> function) {
        return store.merge(key, value, function);
    }

    /** Puts every entry as one batch: all or none, so that a null key or value among them leaves the map as it was. */
    @Override
    public void putAll(Map<? extends String, ? extends V> entries) {
        WriteBatch<V> batch = new WriteBatch<>();
        entries.forEach(batch::put);
        store.write(batch);
    }

    @Override
    public void clear() {
        for (String key : store.keys()) {
            store.remove(key);
        }
    }

    @Override
    public Set<String> keySet() {
        return new SetView<>(Map.Entry::getKey, this::containsKey, key -> {
            String text = key(key);
            return text != null && store.remove(text);
        });
    }

    @Override
    public Collection<V> values() {
        return new View<>(Map.Entry::getValue, this::containsValue, value -> {
            Iterator<V> values = values().iterator();
            while (values.hasNext()) {
                if (values.next().equals(value)) {
                    values.remove();
                    return true;
                }
            }
            return false;
        });
    }

    @Override
    public Set<Map.Entry<String, V>> entrySet() {
        return new SetView<>(entry -> entry, this::containsEntry,
                entry -> entry instanceof Map.Entry<?, ?> e && remove(e.getKey(), e.getValue()));
    }

    private boolean containsEntry(Object entry) {
        return entry instanceof Map.Entry<?, ?> e && e.getKey() instanceof String key && e.getValue() != null
                && e.getValue().equals(store.get(key));
    }

    /**
     * A view of one part of each entry (the key, the value, or the entry itself): it iterates the entries, removes
     * through them, and its size and clear are the map's.
     */
    private class View<T> extends AbstractCollection<T> {

        private final Function<Map.Entry<String, V>, T> part;
        private final Predicate<Object> contains;
        private final Predicate<Object> remove;

        View(Function<Map.Entry<String, V>, T> part, Predicate<Object> contains, Predicate<Object> remove) {
            this.part = part;
            this.contains = contains;
            this.remove = remove;
        }

        @Override
        public Iterator<T> iterator() {
            Iterator<Map.Entry<String, V>> entries = new EntryIterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public T next() {
                    return part.apply(entries.next());
                }

                @Override
                public void remove() {
                    entries.remove();
                }
            };
        }

        @Override
        public int size() {
            return StoreMap.this.size();
        }

        @Override
        public boolean contains(Object element) {
            return contains.test(element);
        }

        @Override
        public boolean remove(Object element) {
            return remove.test(element);
        }

        @Override
        public void clear() {
            StoreMap.this.clear();
        }
    }

    /** The key and entry views, which are sets: equal to any set of the same elements. */
    private final class SetView<T> extends View<T> implements Set<T> {

        SetView(Function<Map.Entry<String, V>, T> part, Predicate<Object> contains, Predicate<Object> remove) {
            super(part, contains, remove);
        }

        @Override
        public boolean equals(Object other) {
            if (other == this) {
                return true;
            }
            if (!(other instanceof Set<?> set) || set.size() != size()) {
                return false;
            }
            try {
                return containsAll(set);
            } catch (ClassCastException | NullPointerException e) {
                return false;
            }
        }

        @Override
        public int hashCode() {
            int hash = 0;
            for (T element : this) {
                hash += element.hashCode();
            }
            return hash;
        }
    }

    /**
     * Walks a copy of the keys taken when it is made, reading each value as it goes: weakly consistent, since a key
     * removed meanwhile is skipped and one added meanwhile is not seen. Until the ordered scan of the store lands, the
     * copy is {@link KeyValueStore#keys()}.
     */
    private final class EntryIterator implements Iterator<Map.Entry<String, V>> {

        private final Iterator<String> keys = store.keys().iterator();
        private Map.Entry<String, V> next;
        private String last;

        @Override
        public boolean hasNext() {
            while (next == null && keys.hasNext()) {
                String key = keys.next();
                V value = store.get(key);
                if (value != null) {
                    next = new WriteThroughEntry(key, value);
                }
            }
            return next != null;
        }

        @Override
        public Map.Entry<String, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Map.Entry<String, V> entry = next;
            next = null;
            last = entry.getKey();
            return entry;
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException("remove() without a next() before it");
            }
            store.remove(last);
            last = null;
        }
    }

    /** An entry of the iteration whose {@code setValue} puts the new value into the store. */
    private final class WriteThroughEntry extends AbstractMap.SimpleEntry<String, V> {

        private static final long serialVersionUID = 1L;

        WriteThroughEntry(String key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V value) {
            Objects.requireNonNull(value, "value");
            store.put(getKey(), value);
            return super.setValue(value);
        }
    }
}
