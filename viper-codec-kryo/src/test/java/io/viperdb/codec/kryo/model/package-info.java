/**
 * Stored classes standing in for a user's model package. Like a user's, this package is opened to Kryo (by the
 * surefire argLine, where a user writes {@code opens io.viperdb.codec.kryo.model to com.esotericsoftware.kryo;}).
 */
package io.viperdb.codec.kryo.model;
