package io.viperdb.it.model;

import java.util.List;
import java.util.Objects;

/** A user's class with no no-argument constructor and final fields, stored by the kryo codec. */
public final class Account {
    private final String owner;
    private final long balance;
    private final List<Point> places;

    public Account(String owner, long balance, List<Point> places) {
        this.owner = Objects.requireNonNull(owner);
        this.balance = balance;
        this.places = places;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Account a && owner.equals(a.owner) && balance == a.balance
                && Objects.equals(places, a.places);
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, balance, places);
    }

    @Override
    public String toString() {
        return "Account[" + owner + ", " + balance + ", " + places + "]";
    }
}
