package io.viperdb.codec.kryo.model;

import java.util.List;
import java.util.Objects;

/** A class without a no-argument constructor and with private final fields. */
public final class Account {
    private final String owner;
    private final long balance;
    private final List<String> history;

    public Account(String owner, long balance, List<String> history) {
        this.owner = Objects.requireNonNull(owner);
        this.balance = balance;
        this.history = history;
    }

    public String owner() {
        return owner;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Account that && owner.equals(that.owner) && balance == that.balance
                && Objects.equals(history, that.history);
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, balance, history);
    }

    @Override
    public String toString() {
        return "Account[" + owner + ", " + balance + ", " + history + "]";
    }
}
