package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.Signals;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavTest {
  @TempDir Path dir;

  @Test
  void writeThenReadRoundTrips() throws IOException {
    byte[] pcm = Signals.pcm(Signals.sine(440, 0.5, 16000, 1600));
    Path p = dir.resolve("a.wav");
    Wav.write(p, 16000, pcm);
    assertEquals(44 + pcm.length, Files.size(p));
    Wav.WavAudio a = Wav.read(p);
    assertEquals(new Wav.WavAudio(16000, 1, pcm), a);
    assertEquals(100.0, a.durationMillis(), 1e-9);
    assertSame(a, a.toMono());
    byte[] bytes = Wav.toBytes(16000, pcm);
    assertEquals("RIFF", new String(bytes, 0, 4, StandardCharsets.US_ASCII));
    assertEquals(pcm.length, ByteBuffer.wrap(bytes, 40, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
  }

  @Test
  void readsEightTwentyFourThirtyTwoBitAndFloat() throws IOException {
    short[] expected = {0, 256, -256, 32512, -32768};
    // 8-bit unsigned: 128 is zero
    byte[] u8 = {(byte) 128, (byte) 129, (byte) 127, (byte) 255, 0};
    assertArrayEquals(expected, shorts(Wav.read(in(wav(1, 1, 8000, 8, u8, null)))));
    // 24-bit: the top 16 bits, rounded
    ByteArrayOutputStream b24 = new ByteArrayOutputStream();
    for (int v : new int[] {0x7F, 0xFF7F, -0x1_0000 + 0x7F, 0x7F_0000, -0x80_0000}) {
      b24.write(v);
      b24.write(v >> 8);
      b24.write(v >> 16);
    }
    assertArrayEquals(new short[] {0, 255, -256, 32512, -32768},
        shorts(Wav.read(in(wav(1, 1, 8000, 24, b24.toByteArray(), null)))));
    // 32-bit int
    ByteBuffer i32 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    i32.putInt(0x7FFF_FFFF).putInt(0x0001_8000).putInt(Integer.MIN_VALUE);
    assertArrayEquals(new short[] {32767, 2, -32768},
        shorts(Wav.read(in(wav(1, 1, 8000, 32, i32.array(), null)))));
    // float32, clamped
    ByteBuffer f32 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    f32.putFloat(0.5f).putFloat(-0.25f).putFloat(2f).putFloat(-2f);
    assertArrayEquals(new short[] {16384, -8192, 32767, -32768},
        shorts(Wav.read(in(wav(3, 1, 8000, 32, f32.array(), null)))));
  }

  @Test
  void readsExtensibleStereoWithUnknownChunksAndPadBytes() throws IOException {
    short[] frames = {100, -100, 2000, 1000, -3, -4};
    byte[] data = Pcm16.fromShorts(frames, 0, frames.length);
    ByteArrayOutputStream extra = new ByteArrayOutputStream();
    chunk(extra, "LIST", "INFOISFT\u0005\u0000\u0000\u0000test\u0000".getBytes(StandardCharsets.ISO_8859_1));
    chunk(extra, "junk", new byte[3]); // odd size: followed by a pad byte
    Wav.WavAudio a = Wav.read(in(wav(0xFFFE, 2, 44100, 16, data, extra.toByteArray())));
    assertEquals(44100, a.sampleRate());
    assertEquals(2, a.channels());
    assertEquals(3, a.frames());
    assertArrayEquals(frames, shorts(a));
    Wav.WavAudio mono = a.toMono();
    assertEquals(1, mono.channels());
    assertArrayEquals(new short[] {0, 1500, -3}, shorts(mono)); // -3.5 rounds half up
  }

  @Test
  void readsG711Wavs() throws IOException {
    byte[] codes = {(byte) 0xFF, (byte) 0x80, 0x00};
    assertArrayEquals(new short[] {0, 32124, -32124}, shorts(Wav.read(in(wav(7, 1, 8000, 8, codes, null)))));
    assertArrayEquals(new short[] {848, 5504, -5504},
        shorts(Wav.read(in(wav(6, 1, 8000, 8, codes, null)))));
  }

  @Test
  void streamingDataSizeReadsToTheEnd() throws IOException {
    byte[] data = Pcm16.fromShorts(new short[] {1, 2, 3}, 0, 3);
    byte[] file = wav(1, 1, 16000, 16, data, null);
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 0xFFFF_FFFF);
    assertArrayEquals(new short[] {1, 2, 3}, shorts(Wav.read(in(file))));
    // a partial frame at the end is dropped
    byte[] truncated = java.util.Arrays.copyOf(file, file.length - 1);
    assertArrayEquals(new short[] {1, 2}, shorts(Wav.read(in(truncated))));
  }

  @Test
  void badFilesFailWithClearMessages() throws IOException {
    assertEquals("not a WAVE file: 3 bytes, need a 12-byte RIFF header",
        assertThrows(IOException.class, () -> Wav.read(in(new byte[3]))).getMessage());
    byte[] id3 = "ID3\u0004\u0000\u0000\u0000\u0000WAVE".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("not a WAVE file: starts with 'ID3\\x04' / 'WAVE', expected 'RIFF' / 'WAVE'",
        assertThrows(IOException.class, () -> Wav.read(in(id3))).getMessage());
    byte[] mp3 = wav(0x55, 1, 16000, 16, new byte[4], null);
    assertTrue(assertThrows(IOException.class, () -> Wav.read(in(mp3))).getMessage()
        .startsWith("unsupported WAVE format tag 0x55"));
    byte[] bits12 = wav(1, 1, 16000, 12, new byte[4], null);
    assertEquals("unsupported 12-bit samples for format tag 0x1",
        assertThrows(IOException.class, () -> Wav.read(in(bits12))).getMessage());
    byte[] noData = java.util.Arrays.copyOf(wav(1, 1, 16000, 16, new byte[0], null), 36);
    assertEquals("no 'data' chunk before the end of the file",
        assertThrows(IOException.class, () -> Wav.read(in(noData))).getMessage());
    byte[] nine = wav(1, 9, 16000, 16, new byte[18], null);
    assertEquals("unsupported channel count 9 (1–8)",
        assertThrows(IOException.class, () -> Wav.read(in(nine))).getMessage());
    Path p = dir.resolve("text.wav");
    Files.writeString(p, "hello, this is not audio");
    assertTrue(assertThrows(IOException.class, () -> Wav.read(p)).getMessage()
        .startsWith("text.wav: not a WAVE file: starts with 'hell'"));
  }

  @Test
  void wavAudioValidatesFrames() {
    assertEquals("pcm16le length 6 is not a whole number of 2-channel frames",
        assertThrows(IllegalArgumentException.class, () -> new Wav.WavAudio(8000, 2, new byte[6]))
            .getMessage());
  }

  // ---- helpers: build WAVE files byte by byte ----

  static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  static short[] shorts(Wav.WavAudio a) {
    return Pcm16.toShorts(a.pcm16le(), 0, a.pcm16le().length);
  }

  static byte[] wav(int tag, int channels, int rate, int bits, byte[] data, byte[] chunksBeforeData) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
    int blockAlign = channels * bits / 8;
    ByteBuffer fmt = ByteBuffer.allocate(tag == 0xFFFE ? 40 : 16).order(ByteOrder.LITTLE_ENDIAN);
    fmt.putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
        .putShort((short) blockAlign).putShort((short) bits);
    if (tag == 0xFFFE) {
      fmt.putShort((short) 22).putShort((short) bits).putInt(3)
          .putShort((short) 1) // SubFormat KSDATAFORMAT_SUBTYPE_PCM
          .put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38,
              (byte) 0x9B, 0x71});
    }
    chunk(body, "fmt ", fmt.array());
    if (chunksBeforeData != null) {
      body.writeBytes(chunksBeforeData);
    }
    chunk(body, "data", data);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    chunk(file, "RIFF", body.toByteArray());
    return file.toByteArray();
  }

  static void chunk(ByteArrayOutputStream out, String id, byte[] body) {
    out.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(body.length).array());
    out.writeBytes(body);
    if ((body.length & 1) != 0) {
      out.write(0);
    }
  }
}
