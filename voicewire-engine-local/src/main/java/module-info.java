/**
 * The offline engine: {@code LocalSpeechProvider}, a {@code SpeechProvider} that synthesises with
 * MaryTTS and recognises with CMU Sphinx, with Silero VAD for end-of-speech, all in-process.
 * Recognition, synthesis and the model sets ({@code io.voicewire.engine.local.internal}) are not
 * exported.
 *
 * <p>MaryTTS 5.2.1 splits packages across its jars ({@code marytts.util} is in both
 * {@code marytts-common} and {@code marytts-runtime}, among others), and no named module may read
 * two modules with the same package. So MaryTTS, Sphinx4 and FreeTTS stay on the class path, and
 * this module reads it: the build compiles it with {@code --add-reads
 * io.voicewire.engine.local=ALL-UNNAMED} (docs/modules.md). Its API names no type of theirs.
 */
module io.voicewire.engine.local {
  requires transitive io.voicewire.core;
  requires org.slf4j;
  requires java.desktop; // javax.sound.sampled: MaryTTS hands its audio over as an AudioInputStream
  requires java.xml; // org.w3c.dom: MaryTTS's documents
  requires java.management; // the engine's CPU-time figures
  requires java.logging; // Sphinx4 logs through java.util.logging: the engine quiets it

  exports io.voicewire.engine.local;
}
