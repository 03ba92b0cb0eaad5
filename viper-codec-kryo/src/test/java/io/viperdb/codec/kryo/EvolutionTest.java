package io.viperdb.codec.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import io.viperdb.codec.kryo.evolution.After;
import io.viperdb.codec.kryo.evolution.Before;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * What happens to stored values when the user's classes change: each test writes a value with a class of
 * {@link Before} and reads it as its namesake in {@link After}. Both kryo codecs follow the same rules.
 */
class EvolutionTest {

    /** The rules, for a codec that writes with the classes of Before and reads with those of After. */
    abstract static class Rules {

        /** Encodes {@code value} with the codec as it was, and decodes the bytes with the codec as it is now. */
        abstract Object readLater(Object value);

        @Test
        void anAddedFieldHasTheValueTheNoArgumentConstructorGivesIt() {
            Before.Settings before = new Before.Settings();
            before.name = "db";
            before.retries = 5;
            After.Settings after = (After.Settings) readLater(before);
            assertEquals("db", after.name);
            assertEquals(5, after.retries);
            assertEquals(30, after.timeoutSeconds);
            assertEquals(List.of("localhost"), after.hosts);
        }

        @Test
        void anAddedFieldIsZeroOrNullInAClassWithoutANoArgumentConstructor() {
            After.Account after = (After.Account) readLater(new Before.Account("ada", 10));
            assertEquals("ada", after.owner);
            assertEquals(10, after.balance);
            assertNull(after.currency);
            assertEquals(0, after.version);
            assertNull(after.note, "no constructor runs, so field initializers do not run either");
        }

        @Test
        void removedFieldsAreSkippedWhateverTheirType() {
            Before.Profile before = new Before.Profile();
            before.alias = "al";
            before.address = new Before.Address("Paris");
            before.age = 41;
            before.name = "Ada";
            before.nickname = "ad";
            before.tags = new ArrayList<>(List.of("math", "engines"));
            before.work = new Before.Address("London");
            before.zone = "UTC";
            After.Profile after = (After.Profile) readLater(before);
            assertEquals("Ada", after.name);
            assertEquals("London", after.work.city);
            assertEquals("UTC", after.zone);
        }

        /**
         * The removed fields sort first, so they hold the first occurrence of the shared string and address, the class
         * name of Address and its field names; the kept fields only refer back to them.
         */
        @Test
        void keptFieldsThatReferBackToARemovedFieldReadRight() {
            Before.Profile before = new Before.Profile();
            before.alias = new String("Ada");
            before.name = before.alias;
            before.address = new Before.Address("Paris");
            before.work = before.address;
            After.Profile after = (After.Profile) readLater(before);
            assertEquals("Ada", after.name);
            assertEquals("Paris", after.work.city);
        }

        @Test
        void fieldsDeclaredInAnotherOrderReadIntoTheRightFields() {
            Before.Point3 before = new Before.Point3();
            before.x = 1;
            before.y = 2;
            before.z = 3;
            After.Point3 after = (After.Point3) readLater(before);
            assertEquals(List.of(1, 2, 3), List.of(after.x, after.y, after.z));
        }

        @Test
        void aFieldMovedIntoASuperclassKeepsItsValue() {
            Before.Circle before = new Before.Circle();
            before.name = "wheel";
            before.radius = 2.5;
            After.Circle after = (After.Circle) readLater(before);
            assertEquals("wheel", after.name);
            assertEquals(2.5, after.radius);
        }

        /** Read by position, the same bytes would swap the two names: see {@link #positionalReadingSwapsThem()}. */
        @Test
        void aRenamedFieldIsARemovedFieldAndAnAddedOne() {
            Before.FullName before = new Before.FullName();
            before.first = "Ada";
            before.last = "Lovelace";
            After.FullName after = (After.FullName) readLater(before);
            assertEquals("Ada", after.first);
            assertNull(after.family, "the renamed field is new: it holds what a new object holds");
        }

        @Test
        void aFieldWhoseTypeChangedFailsTheRead() {
            Before.Reading reading = new Before.Reading();
            reading.value = 7;
            assertTypeChangeRefused(reading, "value", "a java.lang.Integer", "java.lang.String");
            Before.Label label = new Before.Label();
            label.text = "x";
            assertTypeChangeRefused(label, "text", "a java.lang.String", "int");
            Before.Counter counter = new Before.Counter();
            counter.count = 1;
            assertTypeChangeRefused(counter, "count", "a java.lang.Integer", "long");
            Before.Box box = new Before.Box();
            box.content = new Before.Address("Paris");
            assertTypeChangeRefused(box, "content", "a " + After.Address.class.getName(),
                    After.Account.class.getTypeName());
        }

        private void assertTypeChangeRefused(Object before, String field, String stored, String declared) {
            String message = assertThrows(KryoException.class, () -> readLater(before)).getMessage();
            assertTrue(message.startsWith("Cannot read field '" + field + "' of " + afterOf(before).getName()
                    + ": the bytes hold " + stored + " for it, which does not fit its type " + declared
                    + ". The field's type has changed since the value was written"), message);
        }

        @Test
        void aFieldMayWidenToASupertypeOrToItsWrapper() {
            Before.Note before = new Before.Note();
            before.text = "hello";
            before.size = 5;
            After.Note after = (After.Note) readLater(before);
            assertEquals("hello", after.text);
            assertEquals(5, after.size);
        }

        @Test
        void objectsInsideObjectsFollowTheSameRules() {
            Before.Order before = new Before.Order();
            before.customer = new Before.Customer();
            before.customer.name = "Ada";
            before.lines = new ArrayList<>(List.of(line("tea", 2, "hot"), line("cake", 1, null)));
            After.Order after = (After.Order) readLater(before);
            assertEquals("Ada", after.customer.name);
            assertEquals("unknown", after.customer.email);
            assertEquals(List.of("tea", "cake"), after.lines.stream().map(line -> line.item).toList());
            assertEquals(List.of(2, 1), after.lines.stream().map(line -> line.quantity).toList());
        }

        private static Before.Line line(String item, int quantity, String comment) {
            Before.Line line = new Before.Line();
            line.item = item;
            line.quantity = quantity;
            line.comment = comment;
            return line;
        }

        @Test
        void aRecordWhoseComponentsAreDeclaredInAnotherOrderReadsRight() {
            After.Turned after = (After.Turned) readLater(new Before.Turned(1, 2));
            assertEquals(1, after.x());
            assertEquals(2, after.y());
        }

        @Test
        void aRecordWithAnAddedComponentFailsTheRead() {
            assertRecordChangeRefused(new Before.Grown(1, 2));
        }

        @Test
        void aRecordWithARemovedComponentFailsTheRead() {
            assertRecordChangeRefused(new Before.Shrunk(1, 2, 3));
        }

        @Test
        void aRecordWithARenamedComponentFailsTheRead() {
            assertRecordChangeRefused(new Before.Renamed("Ada", "Lovelace"));
        }

        @Test
        void aRecordWithARetypedComponentFailsTheRead() {
            assertRecordChangeRefused(new Before.Retyped(1));
        }

        @Test
        void aChangedRecordInsideAClassFailsTheRead() {
            Before.Holder holder = new Before.Holder();
            holder.grown = new Before.Grown(1, 2);
            String message = assertThrows(KryoException.class, () -> readLater(holder)).getMessage();
            assertTrue(message.startsWith("The bytes hold a " + After.Grown.class.getName() + " written when its "
                    + "components were different"), message);
            assertTrue(message.contains("grown (" + After.Holder.class.getName() + ")"), "names the field: " + message);
        }

        private void assertRecordChangeRefused(Record before) {
            String message = assertThrows(KryoException.class, () -> readLater(before)).getMessage();
            assertTrue(message.startsWith("The bytes hold a " + afterOf(before).getName() + " written when its "
                    + "components were different"), message);
        }

        @Test
        void aClassThatBecameARecordFailsTheRead() {
            Before.Money before = new Before.Money();
            before.cents = 100;
            String message = assertThrows(KryoException.class, () -> readLater(before)).getMessage();
            assertTrue(message.startsWith("The bytes hold a " + After.Money.class.getName() + " written when it was a "
                    + "class; it is a record now"), message);
        }

        @Test
        void aRecordThatBecameAClassFailsTheRead() {
            String message = assertThrows(KryoException.class, () -> readLater(new Before.Tag("t"))).getMessage();
            assertTrue(message.startsWith("The bytes hold a " + After.Tag.class.getName() + " written when it was a "
                    + "record; it is a class now"), message);
        }

        @Test
        void enumConstantsAreMatchedByName() {
            assertSame(After.Level.HIGH, readLater(Before.Level.HIGH));
            assertSame(After.Level.LOW, readLater(Before.Level.LOW));
            assertSame(After.Mode.ON, readLater(Before.Mode.ON));
        }

        @Test
        void anEnumConstantThatNoLongerExistsFailsTheRead() {
            String message = assertThrows(KryoException.class, () -> readLater(Before.Mode.AUTO)).getMessage();
            assertTrue(message.startsWith("Enum value not found with name: AUTO"), message);
        }

        private static Class<?> afterOf(Object before) {
            return BeforeAsAfterResolver.afterOf(before.getClass().getName());
        }
    }

    /** The kryo codec, which writes class names: the reader resolves each name in Before to a class in After. */
    @Nested
    class KryoCodecRules extends Rules {

        private final KryoCodec writer = new KryoCodec();
        private final PooledKryo reader = new PooledKryo(KryoCodec.NAME,
                () -> new CodecKryo(KryoCodec.NAME, new BeforeAsAfterResolver(), false));

        @Override
        Object readLater(Object value) {
            return reader.read(ByteBuffer.wrap(writer.encode(value)));
        }
    }

    /** A registered codec, which writes positions in its list: the reader lists the classes of After where the writer listed those of Before. */
    @Nested
    class RegisteredKryoCodecRules extends Rules {

        private final RegisteredKryoCodec writer = KryoCodec.registeredOnly(listed(Before.class));
        private final RegisteredKryoCodec reader = KryoCodec.registeredOnly(listed(After.class));

        @Override
        Object readLater(Object value) {
            return reader.decode(ByteBuffer.wrap(writer.encode(value)));
        }

        /** The classes nested in {@code versions}, by simple name, and ArrayList. */
        private static Class<?>[] listed(Class<?> versions) {
            List<Class<?>> classes = new ArrayList<>(Arrays.asList(versions.getClasses()));
            classes.sort(Comparator.comparing(Class::getSimpleName));
            classes.add(ArrayList.class);
            return classes.toArray(Class<?>[]::new);
        }
    }

    /**
     * The fixtures are real traps: Kryo's own serializers, which read fields and record components by position in the
     * order of their names, read the renamed field's value into the other field, and the other way round.
     */
    @Test
    void positionalReadingSwapsThem() {
        Before.FullName name = new Before.FullName();
        name.first = "Ada";
        name.last = "Lovelace";
        After.FullName fields = (After.FullName) readWithKryosDefaults(name);
        assertEquals(List.of("Lovelace", "Ada"), Arrays.asList(fields.first, fields.family));
        After.Renamed components = (After.Renamed) readWithKryosDefaults(new Before.Renamed("Ada", "Lovelace"));
        assertEquals(new After.Renamed("Lovelace", "Ada"), components);
    }

    private static Object readWithKryosDefaults(Object value) {
        Output output = new Output(256, -1);
        newKryo(new DefaultClassResolver()).writeClassAndObject(output, value);
        return newKryo(new BeforeAsAfterResolver()).readClassAndObject(new Input(output.toBytes()));
    }

    private static Kryo newKryo(DefaultClassResolver resolver) {
        Kryo kryo = new Kryo(resolver, new MapReferenceResolver());
        kryo.setRegistrationRequired(false);
        // Kryo's default strategy fails on the module path (see ConstructorFirstStrategy); this test is about fields.
        kryo.setInstantiatorStrategy(new StdInstantiatorStrategy());
        return kryo;
    }
}
