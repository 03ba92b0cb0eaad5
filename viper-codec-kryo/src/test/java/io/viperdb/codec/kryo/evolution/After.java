package io.viperdb.codec.kryo.evolution;

import java.util.ArrayList;
import java.util.List;

/** The stored classes as they are when the values are read: the namesakes of the classes in {@link Before}. */
public final class After {

    private After() {
    }

    /** Added fields, with values set by the no-argument constructor. */
    public static final class Settings {
        public String name = "unnamed";
        public int retries = 3;
        public int timeoutSeconds = 30;
        public List<String> hosts = new ArrayList<>(List.of("localhost"));
    }

    /** Added fields, in a class without a no-argument constructor. */
    public static final class Account {
        public final String owner;
        public final long balance;
        public final String currency;
        public final int version;
        public String note = "none";

        public Account(String owner, long balance, String currency, int version) {
            this.owner = owner;
            this.balance = balance;
            this.currency = currency;
            this.version = version;
        }
    }

    /** Unchanged. */
    public static final class Address {
        public String city;

        public Address(String city) {
            this.city = city;
        }
    }

    /** Dropped alias, address, age, nickname and tags. */
    public static final class Profile {
        public String name;
        public Address work;
        public String zone;
    }

    /** The same fields, declared in another order. */
    public static final class Point3 {
        public int z;
        public int x;
        public int y;
    }

    /** Holds the field that the subclass held before. */
    public static class Shape {
        public String name;
        public double radius;
    }

    /** Its field moved up into the base class. */
    public static final class Circle extends Shape {
    }

    /** {@code last} renamed to {@code family}. */
    public static final class FullName {
        public String first;
        public String family;
    }

    /** Was an int. */
    public static final class Reading {
        public String value;
    }

    /** Was a String. */
    public static final class Label {
        public int text;
    }

    /** Was an int. */
    public static final class Counter {
        public long count;
    }

    /** Was an Address. */
    public static final class Box {
        public Account content;
    }

    /** Was a String and an int. */
    public static final class Note {
        public CharSequence text;
        public Integer size;
    }

    /** Unchanged itself; its nested classes changed. */
    public static final class Order {
        public Customer customer;
        public List<Line> lines;
    }

    /** Gained a field. */
    public static final class Customer {
        public String name;
        public String email = "unknown";
    }

    /** Lost its comment. */
    public static final class Line {
        public String item;
        public int quantity;
    }

    /** Gained z. */
    public record Grown(int x, int y, int z) {
    }

    /** Lost z. */
    public record Shrunk(int x, int y) {
    }

    /** The same components, declared in the other order. */
    public record Turned(int y, int x) {
    }

    /** {@code last} renamed to {@code family}. */
    public record Renamed(String first, String family) {
    }

    /** Was an int. */
    public record Retyped(long x) {
    }

    /** Unchanged itself; its record changed. */
    public static final class Holder {
        public Grown grown;
    }

    /** Was a class. */
    public record Money(long cents) {
    }

    /** Was a record. */
    public static final class Tag {
        public String text;
    }

    /** Gained MEDIUM; constants reordered. */
    public enum Level {
        HIGH, MEDIUM, LOW
    }

    /** Lost AUTO. */
    public enum Mode {
        ON, OFF
    }
}
