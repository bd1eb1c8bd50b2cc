package io.voicewire.client.internal.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.protocol.SttAudioFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tier (a): the STT replay ring. */
class AudioRingTest {

  private static byte[] bytes(int n, int v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }

  @Test
  void keepsOffsetsAndCommitsInOrder() {
    AudioRing r = new AudioRing(1000, 2);
    assertEquals(0, r.addAudio(bytes(100, 1), 1));
    r.addCommit(2);
    assertEquals(100, r.addAudio(bytes(50, 2), 3));
    List<RingEntry> e = r.entries();
    assertEquals(3, e.size());
    assertTrue(e.get(1).isCommit());
    assertEquals(100, e.get(1).offset());
    assertEquals(150, r.end());
    assertEquals(150, r.bytes());
  }

  @Test
  void trimSlicesAStraddlingChunkAtAFrame() {
    AudioRing r = new AudioRing(1000, 2);
    r.addAudio(bytes(100, 1), 1);
    r.addCommit(2);
    r.addAudio(bytes(100, 2), 3);
    r.trimTo(151); // rounded down to 150
    List<RingEntry> e = r.entries();
    assertEquals(1, e.size());
    assertEquals(150, e.get(0).offset());
    assertEquals(50, e.get(0).audio().length);
    assertEquals(150, r.start());
    assertEquals(50, r.bytes());
  }

  @Test
  void trimDropsTheCommitAtTheHorizon() {
    AudioRing r = new AudioRing(1000, 2);
    r.addAudio(bytes(100, 1), 1);
    r.addCommit(2);
    r.trimTo(100);
    assertTrue(r.isEmpty());
    assertEquals(100, r.start());
  }

  @Test
  void overflowDropsTheOldest() {
    AudioRing r = new AudioRing(250, 2);
    r.addAudio(bytes(100, 1), 1);
    r.addAudio(bytes(100, 2), 2);
    r.addAudio(bytes(100, 3), 3);
    assertEquals(200, r.bytes());
    assertEquals(100, r.overflowBytes());
    assertEquals(100, r.start());
    assertEquals(3, r.entries().get(1).audio()[0]);
  }

  @Test
  void sendTimeLookup() {
    AudioRing r = new AudioRing(1000, 2);
    r.addAudio(bytes(100, 1), 11);
    r.addAudio(bytes(100, 2), 22);
    assertEquals(22, r.sendNanosAt(150));
    assertEquals(-1, r.sendNanosAt(250));
  }

  @Test
  void indexedLookupsMatchALinearScanThroughGrowthTrimsAndSplits() {
    java.util.Random rnd = new java.util.Random(7);
    AudioRing r = new AudioRing(4000, 2);
    for (int step = 0; step < 5000; step++) {
      int op = rnd.nextInt(10);
      if (op < 6) {
        r.addAudio(bytes(2 * (1 + rnd.nextInt(60)), step), step);
      } else if (op < 8) {
        r.addCommit(step);
      } else {
        r.trimTo(r.start() + rnd.nextInt(300)); // often splits a chunk
      }
      List<RingEntry> all = r.entries();
      for (int k = 0; k < 3 && !all.isEmpty(); k++) {
        long seq = all.get(0).seq() - 2 + rnd.nextInt(all.size() + 4);
        RingEntry want = all.stream().filter(e -> e.seq() > seq).findFirst().orElse(null);
        assertEquals(want, r.after(seq), "after(" + seq + ") at step " + step);
        long off = r.start() - 5 + rnd.nextInt((int) (r.end() - r.start()) + 10);
        long nanos = all.stream().filter(e -> !e.isCommit() && e.offset() <= off && off < e.end())
            .mapToLong(RingEntry::sendNanos).findFirst().orElse(-1);
        assertEquals(nanos, r.sendNanosAt(off), "sendNanosAt(" + off + ") at step " + step);
      }
    }
  }

  @Test
  void keptAudioReadsBackAsWrittenThroughTrimsSplitsOverflowAndSegmentReuse() {
    java.util.Random rnd = new java.util.Random(11);
    SegmentPool pool = new SegmentPool(8);
    AudioRing r = new AudioRing(20_000, 2, pool);
    java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
    for (int step = 0; step < 4000; step++) {
      int op = rnd.nextInt(10);
      if (op < 6) {
        byte[] b = new byte[2 * (1 + rnd.nextInt(400))];
        rnd.nextBytes(b);
        assertEquals(stream.size(), r.addAudio(b, step));
        stream.writeBytes(b);
      } else if (op < 7) {
        r.addCommit(step);
      } else if (op < 8 && r.end() > r.start()) {
        r.insertCommit(r.start() + rnd.nextInt((int) (r.end() - r.start())), step);
      } else {
        r.trimTo(r.start() + rnd.nextInt(3000));
      }
      byte[] all = stream.toByteArray();
      for (RingEntry e : r.entries()) {
        if (!e.isCommit()) {
          assertArrayEquals(java.util.Arrays.copyOfRange(all, (int) e.offset(), (int) e.end()),
              e.audio(), "entry at " + e.offset() + ", step " + step);
        }
      }
      long kept = r.bytes() + 2L * SegmentPool.SEGMENT_BYTES;
      assertTrue(r.heldBytes() <= kept, r.heldBytes() + " held for " + r.bytes() + " kept");
    }
    r.release();
    assertTrue(r.isEmpty());
    assertEquals(0, r.heldBytes());
    assertTrue(pool.freeSegments() > 0, "segments went back to the pool");
  }

  @Test
  void aFrameIsKeptAsReceivedAndSplitByItsDecodedAudio() {
    AudioRing r = new AudioRing(100_000, 2, new SegmentPool(4));
    byte[] pcm = new byte[640];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (byte) (i * 7);
    }
    SttAudioFrame f1 = frame(pcm, 16000);
    SttAudioFrame f2 = frame(java.util.Arrays.copyOf(pcm, 320), 0);
    r.addFrame(f1, 1);
    RingEntry first = r.after(0);
    SttAudioFrame kept = first.frame();
    assertEquals(f1.text(), kept.text(), "the same bytes");
    assertNotSame(f1.frame(), kept.frame(), "copied into the ring");
    assertEquals(f1.audioBase64(), kept.audioBase64());
    r.addFrame(f2, 2);
    SttAudioFrame back = first.frame();
    assertSame(kept.frame(), back.frame(), "a view of the segment, not a copy");
    assertEquals(f1.text(), back.text(), "read back from the segments: the same bytes");
    assertEquals(16000, back.sampleRate());
    assertNull(r.after(1).frame().sampleRate());
    assertArrayEquals(pcm, first.audio());
    r.trimTo(100);
    RingEntry part = r.after(0);
    assertEquals(100, part.offset());
    assertNull(part.frame(), "a part of a frame is not the frame");
    assertArrayEquals(java.util.Arrays.copyOfRange(pcm, 100, 640), part.audio());
    assertEquals(160, r.splitAt(160));
    assertArrayEquals(java.util.Arrays.copyOfRange(pcm, 160, 640), r.after(part.seq()).audio());
    r.trimTo(r.end());
    assertThrows(IllegalStateException.class, part::audio, "its bytes went back to the pool");
  }

  @Test
  void aFrameLentFromABufferIsCopiedAndItsSegmentIsPinnedWhileItIsSent() {
    SegmentPool pool = new SegmentPool(8);
    AudioRing r = new AudioRing(100_000, 2, pool);
    byte[] pcm = new byte[640];
    java.util.Arrays.fill(pcm, (byte) 3);
    String text = frame(pcm, 16000).text();
    byte[] buf = new byte[4096]; // a socket's reused message buffer
    byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(utf8, 0, buf, 0, utf8.length);
    SttAudioFrame lent = SttAudioFrame.scanView(buf, utf8.length);
    assertSame(buf, lent.frame(), "a view of the buffer");
    r.addFrame(lent, 1);
    java.util.Arrays.fill(buf, (byte) '!'); // the next message overwrites the buffer
    RingEntry e = r.after(0);
    assertEquals(text, e.frame().text(), "the ring has its own copy");
    assertArrayEquals(pcm, e.audio());

    Runnable sent = e.pinFrame(); // a send in flight
    SttAudioFrame onTheWire = e.frame();
    r.release(); // the stream ends while the write is queued
    assertEquals(0, pool.freeSegments(), "the segment is not recycled under the write");
    new AudioRing(100_000, 2, pool).addAudio(new byte[SegmentPool.SEGMENT_BYTES], 1);
    assertEquals(text, onTheWire.text(), "still the frame when the transport reads it");
    sent.run();
    assertEquals(1, pool.freeSegments());
  }

  private static SttAudioFrame frame(byte[] pcm, int rate) {
    String b64 = java.util.Base64.getEncoder().encodeToString(pcm);
    return SttAudioFrame.scan("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\""
        + b64 + "\"" + (rate > 0 ? ",\"sample_rate\":" + rate : "") + "}");
  }

  @Test
  void insertsACommitInsideAChunkAndRenumbers() {
    AudioRing r = new AudioRing(10_000, 2);
    r.addAudio(bytes(100, 1), 1);
    r.addAudio(bytes(100, 2), 2);
    r.addCommit(3);
    assertEquals(150, r.insertCommit(151, 9)); // rounded down to a frame
    List<RingEntry> e = r.entries();
    assertEquals(5, e.size());
    assertEquals(List.of(0L, 100L, 150L, 150L, 200L),
        e.stream().map(RingEntry::offset).toList());
    assertTrue(e.get(2).isCommit() && e.get(4).isCommit());
    for (int i = 0; i < e.size(); i++) {
      assertEquals(i + 1, e.get(i).seq(), "consecutive sequence numbers");
    }
    assertEquals(6, r.nextSeq());
    assertEquals(200, r.bytes());
    assertEquals(-1, r.insertCommit(150, 10), "already a commit there");
    assertEquals(e.get(3), r.after(3));
  }

  @Test
  void findsTheQuietestWindow() {
    AudioRing r = new AudioRing(100_000, 2);
    byte[] loud = new byte[640];
    for (int i = 0; i < loud.length; i += 2) {
      loud[i + 1] = 0x20; // 8192
    }
    r.addAudio(loud.clone(), 1);
    r.addAudio(new byte[640], 2); // 20 ms of silence at 640..1280
    r.addAudio(loud.clone(), 3);
    long at = r.quietestPcm16(0, 1920, 320);
    assertTrue(at >= 640 && at < 1280, "at " + at);
    assertEquals(0, at % 2);
  }
}
