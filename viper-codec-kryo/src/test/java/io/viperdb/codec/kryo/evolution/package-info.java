/**
 * Two versions of the same stored classes: {@link io.viperdb.codec.kryo.evolution.Before} as they were when values
 * were written, {@link io.viperdb.codec.kryo.evolution.After} as they are when the values are read. The evolution
 * tests read the name of each class nested in {@code Before} as the class of the same simple name nested in
 * {@code After}. Like a user's model package, this package is opened to Kryo (by the surefire argLine).
 */
package io.viperdb.codec.kryo.evolution;
