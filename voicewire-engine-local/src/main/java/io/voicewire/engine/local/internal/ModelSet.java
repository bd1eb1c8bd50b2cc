package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.frontend.feature.LiveCMN;
import edu.cmu.sphinx.frontend.util.StreamDataSource;
import edu.cmu.sphinx.recognizer.Recognizer;
import edu.cmu.sphinx.util.props.ConfigurationManager;
import edu.cmu.sphinx.util.props.ConfigurationManagerUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One copy of the recognizer's models (acoustic model, dictionary, language model, lexical tree;
 * about 150 MB of heap) and the decoding lanes that take turns on it.
 *
 * <p>Each lane has its own Sphinx search, scorer and front end (a few MB), so it keeps the state
 * of one stream between turns. The models are not thread safe (the tied-mixture scorer keeps the
 * scores of the last frames in the models), so a lane decodes only while it holds {@link
 * #turns()}, given first to the lanes whose streams keep to real time ({@link DecodePace}), then
 * fairly between tenants, then in arrival order; it lets go whenever its stream has no audio to
 * decode and, when other lanes wait, after {@link #SLICE_MILLIS} of decoding ({@link
 * SliceStream}). So N speaking streams progress
 * together, each in slices, instead of the first two holding a decoder for a whole utterance.
 *
 * <p>Thread safe: the configuration is built once; the components are used in turns.
 */
final class ModelSet {
  /** Longest turn a lane decodes while another lane waits for the models. */
  static final long SLICE_MILLIS = 40;

  private static final String MODELS = "resource:/edu/cmu/sphinx/models/en-us/";
  private static final String PACKAGE = "/io/voicewire/engine/local/internal/";

  private final ConfigurationManager cm;
  private final ModelTurns turns;
  private final CompletableFuture<Void> warmedUp = new CompletableFuture<>();
  private final int lanes;
  /** The parent logger of this configuration's components, held so that its level stays. */
  private final java.util.logging.Logger sphinxLog;

  /** Builds the configuration for {@code lanes} lanes over the profile {@code configResource}. */
  ModelSet(String configResource, int lanes) {
    this.lanes = lanes;
    this.turns = new ModelTurns();
    String shared = resource(configResource)
        .replace("@AM@", MODELS + "en-us")
        .replace("@FILLER@", MODELS + "en-us/noisedict")
        .replace("@DICT@", MODELS + "cmudict-en-us.dict")
        .replace("@LM@", MODELS + "en-us.lm.bin");
    String lane = resource("sphinx-lane.config.xml").replaceFirst("(?s)<!--.*?-->", "");
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < lanes; i++) {
      all.append(lane.replace("@L@", "_" + i)).append('\n');
    }
    String xml = shared.replace("<!--@LANES@-->", all);
    try {
      Path tmp = Files.createTempFile("voicewire-sphinx-", ".config.xml");
      try {
        Files.writeString(tmp, xml, StandardCharsets.UTF_8);
        cm = new ConfigurationManager(tmp.toUri().toURL());
        // Sphinx names its components' loggers "<config file name>.<class>.<instance>" and sets
        // the file's logLevel on the logger "<config file name>", which it does not keep: the JDK
        // collects it, the level is lost, and every component logs at INFO to the root handler
        // (dictionary and unit loading, a cepstral-mean line per utterance). The set holds it.
        String prefix = ConfigurationManagerUtils.getLogPrefix(cm);
        sphinxLog = java.util.logging.Logger.getLogger(prefix.substring(0, prefix.length() - 1));
        sphinxLog.setLevel(java.util.logging.Level.WARNING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the recognizer configuration", e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = ModelSet.class.getResourceAsStream(PACKAGE + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Done once the set's first lane has warmed the JIT up; the other lanes wait for it. */
  CompletableFuture<Void> warmedUp() {
    return warmedUp;
  }

  int lanes() {
    return lanes;
  }

  /** The turns a lane holds while it decodes. */
  ModelTurns turns() {
    return turns;
  }

  Recognizer recognizer(int lane) {
    return cm.lookup("recognizer_" + lane);
  }

  StreamDataSource dataSource(int lane) {
    return cm.lookup("dataSource_" + lane);
  }

  SampleOffset sampleOffset(int lane) {
    return cm.lookup("sampleOffset_" + lane);
  }

  LiveCMN liveCmn(int lane) {
    return cm.lookup("liveCMN_" + lane);
  }

  ReusingSearchManager searchManager(int lane) {
    return cm.lookup("wordPruningLookaheadSearchManager_" + lane);
  }

  /**
   * The audio of one pass as a lane reads it: a read that would wait for audio lets go of the
   * models while it waits; a lane that has decoded for {@link #SLICE_MILLIS} while others wait
   * lets go and queues again ({@link ModelTurns}: fair between tenants). Urgency comes first
   * ({@link DecodePace.Urgency}): a lane lets go after its slice only to a lane as urgent, and
   * at once when a more urgent one waits; a lane whose session is held back ({@link
   * DecodePace#holdsBack()}) lets go and sleeps until its session has credit again.
   * Confined to the lane's thread, which holds the models whenever it calls in.
   */
  static final class SliceStream extends BulkInputStream {
    private final AudioPipe pipe;
    private final ModelTurns turns;
    private final String tenant;
    private final DecodePace pace;
    private long turnStartNanos = System.nanoTime();
    private DecodePace.Urgency turnUrgency;

    /** @param turnUrgency the urgency the lane took the turn it holds now with */
    SliceStream(AudioPipe pipe, ModelTurns turns, String tenant, DecodePace pace,
        DecodePace.Urgency turnUrgency) {
      this.pipe = pipe;
      this.turns = turns;
      this.tenant = tenant;
      this.pace = pace;
      this.turnUrgency = turnUrgency;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      assert turns.heldByCurrentThread();
      if (!pipe.readable()) {
        turns.release();
        try {
          pipe.awaitReadable();
        } finally {
          again();
        }
      } else if (pace.holdsBack()) {
        turns.release(); // ahead of real time beside another tenant: wait, holding nothing
        long heldSince = System.nanoTime();
        try {
          pace.awaitCredit(pipe::aborted); // a cancelled session stops waiting
        } finally {
          pace.waitedHeldBack(System.nanoTime() - heldSince);
          again();
        }
      } else {
        yieldIfDue();
      }
      int n = pipe.read(b, off, len);
      if (n > 0) {
        pace.took(n);
      }
      return n;
    }

    /**
     * Lets go of the models, and queues again, when a more urgent lane waits, or one as urgent
     * does and this turn's slice is over. Called at each audio read and, by the lane's search
     * ({@link ReusingSearchManager#beforeEachFrame}), before each frame it decodes: the front end
     * reads ahead of the search (its speech detector holds audio back until it is sure of speech,
     * the fast match looks ahead), so the search may decode tens of frames between two reads, and
     * a lane that yielded only at reads kept a commit's last audio waiting for them (10–140 ms in
     * the abused soak, docs/soak.md).
     */
    void yieldIfDue() {
      DecodePace.Urgency urgency = DecodePace.Urgency.of(pace, pipe);
      if (urgency != turnUrgency) {
        turns.holderUrgency(urgency);
        turnUrgency = urgency;
      }
      if (turns.mustYield(urgency, sliceOver())) {
        turns.release();
        again();
      }
    }

    private boolean sliceOver() {
      return System.nanoTime() - turnStartNanos >= TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS);
    }

    private void again() {
      turnUrgency = DecodePace.Urgency.of(pace, pipe);
      pace.waitedForTurn(turns.acquire(tenant, turnUrgency));
      turnStartNanos = System.nanoTime();
    }
  }
}
