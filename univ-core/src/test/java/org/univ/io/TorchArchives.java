package org.univ.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test helper: writes {@code torch.save}-style zip archives whose {@code data.pkl} is assembled opcode by opcode,
 * so tests can build exact (and hostile) checkpoints without PyTorch. Opcodes as in CPython's pickle.py.
 */
public final class TorchArchives {
    private TorchArchives() {}

    /** A protocol-2 pickle, one opcode per call. */
    public static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Pickle() {
            raw(0x80, 2); // PROTO 2
        }

        public Pickle raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        public Pickle raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        public Pickle mark() {
            return raw('(');
        }

        public Pickle emptyDict() {
            return raw('}');
        }

        public Pickle emptyList() {
            return raw(']');
        }

        public Pickle emptyTuple() {
            return raw(')');
        }

        public Pickle tuple() {
            return raw('t');
        }

        public Pickle none() {
            return raw('N');
        }

        public Pickle bool(boolean v) {
            return raw(v ? 0x88 : 0x89);
        }

        /** BINUNICODE. */
        public Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            raw('X');
            le32(b.length);
            out.writeBytes(b);
            return this;
        }

        public Pickle integer(long v) {
            if (v >= 0 && v < 256) {
                return raw('K', (int) v);
            }
            if (v >= 0 && v < 65536) {
                return raw('M', (int) (v & 0xff), (int) (v >>> 8));
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                raw('J');
                le32((int) v);
                return this;
            }
            raw(0x8a, 8); // LONG1 with 8 bytes, two's complement little-endian
            for (int i = 0; i < 8; i++) {
                out.write((int) (v >>> (8 * i)) & 0xff);
            }
            return this;
        }

        public Pickle real(double v) {
            raw('G');
            long bits = Double.doubleToRawLongBits(v);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (bits >>> (8 * i)) & 0xff); // BINFLOAT is big-endian
            }
            return this;
        }

        /** GLOBAL 'module name'. */
        public Pickle global(String module, String name) {
            raw('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        public Pickle reduce() {
            return raw('R');
        }

        public Pickle newobj() {
            return raw(0x81);
        }

        public Pickle build() {
            return raw('b');
        }

        public Pickle setitem() {
            return raw('s');
        }

        public Pickle setitems() {
            return raw('u');
        }

        public Pickle append() {
            return raw('a');
        }

        public Pickle appends() {
            return raw('e');
        }

        /** LONG_BINPUT. */
        public Pickle put(int index) {
            raw('r');
            le32(index);
            return this;
        }

        /** LONG_BINGET. */
        public Pickle get(int index) {
            raw('j');
            le32(index);
            return this;
        }

        /** A tuple of ints (torch.Size / strides). */
        public Pickle ints(long... v) {
            mark();
            for (long x : v) {
                integer(x);
            }
            return tuple();
        }

        /**
         * What torch.save writes for one tensor: {@code _rebuild_tensor_v2(persistent_load(('storage',
         * torch.<storageClass>, key, 'cpu', storageNumel)), offset, size, stride, False, OrderedDict())}.
         */
        public Pickle tensor(String storageClass, String key, long storageNumel, long offset, long[] size,
                             long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2");
            mark();
            mark().str("storage").global("torch", storageClass).str(key).str("cpu").integer(storageNumel).tuple();
            raw('Q'); // BINPERSID
            integer(offset);
            ints(size);
            ints(stride);
            bool(false);
            global("collections", "OrderedDict").emptyTuple().reduce();
            tuple();
            return reduce();
        }

        /** A contiguous tensor over a whole storage. */
        public Pickle tensor(String storageClass, String key, long... size) {
            long[] stride = new long[size.length];
            long n = 1;
            for (int d = size.length - 1; d >= 0; d--) {
                stride[d] = n;
                n *= size[d];
            }
            return tensor(storageClass, key, n, 0, size, stride);
        }

        /** The pickle, terminated by STOP. */
        public byte[] bytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.write('.');
            return copy.toByteArray();
        }

        /** The opcodes so far without STOP (for truncation tests). */
        public byte[] unterminated() {
            return out.toByteArray();
        }

        private void le32(int v) {
            for (int i = 0; i < 4; i++) {
                out.write((v >>> (8 * i)) & 0xff);
            }
        }
    }

    /** Writes {@code <stem>/data.pkl}, {@code <stem>/data/<key>} and {@code <stem>/version}, stored like torch. */
    public static Path write(Path file, String stem, byte[] pickle, Map<String, byte[]> storages) {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            stored(zip, stem + "/data.pkl", pickle);
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                stored(zip, stem + "/data/" + e.getKey(), e.getValue());
            }
            stored(zip, stem + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    public static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    public static byte[] f64(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    /** Raw 16-bit patterns (F16 or BF16 bits). */
    public static byte[] u16(int... bits) {
        ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : bits) {
            b.putShort((short) x);
        }
        return b.array();
    }

    public static byte[] i64(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    public static byte[] i32(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }
}
