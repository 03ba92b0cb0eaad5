/**
 * The in-memory key directory: {@link KeyDirectory}, a hash table in a {@code long[]} read under a sequence lock,
 * over {@link KeyTable} and {@link KeyArena}, which maps every live key to the {@link Location} of its latest record;
 * {@link KeyReplay} fills it while a store opens. It is a cache of the logs: it holds no data that the segments do not
 * hold, and is rebuilt from them at every open. Places are named as {@code engine.format} defines them.
 */
package io.viperdb.engine.index;
