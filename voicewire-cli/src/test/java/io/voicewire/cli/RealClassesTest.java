package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE.md point 3, checked over every voicewire module on the class path: every {@code Real*}
 * class is final and internal. (Point 1, that no exported signature names an internal type, is
 * the compiler's: each module's descriptor exports only its API packages, and its main sources
 * compile with {@code -Xlint:exports} as an error; see the parent pom's {@code jpms} profile.)
 */
class RealClassesTest {

  @Test
  void realClassesAreFinalAndInternal() throws Exception {
    List<Class<?>> classes = voicewireClasses();
    assertTrue(classes.stream().anyMatch(c -> c.getSimpleName().startsWith("Real")),
        "found no Real* class among " + classes.size() + " voicewire classes");
    List<String> violations = new ArrayList<>();
    for (Class<?> c : classes) {
      if (c.getSimpleName().startsWith("Real") && c.getEnclosingClass() == null) {
        if (!isInternal(c) || !Modifier.isFinal(c.getModifiers())) {
          violations.add(c.getName());
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  private static boolean isInternal(Class<?> c) {
    return c.getName().contains(".internal.");
  }

  /** Every class under io/voicewire in main (not test) classpath roots: jars and directories. */
  private static List<Class<?>> voicewireClasses() throws IOException, URISyntaxException {
    TreeSet<String> names = new TreeSet<>();
    ClassLoader cl = RealClassesTest.class.getClassLoader();
    Enumeration<URL> roots = cl.getResources("io/voicewire");
    for (URL url : Collections.list(roots)) {
      String s = url.toString();
      if (s.contains("test-classes") || s.contains("-tests.jar")) {
        continue;
      }
      if (s.startsWith("jar:")) {
        try (FileSystem fs = FileSystems.newFileSystem(url.toURI(), Map.of())) {
          collect(fs.getPath("/"), names);
        } catch (java.nio.file.FileSystemAlreadyExistsException e) {
          collect(FileSystems.getFileSystem(url.toURI()).getPath("/"), names);
        }
      } else if (s.startsWith("file:")) {
        Path dir = Paths.get(url.toURI());
        collect(dir.getParent().getParent(), names);
      }
    }
    List<Class<?>> out = new ArrayList<>();
    for (String n : names) {
      try {
        out.add(Class.forName(n, false, cl));
      } catch (ClassNotFoundException | LinkageError e) {
        // a class whose optional dependency is absent cannot be part of the checked API
      }
    }
    return out;
  }

  private static void collect(Path root, TreeSet<String> names) throws IOException {
    Path base = root.resolve("io/voicewire");
    if (!Files.isDirectory(base)) {
      return;
    }
    try (Stream<Path> s = Files.walk(base)) {
      s.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString()
              .equals("module-info.class") && !p.getFileName().toString().equals(
              "package-info.class"))
          .forEach(p -> names.add(root.relativize(p).toString().replace('/', '.')
              .replace('\\', '.').replaceAll("\\.class$", "")));
    }
  }
}
