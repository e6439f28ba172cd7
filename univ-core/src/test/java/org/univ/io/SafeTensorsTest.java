package org.univ.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file with a hand-written header and {@code dataBytes} zero bytes of data. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void roundTripIsBitExactWithMetadataAndDtypes() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = {1.5f, -0f, Float.MIN_VALUE, Float.NaN, 3.4e38f, -2.25f};
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("a.weight", m.create(v, new Shape(2, 3)));
            t.put("steps", m.create(new long[] {7, Long.MAX_VALUE}));
            t.put("empty", m.create(new float[0], new Shape(0, 4)));
            t.put("f64", m.create(new double[] {Math.PI, -1e300}));
            t.put("i32", m.create(new int[] {Integer.MIN_VALUE, 5}));
            t.put("i8", m.create(new byte[] {-128, 127}));
            t.put("u8", m.create(java.nio.ByteBuffer.wrap(new byte[] {(byte) 255, 0}), new Shape(2), DataType.UINT8));
            t.put("bool", m.create(new boolean[] {true, false, true}));
            Path f = dir.resolve("rt.safetensors");
            SafeTensors.save(f, t, Map.of("arch", "vit"));
            StateDict sd = SafeTensors.load(f, m);
            assertEquals("vit", sd.metadata().get("arch"));
            float[] back = sd.require("a.weight").toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]));
            }
            assertArrayEquals(new long[] {7, Long.MAX_VALUE}, sd.require("steps").toLongArray());
            assertEquals(new Shape(0, 4), sd.require("empty").getShape());
            assertArrayEquals(new double[] {Math.PI, -1e300}, sd.require("f64").toDoubleArray());
            assertArrayEquals(new int[] {Integer.MIN_VALUE, 5}, sd.require("i32").toIntArray());
            assertArrayEquals(new byte[] {-128, 127}, sd.require("i8").toByteArray());
            assertArrayEquals(new byte[] {(byte) 255, 0}, sd.require("u8").toByteArray());
            assertArrayEquals(new boolean[] {true, false, true}, sd.require("bool").toBooleanArray());
            assertEquals(0, SafeTensors.readHeader(f).dataStart() % 8, "data section is 8-byte aligned");
        }
    }

    @Test
    void halfPrecisionIsUpcast() throws IOException {
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal 0x0001 = 2^-24
        // BF16: 1.0 = 0x3F80, -3.0 = 0xC040
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x7BFF).putShort((short) 0x0001);
        data.putShort((short) 0x3F80).putShort((short) 0xC040);
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
        Path f = file(header, 0);
        Files.write(f, data.array(), java.nio.file.StandardOpenOption.APPEND);
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict sd = SafeTensors.load(f, m);
            assertEquals(DataType.FLOAT32, sd.require("h").getDataType());
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, sd.require("h").toFloatArray());
            assertArrayEquals(new float[] {1f, -3f}, sd.require("b").toFloatArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "offsets beyond the data | {\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}} | 8 | outside the data section",
        "offsets not matching the shape | {\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}} | 8 | needs 12 bytes",
        "overlapping tensors | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}} | 12 | overlap",
        "unknown dtype | {\"a\":{\"dtype\":\"F8_E9\",\"shape\":[2],\"data_offsets\":[0,2]}} | 2 | unknown dtype",
        "absurd shape | {\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,8]}} | 8 | absurd shape",
        "huge shape within long range | {\"a\":{\"dtype\":\"F32\",\"shape\":[1000000000000],\"data_offsets\":[0,8]}} | 8 | needs 4000000000000 bytes",
        "negative dimension | {\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}} | 8 | invalid dimension",
        "reversed offsets | {\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}} | 8 | outside the data section",
        "not json | {\"a\": | 8 | not valid JSON",
        "duplicate keys | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}} | 8 | not valid JSON",
        "metadata not strings | {\"__metadata__\":{\"x\":1}} | 0 | not a string",
        "missing fields | {\"a\":{\"dtype\":\"F32\"}} | 0 | needs dtype, shape",
        "top level array | [1,2] | 0 | not a JSON object",
    })
    void hostileHeadersAreRefusedClearly(String name, String header, int dataBytes, String expected) throws IOException {
        Path f = file(header, dataBytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.readHeader(f));
        assertTrue(e.getMessage().contains(expected), name + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
    }

    @Test
    void headerLengthLargerThanFileOrTooShort() throws IOException {
        Path f = dir.resolve("big.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
        Files.write(f, b.array());
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.readHeader(f));
        assertTrue(e.getMessage().contains("does not fit the file"), e.getMessage());
        Path g = dir.resolve("short.safetensors");
        Files.write(g, new byte[] {1, 2, 3});
        assertThrows(CheckpointException.class, () -> SafeTensors.readHeader(g));
        ByteBuffer neg = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).putLong(0);
        Files.write(f, neg.array());
        assertThrows(CheckpointException.class, () -> SafeTensors.readHeader(f));
    }

    /** Random byte flips and truncations of a valid file: every outcome is a clean load or a CheckpointException. */
    @Test
    void fuzzedFilesNeverCrash() throws IOException {
        Path valid = dir.resolve("valid.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("w", m.arange(0f, 24f).reshape(2, 3, 4));
            t.put("b", m.create(new long[] {1, 2, 3}));
            SafeTensors.save(valid, t, Map.of("arch", "vit", "depth", "2"));
        }
        byte[] original = Files.readAllBytes(valid);
        Random rnd = new Random(20261122L);
        int clean = 0;
        int refused = 0;
        Path f = dir.resolve("fuzz.safetensors");
        for (int iter = 0; iter < 400; iter++) {
            byte[] bytes = original.clone();
            int mode = iter % 4;
            if (mode == 0) {
                bytes = java.util.Arrays.copyOf(bytes, rnd.nextInt(bytes.length));
            } else {
                int flips = 1 + rnd.nextInt(mode == 3 ? 40 : 4);
                for (int k = 0; k < flips; k++) {
                    // bias towards the header, where the interesting structure is
                    int pos = rnd.nextInt(4) == 0 ? rnd.nextInt(bytes.length) : rnd.nextInt(Math.min(bytes.length, 200));
                    bytes[pos] = (byte) (mode == 2 ? "0123456789[]{},:\"-e".charAt(rnd.nextInt(19)) : rnd.nextInt(256));
                }
            }
            Files.write(f, bytes);
            try (NDManager m = NDManager.newBaseManager()) {
                SafeTensors.load(f, m);
                clean++;
            } catch (CheckpointException expected) {
                refused++;
            }
        }
        System.out.println("safetensors fuzz: " + clean + " loaded, " + refused + " refused cleanly");
        assertEquals(400, clean + refused);
        assertTrue(refused > 100, "the fuzzer should break most files, refused " + refused);
    }

    @Test
    void atomicSaveKeepsThePreviousFileOnFailure() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensors.save(f, Map.of("a", m.ones(new Shape(2))), Map.of());
            byte[] before = Files.readAllBytes(f);
            // a tensor whose data cannot be read fails before anything is written
            NDArray released = m.ones(new Shape(3));
            released.close();
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("a", m.zeros(new Shape(2)));
            t.put("b", released);
            assertThrows(IllegalStateException.class, () -> SafeTensors.save(f, t, Map.of()));
            assertArrayEquals(before, Files.readAllBytes(f));
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temp files left");
            }
        }
    }
}
