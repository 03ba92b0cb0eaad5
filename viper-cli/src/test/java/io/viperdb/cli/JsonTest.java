package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.cli.json.JsonText;
import io.viperdb.cli.json.ValueJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON text reader and writer, the tagged value forms, and the progress line. */
class JsonTest {

    @Test
    void numbersReadAsTheSmallestTypeThatHoldsThem() {
        assertEquals(1, JsonText.parse("1"));
        assertEquals(4_000_000_000L, JsonText.parse("4000000000"));
        assertEquals(new BigInteger("99999999999999999999"), JsonText.parse("99999999999999999999"));
        assertEquals(-2147483648, JsonText.parse("-2147483648"));
        assertEquals(1.5, JsonText.parse("1.5"));
        assertEquals(100.0, JsonText.parse("1e2"));
        assertEquals("3.0", JsonText.write(3.0), "a whole double keeps its fraction, so it reads back as a double");
    }

    @Test
    void stringsEscapeWhatJsonRequires() {
        String text = "quote \" backslash \\ newline \n tab \t nul \u0000 emoji 😀";
        String json = JsonText.write(text);
        assertEquals("\"quote \\\" backslash \\\\ newline \\n tab \\t nul \\u0000 emoji 😀\"", json);
        assertEquals(text, JsonText.parse(json));
        assertEquals("\ud800", JsonText.parse(JsonText.write("\ud800")), "a lone surrogate survives, escaped");
        assertEquals("é/", JsonText.parse("\"\\u00e9\\/\""));
    }

    @Test
    void malformedTextIsRefusedWithWhere() {
        for (String bad : List.of("", "nul", "[1,]", "{\"a\":1,\"a\":2}", "01", "1.", "\"open", "[1] 2", "{a:1}",
                "\"tab\there\"", "NaN")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonText.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("not JSON: ") && e.getMessage().contains(" at character "),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> JsonText.parse("[".repeat(600) + "]".repeat(600)));
    }

    @Test
    void aSelfContainingValueHasNoJsonForm() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        ValueJson.NotExpressible e = assertThrows(ValueJson.NotExpressible.class, () -> ValueJson.toJson(cycle));
        assertTrue(e.getMessage().contains("contains itself"), e.getMessage());
    }

    @Test
    void malformedTagsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ValueJson.fromJson(JsonText.parse("{\"@type\":\"long\",\"value\":\"x\"}")));
        assertThrows(IllegalArgumentException.class,
                () -> ValueJson.fromJson(JsonText.parse("{\"@type\":\"byte\",\"value\":300}")));
        assertThrows(IllegalArgumentException.class,
                () -> ValueJson.fromJson(JsonText.parse("{\"@type\":\"bytes\",\"value\":\"***\"}")));
        assertThrows(IllegalArgumentException.class,
                () -> ValueJson.fromJson(JsonText.parse("{\"@type\":\"long\",\"value\":1,\"extra\":2}")));
        assertEquals(Map.of("a", 1), ValueJson.fromJson(JsonText.parse("{\"a\":1}")));
    }

    @Test
    void theProgressLineRedrawsInPlaceAndClearsItself() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Progress progress = Progress.on(new PrintStream(bytes, true, StandardCharsets.UTF_8), "export", 4)) {
            progress.step();
        }
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.startsWith("\rexport [=======                       ] 1/4 (25%) "), drawn);
        assertTrue(drawn.endsWith("\r\u001b[K"), "cleared at the end: " + drawn);
        assertTrue(!Progress.atTerminal(), "tests run without a terminal, so the commands draw nothing");
    }
}
