package org.univ.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.univ.io.TorchPickle.Placeholder;
import org.univ.io.TorchPickle.PySet;
import org.univ.io.TorchPickle.StorageDtype;
import org.univ.io.TorchPickle.StorageRef;
import org.univ.io.TorchPickle.TensorRef;

/**
 * PyTorch {@code torch.save} zip archives: {@code <stem>/data.pkl} (a pickle, decoded by the restricted
 * {@link TorchPickle}), {@code <stem>/data/<key>} (raw little-endian storages) and {@code <stem>/version}.
 *
 * <p>The top-level object may be a state dict (name → tensor) or a dict holding state dicts under keys such as
 * {@code student}, {@code teacher}, {@code model}; {@link #read} picks one, {@link #describe} lists what is there.
 * Tensors are rebuilt from (storage, offset, size, stride), views and shared storages included; F16/BF16 are
 * upcast to F32 like {@link SafeTensors}. Every problem is a {@link CheckpointException} naming the file.
 */
public final class TorchCheckpoint {
    /** Entries tried, in order, when no key is given; after them, the top level if it holds tensors. */
    public static final List<String> PREFERRED_KEYS = List.of("student", "model", "state_dict", "module");

    /** The pre-1.6 format starts with a pickled magic number: LONG1 of 0x1950a86a20f9469cfc6c. */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
        (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    private static final Pattern DATA_PKL = Pattern.compile("[^/]+/data\\.pkl");
    /** Java arrays and NDArray buffers hold at most this many bytes. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;
    private static final int MAX_LISTED = 100;
    private static final int MAX_RENDER = 2000;

    private TorchCheckpoint() {}

    /** One top-level entry: its key ("" for the top level itself), what it is, and how many tensors it holds. */
    public record Entry(String key, String kind, int tensors) {
        public boolean isStateDict() {
            return tensors > 0;
        }

        public String line() {
            return (key.isEmpty() ? "(top level)" : key) + ": " + kind;
        }
    }

    /**
     * What a checkpoint holds at the top level, and the key {@link #read} takes without one
     * ({@code ""} for the top level itself, null when nothing holds tensors).
     */
    public record Listing(Path file, List<Entry> entries, String defaultKey) {
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            for (Entry e : entries) {
                out.add(e.line() + (e.key().equals(defaultKey) ? "   [read by default]" : ""));
            }
            if (defaultKey == null) {
                out.add("no state dict found (no entry holds tensors)");
            }
            return out;
        }
    }

    /**
     * Loads one state dict into {@code manager}.
     *
     * @param key which entry to take: {@code student}, {@code teacher}, a dotted path such as {@code model.ema};
     *            null picks {@link #PREFERRED_KEYS} in order, then the top level if it holds tensors
     */
    public static StateDict read(Path file, NDManager manager, String key) {
        return guarded(file, () -> {
            try (Archive a = Archive.open(file)) {
                Selection s = select(a, key);
                StateDict sd = materialize(a, s, manager);
                sd.metadata().putAll(s.metadata());
                return sd;
            }
        });
    }

    /** The top-level entries of a checkpoint and their kinds; no tensor data is read. */
    public static Listing describe(Path file) {
        return guarded(file, () -> {
            try (Archive a = Archive.open(file)) {
                return listing(a);
            }
        });
    }

    /** What {@code univ inspect} shows: the listing as notes, the chosen state dict's tensors (not loaded). */
    static CheckpointInfo info(Path file, String key) {
        return guarded(file, () -> {
            try (Archive a = Archive.open(file)) {
                Listing listing = listing(a);
                List<String> notes = new ArrayList<>(listing.lines());
                if (key == null && listing.defaultKey() == null) {
                    notes.add("pass --key with an entry to list its tensors");
                    return new CheckpointInfo("PyTorch zip", Map.of(), List.of(), notes);
                }
                Selection s = select(a, key);
                notes.addAll(s.notes());
                List<TensorInfo> infos = new ArrayList<>();
                s.tensors().forEach((name, t) -> infos.add(new TensorInfo(name, t.dtypeName(), t.shape(), 0, 0)));
                return new CheckpointInfo("PyTorch zip", s.metadata(), infos, notes);
            }
        });
    }

    /** True for the pre-1.6 torch format (a pickle with torch's magic number at the start of the file). */
    static boolean isLegacyFormat(Path file) {
        byte[] head = head(file, 32);
        return head.length > 2 && (head[0] & 0xff) == 0x80 && indexOf(head, LEGACY_MAGIC) >= 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the archive

    private static final class Archive implements Closeable {
        final Path file;
        final ZipFile zip;
        final String stem;
        final Object root;
        final Map<String, StorageRef> storages;

        private Archive(Path file, ZipFile zip, String stem, TorchPickle.Parsed parsed) {
            this.file = file;
            this.zip = zip;
            this.stem = stem;
            this.root = parsed.root();
            this.storages = parsed.storages();
        }

        static Archive open(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException("checkpoint " + file + " does not exist (check the path)");
            }
            byte[] head = head(file, 32);
            if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
                if (isLegacyFormat(file)) {
                    throw new CheckpointException(file + ": this is the legacy (before PyTorch 1.6) torch.save"
                            + " format, which UNIV does not read. Re-save it with a current PyTorch: torch.save("
                            + "torch.load(f, weights_only=True), 'new.pth') writes the zip format"
                            + " (_use_new_zipfile_serialization=True, the default).");
                }
                throw new CheckpointException(file + ": not a PyTorch checkpoint: it is neither a zip archive"
                        + " written by torch.save nor a legacy torch pickle");
            }
            ZipFile zip;
            try {
                zip = new ZipFile(file.toFile());
            } catch (IOException e) {
                throw new CheckpointException(file + ": damaged zip archive (" + e.getMessage() + "); the file is"
                        + " probably truncated: download or save it again", e);
            }
            try {
                String stem = findStem(file, zip);
                checkByteOrder(file, zip, stem);
                byte[] pickle = readEntry(file, zip, zip.getEntry(stem + "/data.pkl"), TorchPickle.MAX_PICKLE_BYTES,
                        "data.pkl", true);
                Archive a = new Archive(file, zip, stem, TorchPickle.load(pickle, file + " (" + stem + "/data.pkl)"));
                a.checkStorages();
                return a;
            } catch (RuntimeException e) {
                closeQuietly(zip);
                throw e;
            }
        }

        private static String findStem(Path file, ZipFile zip) {
            List<String> pickles = new ArrayList<>();
            boolean torchScript = false;
            for (var it = zip.entries(); it.hasMoreElements(); ) {
                String name = it.nextElement().getName();
                if (DATA_PKL.matcher(name).matches()) {
                    pickles.add(name);
                }
                torchScript |= name.contains("/code/") || name.endsWith("/constants.pkl");
            }
            if (torchScript) {
                throw new CheckpointException(file + ": this is a TorchScript archive (torch.jit.save), not a"
                        + " torch.save checkpoint; in Python, torch.save(torch.jit.load(f).state_dict(), 'w.pth')");
            }
            if (pickles.size() != 1) {
                throw new CheckpointException(file + ": a torch.save archive has exactly one <stem>/data.pkl; this"
                        + " zip has " + (pickles.isEmpty() ? "none" : pickles.size() + " (" + pickles + ")")
                        + ". Is it really a PyTorch checkpoint?");
            }
            return pickles.get(0).substring(0, pickles.get(0).length() - "/data.pkl".length());
        }

        private static void checkByteOrder(Path file, ZipFile zip, String stem) {
            ZipEntry order = zip.getEntry(stem + "/byteorder");
            if (order != null) {
                String v = new String(readEntry(file, zip, order, 16, "byteorder", true), StandardCharsets.US_ASCII).trim();
                if (!"little".equals(v)) {
                    throw new CheckpointException(file + ": storages are stored " + TorchPickle.clip(v, 16)
                            + "-endian; re-save the checkpoint on a little-endian machine");
                }
            }
        }

        /** Every storage the pickle names must exist and be as long as its declared size (no data read). */
        private void checkStorages() {
            for (StorageRef s : storages.values()) {
                ZipEntry e = zip.getEntry(entryName(s));
                if (e == null) {
                    throw new CheckpointException(file + ": data.pkl refers to storage '" + s.key()
                            + "' but the archive has no entry " + entryName(s) + " (incomplete or damaged file)");
                }
                if (s.dtype() != null && e.getSize() >= 0 && e.getSize() < s.numel() * s.dtype().bytes) {
                    throw new CheckpointException(file + ": storage '" + s.key() + "' should hold " + s.numel() + " "
                            + s.dtype() + " values (" + s.numel() * s.dtype().bytes + " bytes) but its entry has "
                            + e.getSize() + " bytes (truncated or damaged file)");
                }
            }
        }

        String entryName(StorageRef s) {
            return stem + "/data/" + s.key();
        }

        /** The bytes of one storage, exactly as many as declared. */
        byte[] readStorage(StorageRef s) {
            long bytes = s.numel() * s.dtype().bytes;
            if (bytes > MAX_BYTES) {
                throw new CheckpointException(file + ": storage '" + s.key() + "' is " + bytes
                        + " bytes; storages over 2 GB are not supported");
            }
            byte[] data = readEntry(file, zip, zip.getEntry(entryName(s)), (int) bytes, "storage " + s.key(), false);
            if (data.length < bytes) {
                throw new CheckpointException(file + ": storage '" + s.key() + "' has " + data.length
                        + " bytes but should have " + bytes + " (truncated or damaged file)");
            }
            return data;
        }

        @Override
        public void close() {
            closeQuietly(zip);
        }
    }

    /** Reads at most {@code limit} bytes of an entry; with {@code exact}, a longer entry is an error. */
    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry e, int limit, String what, boolean exact) {
        try (InputStream in = zip.getInputStream(e)) {
            byte[] data = in.readNBytes(limit); // grows with the bytes actually present, not with the claim
            if (exact && in.read() >= 0) {
                throw new CheckpointException(file + ": " + what + " is larger than " + limit
                        + " bytes; not a state-dict checkpoint");
            }
            return data;
        } catch (IOException ex) {
            throw new CheckpointException(file + ": cannot read " + what + " from the archive (" + ex.getMessage()
                    + "); the file is damaged or truncated", ex);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // listing and selection

    private static Listing listing(Archive a) {
        List<Entry> entries = new ArrayList<>();
        if (!(a.root instanceof Map<?, ?> root)) {
            entries.add(new Entry("", describeValue(a.root), 0));
            return new Listing(a.file, entries, null);
        }
        int topTensors = countTensors(root);
        if (topTensors > 0) {
            entries.add(new Entry("", describeValue(root), topTensors));
        }
        int listed = 0;
        for (Map.Entry<?, ?> e : root.entrySet()) {
            if (e.getValue() instanceof TensorRef) {
                continue;
            }
            if (listed++ == MAX_LISTED) {
                entries.add(new Entry("…", (root.size() - MAX_LISTED) + " more entries", 0));
                break;
            }
            entries.add(new Entry(keyName(e.getKey()), describeValue(e.getValue()), countTensors(e.getValue())));
        }
        return new Listing(a.file, entries, defaultKey(root));
    }

    private static String defaultKey(Map<?, ?> root) {
        for (String k : PREFERRED_KEYS) {
            if (countTensors(root.get(k)) > 0) {
                return k;
            }
        }
        return countTensors(root) > 0 ? "" : null;
    }

    /** The chosen state dict: tensors by name, what was skipped or changed, and metadata for the StateDict. */
    private record Selection(String key, Map<String, TensorRef> tensors, List<String> notes,
                             Map<String, String> metadata) {}

    private static Selection select(Archive a, String key) {
        Object chosen;
        String path;
        if (key == null) {
            path = a.root instanceof Map<?, ?> m ? defaultKey(m) : null;
            if (path == null) {
                throw new CheckpointException(a.file + ": found no state dict (no entry holds tensors). It holds: "
                        + String.join("; ", listing(a).lines()) + ". Pass --key with the entry to use.");
            }
            chosen = path.isEmpty() ? a.root : ((Map<?, ?>) a.root).get(path);
        } else {
            path = key;
            chosen = find(a, key);
        }
        String label = path.isEmpty() ? "the top level" : "'" + path + "'";
        if (!(chosen instanceof Map<?, ?> dict) || countTensors(dict) == 0) {
            String why = chosen instanceof Placeholder p
                    ? " is a pickled Python object (" + TorchPickle.clip(p.type.qualifiedName(), 120) + "), not a state"
                    + " dict; in Python, re-save it with torch.save(model.state_dict(), f)"
                    : " is a " + describeValue(chosen) + ", not a state dict (name → tensor)";
            throw new CheckpointException(a.file + ": " + label + why + ". Entries: "
                    + String.join("; ", listing(a).lines()));
        }
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getKey() instanceof String name && e.getValue() instanceof TensorRef t) {
                if (t.storage().dtype() == null) {
                    throw new CheckpointException(a.file + ": tensor '" + name + "' is stored as torch."
                            + t.storage().type().name() + ", which UNIV cannot load (supported: "
                            + Arrays.toString(StorageDtype.values()) + "); convert it with .float() in Python");
                }
                tensors.put(name, t);
            } else {
                skipped.add(keyName(e.getKey()) + " (" + describeValue(e.getValue()) + ")");
            }
        }
        List<String> notes = new ArrayList<>();
        long half = tensors.values().stream().filter(t -> t.storage().dtype() == StorageDtype.F16
                || t.storage().dtype() == StorageDtype.BF16).count();
        if (half > 0) {
            notes.add(half + " F16/BF16 tensors are loaded as F32");
        }
        if (!skipped.isEmpty()) {
            notes.add("skipped " + skipped.size() + " non-tensor entr" + (skipped.size() == 1 ? "y" : "ies") + " of "
                    + label + ": " + String.join(", ", skipped.subList(0, Math.min(10, skipped.size())))
                    + (skipped.size() > 10 ? ", …" : ""));
        }
        if (tensors.keySet().stream().allMatch(n -> n.startsWith("module."))) {
            Map<String, TensorRef> stripped = new LinkedHashMap<>();
            tensors.forEach((n, t) -> stripped.put(n.substring("module.".length()), t));
            tensors = stripped;
            notes.add("removed the 'module.' prefix (DistributedDataParallel) from all " + tensors.size() + " names");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!path.isEmpty()) {
            metadata.put("pth.key", path);
        }
        if (a.root instanceof Map<?, ?> root && a.root != dict) {
            // simple top-level values (epoch, args, …) travel with the weights
            for (Map.Entry<?, ?> e : root.entrySet()) {
                Object v = e.getValue();
                if (e.getKey() instanceof String k && ((isScalar(v) && v != null) || v instanceof Placeholder)) {
                    String text = v instanceof String str ? TorchPickle.clip(str, MAX_RENDER) : render(v);
                    metadata.put("pth." + TorchPickle.clip(k, 100), text);
                }
            }
        }
        if (!notes.isEmpty()) {
            metadata.put("pth.notes", String.join("; ", notes));
        }
        return new Selection(path, tensors, notes, metadata);
    }

    /** The entry named by {@code key}: a top-level key, else a dotted path through nested dicts. */
    private static Object find(Archive a, String key) {
        if (a.root instanceof Map<?, ?> root && root.containsKey(key)) {
            return root.get(key);
        }
        Object cur = a.root;
        for (String part : key.split("\\.", -1)) {
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(part)) {
                throw new CheckpointException(a.file + ": no entry '" + key + "' (at '" + part + "'). Entries: "
                        + String.join("; ", listing(a).lines()));
            }
            cur = m.get(part);
        }
        return cur;
    }

    private static int countTensors(Object o) {
        int n = 0;
        if (o instanceof Map<?, ?> m) {
            for (Object v : m.values()) {
                if (v instanceof TensorRef) {
                    n++;
                }
            }
        }
        return n;
    }

    /** One line: what an entry is, with its size or first keys; bounded whatever the value holds. */
    static String describeValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            int n = countTensors(m);
            if (n > 0) {
                return "state dict of " + n + " tensors" + (m.size() > n ? " (+ " + (m.size() - n) + " other entries)"
                        : "");
            }
            return "dict of " + m.size() + " entries" + keysPreview(m.keySet());
        }
        if (v instanceof Placeholder p) {
            String fields = p.state instanceof Map<?, ?> state ? keysPreview(state.keySet())
                    : !p.items.isEmpty() ? keysPreview(p.items.keySet()) : "";
            return "placeholder " + TorchPickle.clip(p.type.qualifiedName(), 120) + fields;
        }
        if (isScalar(v)) {
            return TorchPickle.kindOf(v) + (v == null ? "" : " " + render(v));
        }
        return TorchPickle.kindOf(v);
    }

    private static String keysPreview(Iterable<?> keys) {
        StringBuilder b = new StringBuilder(" (");
        int i = 0;
        for (Object k : keys) {
            if (i++ == 6) {
                b.append(", …");
                break;
            }
            b.append(i > 1 ? ", " : "").append(keyName(k));
        }
        return i == 0 ? "" : b.append(')').toString();
    }

    private static String keyName(Object k) {
        return k instanceof String s ? TorchPickle.clip(s, 100) : "<" + TorchPickle.kindOf(k) + " key>";
    }

    private static boolean isScalar(Object v) {
        return v == null || v instanceof String || v instanceof Number || v instanceof Boolean;
    }

    /** A Python-like rendering, at most 3 levels and {@value #MAX_RENDER} characters. */
    static String render(Object v) {
        StringBuilder b = new StringBuilder();
        render(v, 0, b);
        return b.length() > MAX_RENDER ? b.substring(0, MAX_RENDER) + "…" : b.toString();
    }

    private static void render(Object v, int depth, StringBuilder b) {
        if (b.length() > MAX_RENDER) {
            return;
        }
        if (v == null) {
            b.append("None");
        } else if (v instanceof Boolean x) {
            b.append(x ? "True" : "False");
        } else if (v instanceof Integer || v instanceof Long || v instanceof BigInteger || v instanceof Double) {
            b.append(v);
        } else if (v instanceof String s) {
            b.append('\'').append(TorchPickle.clip(s, 200)).append('\'');
        } else if (depth >= 3) {
            b.append('…');
        } else if (v instanceof List<?> l) {
            renderAll(l, "[", "]", depth, b);
        } else if (v instanceof Object[] t) {
            renderAll(Arrays.asList(t), "(", t.length == 1 ? ",)" : ")", depth, b);
        } else if (v instanceof PySet s) {
            renderAll(s.items, "{", "}", depth, b);
        } else if (v instanceof Map<?, ?> m) {
            renderMap(m, "{", ": ", "}", depth, b);
        } else if (v instanceof Placeholder p) {
            b.append(TorchPickle.clip(p.type.qualifiedName(), 120));
            if (p.state instanceof Map<?, ?> state) {
                renderMap(state, "(", "=", ")", depth, b);
            } else {
                renderAll(Arrays.asList(p.args), "(", ")", depth, b);
            }
        } else {
            b.append('<').append(TorchPickle.kindOf(v)).append('>');
        }
    }

    private static void renderAll(List<?> items, String open, String close, int depth, StringBuilder b) {
        b.append(open);
        for (int i = 0; i < items.size() && b.length() <= MAX_RENDER; i++) {
            if (i == 16) {
                b.append(", …");
                break;
            }
            b.append(i > 0 ? ", " : "");
            render(items.get(i), depth + 1, b);
        }
        b.append(close);
    }

    private static void renderMap(Map<?, ?> m, String open, String sep, String close, int depth, StringBuilder b) {
        b.append(open);
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (b.length() > MAX_RENDER) {
                break;
            }
            if (i == 16) {
                b.append(", …");
                break;
            }
            b.append(i++ > 0 ? ", " : "");
            if (e.getKey() instanceof String s && sep.equals("=")) {
                b.append(TorchPickle.clip(s, 100));
            } else {
                render(e.getKey(), depth + 1, b);
            }
            b.append(sep);
            render(e.getValue(), depth + 1, b);
        }
        b.append(close);
    }

    // ---------------------------------------------------------------------------------------------------------
    // tensor data

    private static StateDict materialize(Archive a, Selection s, NDManager manager) {
        Map<String, Integer> uses = new HashMap<>();
        s.tensors().values().forEach(t -> uses.merge(t.storage().key(), 1, Integer::sum));
        Map<String, byte[]> cache = new HashMap<>(); // shared storages are read once, dropped after their last view
        StateDict sd = new StateDict();
        try {
            for (Map.Entry<String, TensorRef> e : s.tensors().entrySet()) {
                TensorRef t = e.getValue();
                StorageRef storage = t.storage();
                byte[] data = cache.computeIfAbsent(storage.key(), k -> a.readStorage(storage));
                if (uses.merge(storage.key(), -1, Integer::sum) == 0) {
                    cache.remove(storage.key());
                }
                int es = storage.dtype().bytes;
                if (t.numel() * es > MAX_BYTES) {
                    throw new CheckpointException(a.file + ": tensor '" + e.getKey() + "' is " + t.numel() * es
                            + " bytes; tensors over 2 GB are not supported");
                }
                ByteBuffer raw = gather(data, es, t);
                sd.put(e.getKey(), SafeTensors.toNDArray(manager, raw, storage.dtype().name(), t.shape()));
            }
        } catch (RuntimeException ex) {
            sd.tensors().values().forEach(NDArray::close);
            throw ex;
        }
        return sd;
    }

    /**
     * The elements of a strided view in row-major order. Trailing dimensions that are contiguous in the storage
     * are copied as one run; the dimensions before them are walked with an odometer. Bounds were checked when
     * the view was decoded (offset + Σ (size-1)·stride < storage size).
     */
    static ByteBuffer gather(byte[] storage, int es, TensorRef t) {
        long[] shape = t.shape();
        long[] stride = t.stride();
        ByteBuffer out = ByteBuffer.allocateDirect((int) (t.numel() * es)).order(ByteOrder.LITTLE_ENDIAN);
        if (t.numel() == 0) {
            return out;
        }
        // run: how many elements the trailing contiguous dims cover; outer: the dims before them
        long run = 1;
        int outer = shape.length;
        while (outer > 0 && (shape[outer - 1] == 1 || stride[outer - 1] == run)) {
            outer--;
            run *= shape[outer];
        }
        int runBytes = (int) (run * es);
        long[] index = new long[outer];
        long pos = t.offset();
        while (true) {
            out.put(storage, (int) (pos * es), runBytes);
            int d = outer - 1;
            while (d >= 0) {
                index[d]++;
                pos += stride[d];
                if (index[d] < shape[d]) {
                    break;
                }
                pos -= stride[d] * shape[d];
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                break;
            }
        }
        return out.flip();
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Runs a reader; deep recursion anywhere (it should not happen) becomes a clear error, never a crash. */
    private static <T> T guarded(Path file, Supplier<T> body) {
        try {
            return body.get();
        } catch (StackOverflowError e) {
            throw new CheckpointException(file + ": the checkpoint's structure nests too deeply to read", null);
        }
    }

    private static byte[] head(Path file, int n) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // nothing was written; the read error, if any, is the one to report
        }
    }
}
