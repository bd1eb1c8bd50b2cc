package io.voicewire.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files a command will write, checked before it does the work whose result goes there. */
final class Outputs {
  private Outputs() {}

  /**
   * Why {@code file} cannot be written (created or replaced), or null when it can be tried: its
   * directory is missing or not writable, or it is a directory.
   */
  static String problem(Path file) {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    if (Files.isDirectory(abs)) {
      return file + " is a directory: give a file name";
    }
    if (dir != null && !Files.isDirectory(dir)) {
      return "cannot write " + file + ": the directory " + dir + " does not exist";
    }
    if (dir != null && !Files.isWritable(dir)) {
      return "cannot write " + file + ": the directory " + dir + " is not writable";
    }
    if (Files.exists(abs) && !Files.isWritable(abs)) {
      return "cannot write " + file + ": it is not writable";
    }
    return null;
  }
}
