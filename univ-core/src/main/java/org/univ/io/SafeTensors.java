package org.univ.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (8-byte little-endian header length, JSON header, raw little-endian data).
 *
 * <p>Reading treats the file as hostile: every length, offset, shape and dtype is checked against the
 * file before anything is allocated, so a broken or malicious file gives a {@link CheckpointException}
 * naming the file and the problem, never a JVM crash or an allocation larger than the file.
 * F16 and BF16 tensors are upcast to F32 on load. Writing is atomic (temp file + rename).
 */
public final class SafeTensors {
    /** Headers larger than this are refused (real headers are kilobytes; the format caps them at 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafeTensors() {}

    /** A parsed, validated header: tensors in file order, metadata, and where the data section starts. */
    public record Header(Path file, long dataStart, long dataLength, Map<String, String> metadata,
                         List<TensorInfo> tensors) {
        public long numel() {
            long n = 0;
            for (TensorInfo t : tensors) {
                n += t.numel();
            }
            return n;
        }
    }

    /** Bytes per value of a safetensors dtype, or -1 when the dtype is unknown. */
    static int dtypeBytes(String dtype) {
        switch (dtype) {
            case "F64": case "I64": case "U64": return 8;
            case "F32": case "I32": case "U32": return 4;
            case "F16": case "BF16": case "I16": case "U16": return 2;
            case "I8": case "U8": case "BOOL": return 1;
            default: return -1;
        }
    }

    public static Header readHeader(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw bad(file, "file is " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
            throw bad(file, "header length " + Long.toUnsignedString(headerLen) + " does not fit the file of "
                    + size + " bytes (truncated or not a safetensors file)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8);
        JsonNode root;
        try {
            root = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw bad(file, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "header is not a JSON object");
        }
        long dataStart = 8 + headerLen;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if ("__metadata__".equals(name)) {
                if (!v.isObject()) {
                    throw bad(file, "__metadata__ must be an object of strings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw bad(file, "__metadata__ value of '" + kv.getKey() + "' is not a string");
                    }
                    metadata.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            tensors.add(parseEntry(file, name, v, dataLength));
        }
        // Overlapping tensors would let one file alias data under two names: refuse.
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin));
        long prevEnd = 0;
        String prevName = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() < prevEnd) {
                throw bad(file, "tensors '" + prevName + "' and '" + t.name() + "' overlap in the data section");
            }
            prevEnd = t.end();
            prevName = t.name();
        }
        return new Header(file, dataStart, dataLength, metadata, tensors);
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode v, long dataLength) {
        if (!v.isObject() || !v.path("dtype").isTextual() || !v.path("shape").isArray()
                || !v.path("data_offsets").isArray() || v.path("data_offsets").size() != 2) {
            throw bad(file, "entry '" + name + "' needs dtype, shape and two data_offsets");
        }
        String dtype = v.get("dtype").asText();
        int bytes = dtypeBytes(dtype);
        if (bytes < 0) {
            throw bad(file, "tensor '" + name + "' has unknown dtype '" + dtype
                    + "' (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");
        }
        JsonNode shapeNode = v.get("shape");
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw bad(file, "tensor '" + name + "' has an invalid dimension " + d + " in its shape");
            }
            shape[i] = d.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw bad(file, "tensor '" + name + "' has an absurd shape " + shapeNode + " (overflows)");
            }
        }
        JsonNode o0 = v.get("data_offsets").get(0);
        JsonNode o1 = v.get("data_offsets").get(1);
        if (!o0.isIntegralNumber() || !o1.isIntegralNumber() || !o0.canConvertToLong() || !o1.canConvertToLong()) {
            throw bad(file, "tensor '" + name + "' has non-integer data_offsets");
        }
        long begin = o0.asLong();
        long end = o1.asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw bad(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
                    + "] outside the data section of " + dataLength + " bytes (file truncated?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, (long) bytes);
        } catch (ArithmeticException ex) {
            throw bad(file, "tensor '" + name + "' has an absurd shape " + shapeNode);
        }
        if (end - begin != expected) {
            throw bad(file, "tensor '" + name + "' of shape " + shapeNode + " " + dtype + " needs " + expected
                    + " bytes but its data_offsets span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** Loads every tensor into {@code manager}; F16/BF16 become F32. */
    public static StateDict load(Path file, NDManager manager) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(file, ch);
            StateDict sd = new StateDict();
            sd.metadata().putAll(h.metadata());
            for (TensorInfo t : h.tensors()) {
                ByteBuffer raw = ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE, t.end() - t.begin()))
                        .order(ByteOrder.LITTLE_ENDIAN);
                if (t.end() - t.begin() > Integer.MAX_VALUE) {
                    throw bad(file, "tensor '" + t.name() + "' is larger than 2 GB; not supported");
                }
                readFully(ch, raw, h.dataStart() + t.begin());
                raw.flip();
                sd.put(t.name(), toNDArray(manager, raw, t.dtype(), t.shape()));
            }
            return sd;
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Raw little-endian bytes of a stored dtype as an NDArray (half types upcast to F32). */
    public static NDArray toNDArray(NDManager manager, ByteBuffer raw, String dtype, long[] shape) {
        Shape s = new Shape(shape);
        switch (dtype) {
            case "F32": return manager.create(raw, s, DataType.FLOAT32);
            case "F64": return manager.create(raw, s, DataType.FLOAT64);
            case "I64": return manager.create(raw, s, DataType.INT64);
            case "I32": return manager.create(raw, s, DataType.INT32);
            case "I8": return manager.create(raw, s, DataType.INT8);
            case "U8": return manager.create(raw, s, DataType.UINT8);
            case "BOOL": return manager.create(raw, s, DataType.BOOLEAN);
            case "I16": case "U16": {
                int n = raw.remaining() / 2;
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    short x = raw.getShort();
                    v[i] = "U16".equals(dtype) ? (x & 0xffff) : x;
                }
                return manager.create(v, s);
            }
            case "F16": case "BF16": {
                int n = raw.remaining() / 2;
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    short x = raw.getShort();
                    v[i] = "F16".equals(dtype) ? Half.toFloat(x) : Float.intBitsToFloat((x & 0xffff) << 16);
                }
                return manager.create(v, s);
            }
            default:
                throw new CheckpointException("unsupported dtype " + dtype);
        }
    }

    private static String dtypeName(DataType t) {
        switch (t) {
            case FLOAT32: return "F32";
            case FLOAT64: return "F64";
            case FLOAT16: return "F16";
            case INT64: return "I64";
            case INT32: return "I32";
            case INT8: return "I8";
            case UINT8: return "U8";
            case BOOLEAN: return "BOOL";
            default: throw new IllegalArgumentException("cannot store dtype " + t + " in safetensors (convert to float32 first)");
        }
    }

    /** Writes {@code tensors} atomically: a temp file in the same folder, fsync, then rename. */
    public static void save(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        // check every dtype before touching data: reading some dtypes' bytes aborts inside libtorch
        Map<String, String> dtypes = new LinkedHashMap<>();
        tensors.forEach((name, a) -> dtypes.put(name, dtypeName(a.getDataType())));
        long offset = 0;
        List<ByteBuffer> payloads = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            ByteBuffer data = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtypes.get(e.getKey()));
            var shape = t.putArray("shape");
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            var off = t.putArray("data_offsets");
            off.add(offset);
            offset += data.remaining();
            off.add(offset);
            payloads.add(data);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new CheckpointException("cannot encode header for " + file, e);
        }
        int padded = (json.length + 7) / 8 * 8; // data section 8-byte aligned, padded with spaces
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        List<ByteBuffer> all = new ArrayList<>();
        all.add(head);
        all.addAll(payloads);
        AtomicFiles.write(file, all);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static CheckpointException bad(Path file, String what) {
        return new CheckpointException(file + ": not a usable safetensors file: " + what
                + ". Re-export it (for example with safetensors.torch.save_file) or check the download.");
    }
}
