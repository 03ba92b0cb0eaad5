package io.viperdb.codec.kryo.evolution;

import java.util.List;

/** The stored classes as they were when the values were written; each has a namesake in {@link After}. */
public final class Before {

    private Before() {
    }

    /** A class with a no-argument constructor. */
    public static final class Settings {
        public String name = "unnamed";
        public int retries = 3;
    }

    /** A class without a no-argument constructor. */
    public static final class Account {
        public final String owner;
        public final long balance;

        public Account(String owner, long balance) {
            this.owner = owner;
            this.balance = balance;
        }
    }

    /** A place; stays the same. */
    public static final class Address {
        public String city;

        public Address(String city) {
            this.city = city;
        }
    }

    /**
     * Fields of every kind that {@code After.Profile} drops: a primitive, strings, objects and a list of strings (whose
     * bytes, with Kryo's generics optimization, would depend on the field's declared type). The kept fields sort
     * between and after them.
     */
    public static final class Profile {
        public String alias;
        public Address address;
        public int age;
        public String name;
        public String nickname;
        public List<String> tags;
        public Address work;
        public String zone;
    }

    /** Three fields in one order. */
    public static final class Point3 {
        public int x;
        public int y;
        public int z;
    }

    /** A base class; {@code After} moves {@link Circle#radius} up into it. */
    public static class Shape {
        public String name;
    }

    /** A subclass with a field of its own. */
    public static final class Circle extends Shape {
        public double radius;
    }

    /** Two fields of one type; {@code After} renames {@code last} to {@code family}, which sorts before {@code first}. */
    public static final class FullName {
        public String first;
        public String last;
    }

    /** An int, a String in {@code After}. */
    public static final class Reading {
        public int value;
    }

    /** A String, an int in {@code After}. */
    public static final class Label {
        public String text;
    }

    /** An int, a long in {@code After}: even widening is a type change. */
    public static final class Counter {
        public int count;
    }

    /** An Address, an Account in {@code After}. */
    public static final class Box {
        public Address content;
    }

    /** Fields whose types {@code After} widens to a supertype or boxes. */
    public static final class Note {
        public String text;
        public int size;
    }

    /** Objects of stored classes inside a stored class; {@code After} changes the nested classes. */
    public static final class Order {
        public Customer customer;
        public List<Line> lines;
    }

    /** Gains a field in {@code After}. */
    public static final class Customer {
        public String name;
    }

    /** Loses a field in {@code After}. */
    public static final class Line {
        public String item;
        public int quantity;
        public String comment;
    }

    /** Gains a component in {@code After}. */
    public record Grown(int x, int y) {
    }

    /** Loses a component in {@code After}. */
    public record Shrunk(int x, int y, int z) {
    }

    /** Declares its components in the other order in {@code After}. */
    public record Turned(int x, int y) {
    }

    /** Renames {@code last} to {@code family} in {@code After}. */
    public record Renamed(String first, String last) {
    }

    /** An int component, a long in {@code After}. */
    public record Retyped(int x) {
    }

    /** A class holding a record that changes. */
    public static final class Holder {
        public Grown grown;
    }

    /** A class, a record in {@code After}. */
    public static final class Money {
        public long cents;
    }

    /** A record, a class in {@code After}. */
    public record Tag(String text) {
    }

    /** Gains a constant, and its constants are reordered, in {@code After}. */
    public enum Level {
        LOW, HIGH
    }

    /** Loses a constant in {@code After}. */
    public enum Mode {
        ON, OFF, AUTO
    }
}
