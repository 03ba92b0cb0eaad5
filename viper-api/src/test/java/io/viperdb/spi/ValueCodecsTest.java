package io.viperdb.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.UnknownCodecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link ValueCodecs} finds codecs: what it finds through the API's own class loader is kept, so that a lookup
 * makes only the codec it returns; through another context class loader every lookup looks afresh. The other loader
 * here defines its own copy of {@link CountingCodec} and offers it in a {@code META-INF/services} file of its own.
 */
class ValueCodecsTest {

    private static final String SERVICE_FILE = "META-INF/services/" + ValueCodec.class.getName();

    @TempDir
    Path services;

    @Test
    void aLookupThroughTheApisOwnLoaderReturnsANewInstanceEachTime() {
        ValueCodec<?> first = ValueCodecs.named(BytesCodec.NAME);
        assertInstanceOf(BytesCodec.class, first);
        assertNotSame(first, ValueCodecs.named(BytesCodec.NAME));
    }

    @Test
    void aCatalogMakesEachCodecOnceToLearnItsNameAndThenOnlyTheCodecItIsAskedFor() throws Exception {
        ClassLoader loader = loaderOfACountingCodec();
        ValueCodecs.Catalog catalog = new ValueCodecs.Catalog(loader);

        assertTrue(catalog.providers().containsKey("counting"), () -> "found: " + catalog.providers().keySet());
        assertEquals(1, made(loader), "made once, to learn its name");
        for (int i = 0; i < 5; i++) {
            catalog.providers().get(BytesCodec.NAME).get();
        }
        assertEquals(1, made(loader), "lookups after the first neither ask ServiceLoader again nor make it");
        assertEquals("counting", catalog.providers().get("counting").get().name());
        assertEquals(2, made(loader), "asked for, it is made");
    }

    @Test
    void aLookupThroughAnotherContextLoaderLooksAfreshAndKeepsNothing() throws Exception {
        ClassLoader loader = loaderOfACountingCodec();
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            assertTrue(ValueCodecs.available().contains("counting"));
            assertEquals("counting", ValueCodecs.named("counting").name());
            assertEquals(3, made(loader), "each of two lookups made it to learn its name, and the second once more");
        } finally {
            thread.setContextClassLoader(before);
        }
        assertFalse(ValueCodecs.available().contains("counting"), "available: " + ValueCodecs.available());
        assertThrows(UnknownCodecException.class, () -> ValueCodecs.named("counting"));
    }

    private static int made(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> copy = Class.forName(CountingCodec.class.getName(), true, loader);
        return ((AtomicInteger) copy.getField("MADE").get(null)).get();
    }

    /**
     * A class loader that defines its own copy of {@link CountingCodec} (in its unnamed module, where a
     * {@code META-INF/services} file counts) and offers it as a codec; everything else it leaves to the test's loader.
     */
    private ClassLoader loaderOfACountingCodec() throws IOException {
        Path file = services.resolve("services");
        Files.writeString(file, CountingCodec.class.getName() + "\n", StandardCharsets.UTF_8);
        URL serviceFile = file.toUri().toURL();
        byte[] classBytes;
        try (InputStream in = CountingCodec.class.getResourceAsStream("CountingCodec.class")) {
            classBytes = in.readAllBytes();
        }
        return new ClassLoader("counting", ValueCodecsTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(CountingCodec.class.getName())) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    return loaded != null ? loaded : defineClass(name, classBytes, 0, classBytes.length);
                }
            }

            @Override
            protected Enumeration<URL> findResources(String name) {
                return name.equals(SERVICE_FILE) ? Collections.enumeration(java.util.List.of(serviceFile))
                        : Collections.emptyEnumeration();
            }
        };
    }

    static {
        // Fails loudly, rather than as a confusing count, if the class file cannot be read.
        if (CountingCodec.class.getResource("CountingCodec.class") == null) {
            throw new UncheckedIOException(new IOException("CountingCodec.class is not readable as a resource"));
        }
    }
}
