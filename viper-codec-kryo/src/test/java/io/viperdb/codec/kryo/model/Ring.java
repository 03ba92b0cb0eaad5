package io.viperdb.codec.kryo.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A cyclic object graph: labelled nodes, each pointing to the next, the last back to the first. Two rings are equal
 * if they have the same labels in the same order and are closed; equals walks the ring once, so it terminates.
 */
public final class Ring {
    private final Node first;
    private final int size;

    /** One node of a ring. */
    public static final class Node {
        final String label;
        Node next;

        Node(String label) {
            this.label = label;
        }
    }

    public Ring(List<String> labels) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a ring needs a node");
        }
        first = new Node(labels.get(0));
        Node last = first;
        for (String label : labels.subList(1, labels.size())) {
            last.next = new Node(label);
            last = last.next;
        }
        last.next = first;
        size = labels.size();
    }

    public Node first() {
        return first;
    }

    public List<String> labels() {
        List<String> labels = new ArrayList<>();
        Node node = first;
        for (int i = 0; i < size; i++, node = node.next) {
            labels.add(node.label);
        }
        return labels;
    }

    /** True if following {@code size} links from the first node leads back to it, the same object. */
    public boolean isClosed() {
        Node node = first;
        for (int i = 0; i < size; i++) {
            node = node.next;
        }
        return node == first;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Ring that && size == that.size && labels().equals(that.labels()) && isClosed()
                && that.isClosed();
    }

    @Override
    public int hashCode() {
        return labels().hashCode();
    }

    @Override
    public String toString() {
        return "Ring" + labels();
    }
}
