package io.viperdb.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's examples are programs: every {@code java} block whose first line names its file
 * ({@code // module/package/File.java}) is written out, each module is compiled with javac against the jars its
 * module-info requires (the API alone for the quick start) by the JDK's own {@code javac}, run on the module path,
 * and its output compared with the
 * {@code text} block that follows the module's last file.
 */
class ReadmeIT {

    private static final Pattern BLOCK = Pattern.compile("```(java|text)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern FILE_LINE = Pattern.compile("// ([\\w-]+)/([\\w/.-]+\\.java)\\n");

    @TempDir
    Path work;

    /** A module the README spells out, and the output it documents. */
    private static final class Example {
        final String module;
        final Map<String, String> files = new LinkedHashMap<>();
        String expectedOutput;

        Example(String module) {
            this.module = module;
        }
    }

    private static List<Example> examples(String readme) {
        Map<String, Example> byModule = new LinkedHashMap<>();
        Example last = null;
        Matcher block = BLOCK.matcher(readme);
        while (block.find()) {
            String body = block.group(2);
            if (block.group(1).equals("java")) {
                Matcher file = FILE_LINE.matcher(body);
                if (file.lookingAt()) {
                    last = byModule.computeIfAbsent(file.group(1), Example::new);
                    last.files.put(file.group(2), body);
                }
            } else if (last != null && last.expectedOutput == null) {
                last.expectedOutput = body;
            }
        }
        return new ArrayList<>(byModule.values());
    }

    @Test
    void everyReadmeExampleCompilesRunsAndPrintsWhatTheReadmeSays() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("viper.it.readme")));
        List<Example> examples = examples(readme);
        assertEquals(List.of("quickstart", "counters", "shapes"), examples.stream().map(e -> e.module).toList(),
                "the README's examples: the quick start, the atomic operations and the registered kryo codec");
        for (Example example : examples) {
            assertTrue(example.files.containsKey("module-info.java"), example.module + " has a module-info.java");
            assertTrue(example.expectedOutput != null, example.module + " documents its output");
            Path classes = compile(example);
            String mainClass = example.files.entrySet().stream()
                    .filter(f -> f.getValue().contains("static void main("))
                    .map(f -> f.getKey().replace(".java", "").replace('/', '.'))
                    .findFirst().orElseThrow(() -> new AssertionError(example.module + " has no main class"));
            String modulePath = classes + java.io.File.pathSeparator + JavaProcess.join(JavaProcess.runtimeJars());
            JavaProcess.Result result = JavaProcess.finish(JavaProcess.start(List.of(JavaProcess.JAVA,
                    "--module-path", modulePath, "--module", example.module + "/" + mainClass)), 60);
            assertEquals(0, result.exitCode(), example.module + ":\n" + result.output());
            assertEquals(example.expectedOutput.strip(), result.output().strip(), example.module + "'s output");
        }
    }

    /** Compiles one example module against exactly the jars of the modules it requires (and theirs). */
    private Path compile(Example example) throws IOException {
        Path sources = work.resolve("src").resolve(example.module);
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> file : example.files.entrySet()) {
            Path path = sources.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
            files.add(path.toString());
        }
        String moduleInfo = example.files.get("module-info.java");
        boolean apiOnly = !moduleInfo.contains("requires io.viperdb.codec");
        List<Path> compileAgainst = JavaProcess.runtimeJars().stream()
                .filter(jar -> !apiOnly || jar.getFileName().toString().startsWith("viper-api"))
                .toList();
        assertFalse(compileAgainst.isEmpty());
        Path classes = work.resolve("classes").resolve(example.module);
        List<String> command = new ArrayList<>(List.of(JavaProcess.JAVAC, "-d", classes.toString(), "--module-path",
                JavaProcess.join(compileAgainst), "-Xlint:all", "-Werror"));
        command.addAll(files);
        JavaProcess.Result javac = JavaProcess.finish(JavaProcess.start(command), 120);
        assertEquals(0, javac.exitCode(), example.module + " does not compile:\n" + javac.output());
        return classes;
    }
}
