package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
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
 * STYLE.md point 1 and 3, checked over every voicewire module on the classpath: no public API
 * signature mentions a type from an {@code internal} package, and every {@code Real*} class is
 * final and internal.
 */
class ApiBoundaryTest {

  @Test
  void publicApiNeverExposesInternalTypes() throws Exception {
    List<Class<?>> classes = voicewireClasses();
    assertTrue(classes.size() > 20, "found only " + classes.size() + " voicewire classes");
    List<String> violations = new ArrayList<>();
    for (Class<?> c : classes) {
      if (isInternal(c) || !Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      check(c.getGenericSuperclass(), c + " extends", violations);
      for (Type t : c.getGenericInterfaces()) {
        check(t, c + " implements", violations);
      }
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) && !Modifier.isProtected(m.getModifiers())) {
          continue;
        }
        if (m.isSynthetic()) {
          continue;
        }
        check(m.getGenericReturnType(), c.getName() + "#" + m.getName() + " returns", violations);
        for (Type p : m.getGenericParameterTypes()) {
          check(p, c.getName() + "#" + m.getName() + " takes", violations);
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())) {
          for (Type p : k.getGenericParameterTypes()) {
            check(p, c.getName() + "#<init> takes", violations);
          }
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers())) {
          check(f.getGenericType(), c.getName() + "." + f.getName(), violations);
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void realClassesAreFinalAndInternal() throws Exception {
    List<String> violations = new ArrayList<>();
    for (Class<?> c : voicewireClasses()) {
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

  private static void check(Type t, String where, List<String> out) {
    if (t == null) {
      return;
    }
    if (t instanceof Class<?> c) {
      Class<?> e = c;
      while (e.isArray()) {
        e = e.getComponentType();
      }
      if (e.getName().startsWith("io.voicewire.") && isInternal(e)) {
        out.add(where + " " + e.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      check(p.getRawType(), where, out);
      for (Type a : p.getActualTypeArguments()) {
        check(a, where, out);
      }
    } else if (t instanceof GenericArrayType g) {
      check(g.getGenericComponentType(), where, out);
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        check(b, where, out);
      }
      for (Type b : w.getLowerBounds()) {
        check(b, where, out);
      }
    }
  }

  /** Every class under io/voicewire in main (not test) classpath roots: jars and directories. */
  private static List<Class<?>> voicewireClasses() throws IOException, URISyntaxException {
    TreeSet<String> names = new TreeSet<>();
    ClassLoader cl = ApiBoundaryTest.class.getClassLoader();
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
