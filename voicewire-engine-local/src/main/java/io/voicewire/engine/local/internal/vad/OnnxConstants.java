package io.voicewire.engine.local.internal.vad;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the float tensors held by {@code Constant} nodes of an ONNX model (a protobuf
 * {@code ModelProto}), including those inside {@code If} branches, without a protobuf or ONNX
 * library: just enough of the wire format for Silero VAD's weights. Keys are the nodes' output
 * names; values are the flattened tensors with their dimensions.
 */
final class OnnxConstants {
  private OnnxConstants() {}

  /** A float tensor: row-major data and its dimensions. */
  record Tensor(long[] dims, float[] data) {}

  static Map<String, Tensor> read(byte[] model) throws IOException {
    Map<String, Tensor> out = new HashMap<>();
    Reader r = new Reader(model, 0, model.length);
    while (r.more()) {
      int tag = r.tag();
      if (tag >>> 3 == 7 && (tag & 7) == 2) { // ModelProto.graph
        graph(r.sub(), out);
      } else {
        r.skip(tag);
      }
    }
    return out;
  }

  private static void graph(Reader g, Map<String, Tensor> out) throws IOException {
    while (g.more()) {
      int tag = g.tag();
      if (tag >>> 3 == 1 && (tag & 7) == 2) { // GraphProto.node
        node(g.sub(), out);
      } else {
        g.skip(tag);
      }
    }
  }

  private static void node(Reader n, Map<String, Tensor> out) throws IOException {
    String output = null;
    String op = null;
    Tensor tensor = null;
    while (n.more()) {
      int tag = n.tag();
      int field = tag >>> 3;
      if (field == 2 && output == null) {
        output = n.string();
      } else if (field == 4) {
        op = n.string();
      } else if (field == 5) { // AttributeProto
        Reader a = n.sub();
        while (a.more()) {
          int at = a.tag();
          if (at >>> 3 == 5 && (at & 7) == 2) {
            tensor = tensor(a.sub());
          } else if (at >>> 3 == 6 && (at & 7) == 2) {
            graph(a.sub(), out);
          } else {
            a.skip(at);
          }
        }
      } else {
        n.skip(tag);
      }
    }
    if ("Constant".equals(op) && output != null && tensor != null) {
      out.put(output, tensor);
    }
  }

  private static Tensor tensor(Reader t) throws IOException {
    long[] dims = new long[8];
    int nd = 0;
    int type = 0;
    float[] data = null;
    java.util.List<Float> floats = new java.util.ArrayList<>();
    while (t.more()) {
      int tag = t.tag();
      int field = tag >>> 3;
      if (field == 1 && (tag & 7) == 0) {
        dims[nd++] = t.varint();
      } else if (field == 1 && (tag & 7) == 2) {
        Reader p = t.sub();
        while (p.more()) {
          dims[nd++] = p.varint();
        }
      } else if (field == 2) {
        type = (int) t.varint();
      } else if (field == 4 && (tag & 7) == 2) {
        Reader p = t.sub();
        while (p.more()) {
          floats.add(Float.intBitsToFloat(p.fixed32()));
        }
      } else if (field == 9) {
        byte[] raw = t.bytes();
        if (type == 1 || type == 0) {
          FloatBufferHolder h = new FloatBufferHolder(raw);
          data = h.floats;
        }
      } else {
        t.skip(tag);
      }
    }
    if (type != 1) {
      return null; // not float32: not a weight
    }
    if (data == null) {
      data = new float[floats.size()];
      for (int i = 0; i < data.length; i++) {
        data[i] = floats.get(i);
      }
    }
    return new Tensor(java.util.Arrays.copyOf(dims, nd), data);
  }

  private static final class FloatBufferHolder {
    final float[] floats;

    FloatBufferHolder(byte[] raw) {
      floats = new float[raw.length / 4];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
    }
  }

  /** Protobuf wire format over a byte range. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    int tag() throws IOException {
      return (int) varint();
    }

    long varint() throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IOException("truncated varint");
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IOException("bad varint");
    }

    int fixed32() {
      int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
      pos += 4;
      return v;
    }

    Reader sub() throws IOException {
      int len = (int) varint();
      if (len < 0 || pos + len > end) {
        throw new IOException("truncated field");
      }
      Reader r = new Reader(b, pos, pos + len);
      pos += len;
      return r;
    }

    byte[] bytes() throws IOException {
      Reader r = sub();
      return java.util.Arrays.copyOfRange(b, r.pos, r.end);
    }

    String string() throws IOException {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    void skip(int tag) throws IOException {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> sub();
        case 5 -> pos += 4;
        default -> throw new IOException("unsupported wire type " + (tag & 7));
      }
      if (pos > end) {
        throw new IOException("truncated field");
      }
    }
  }
}
