package org.univ.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.univ.io.TorchArchives.f32;
import static org.univ.io.TorchArchives.f64;
import static org.univ.io.TorchArchives.i32;
import static org.univ.io.TorchArchives.i64;
import static org.univ.io.TorchArchives.u16;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Shared;
import org.univ.io.TorchArchives.Pickle;

class TorchCheckpointTest {
    @TempDir
    Path dir;
    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    // ----------------------------------------------------------------------------------------------- fixtures

    @Test
    void convvitFixtureStudentEqualsReferenceBitForBit() {
        Path pth = Shared.require("fixtures/convvit_small.pth");
        Path ref = Shared.require("fixtures/convvit_small_reference.safetensors");
        StateDict student = Checkpoints.read(pth, manager, null);
        StateDict reference = SafeTensors.load(ref, manager);
        Set<String> weightNames = reference.names().stream()
                .filter(n -> !n.endsWith("_64") && !n.endsWith("_96")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(weightNames, new TreeSet<>(student.names()));
        assertEquals(69, student.size());
        for (String n : weightNames) {
            NDArray a = student.get(n);
            NDArray b = reference.get(n);
            assertEquals(b.getShape(), a.getShape(), n);
            assertArrayEquals(bits(b.toFloatArray()), bits(a.toFloatArray()), n);
        }
        assertEquals("student", student.metadata().get("pth.key"));
        assertEquals("3", student.metadata().get("pth.epoch"));
        assertTrue(student.metadata().get("pth.args").startsWith("argparse.Namespace(epochs=400, lr="),
                student.metadata().get("pth.args"));

        StateDict teacher = TorchCheckpoint.read(pth, manager, "teacher");
        assertEquals(student.names(), teacher.names());
        assertEquals("teacher", teacher.metadata().get("pth.key"));
    }

    @Test
    void convvitFixtureListingShowsEntriesAndPlaceholders() {
        Path pth = Shared.require("fixtures/convvit_small.pth");
        TorchCheckpoint.Listing listing = TorchCheckpoint.describe(pth);
        assertEquals("student", listing.defaultKey());
        Map<String, String> kinds = new LinkedHashMap<>();
        listing.entries().forEach(e -> kinds.put(e.key(), e.kind()));
        assertEquals(List.of("student", "teacher", "epoch", "args", "optimizer", "fp16_scaler"),
                List.copyOf(kinds.keySet()));
        assertEquals("state dict of 69 tensors", kinds.get("student"));
        assertEquals("state dict of 69 tensors", kinds.get("teacher"));
        assertEquals("int 3", kinds.get("epoch"));
        assertEquals("placeholder argparse.Namespace (epochs, lr, batch_size_per_gpu, data_path)", kinds.get("args"));
        // the optimizer is saved as optimizer.state_dict(): a plain dict of tensors per parameter, not a state dict
        assertEquals("dict of 2 entries (state, param_groups)", kinds.get("optimizer"));
        assertEquals("None", kinds.get("fp16_scaler"));

        CheckpointInfo info = CheckpointInfo.of(pth, null);
        assertEquals("PyTorch zip", info.format());
        assertEquals(69, info.tensors().size());
        assertEquals("patch_embed1.proj.weight", info.tensors().get(0).name());
        assertArrayEquals(new long[] {32, 3, 4, 4}, info.tensors().get(0).shape());
        assertTrue(info.notes().contains("student: state dict of 69 tensors   [read by default]"), info.notes()::toString);
        assertTrue(info.notes().stream().anyMatch(n -> n.startsWith("args: placeholder argparse.Namespace")));
    }

    @Test
    void hostileFixtureIsRefusedNamingTheGlobalAndNothingRuns() throws IOException {
        Path pth = Shared.require("fixtures/hostile_pickle.pth");
        // data.pkl: {'student': posix.system('echo pwned > /tmp/univ_pwned')}
        Path marker = Path.of("/tmp/univ_pwned");
        Files.deleteIfExists(marker);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(pth, manager, null));
        assertTrue(e.getMessage().contains("'posix.system'"), e.getMessage());
        assertTrue(e.getMessage().contains(pth.toString()), e.getMessage());
        e = assertThrows(CheckpointException.class, () -> CheckpointInfo.of(pth, null));
        assertTrue(e.getMessage().contains("'posix.system'"), e.getMessage());
        assertThrows(CheckpointException.class, () -> TorchCheckpoint.describe(pth));
        assertFalse(Files.exists(marker), "the command in the pickle must never run");
    }

    // ------------------------------------------------------------------------------------------- round trip

    @Test
    void roundTripDtypesViewsAndSharedStorage() {
        int[] halfBits = {0x3E00, 0xC000, 0x0400, 0x7BFF, 0x0001, 0x8000}; // 1.5 -2 2^-14 65504 2^-24 -0
        int[] bf16Bits = {0x3F80, 0xC060, 0x7F7F, 0x0001};                // 1 -3.5 ~3.39e38 subnormal
        Pickle p = new Pickle().emptyDict().mark().str("model");
        // a real state_dict(): OrderedDict(), SETITEMS, then BUILD with its _metadata attribute
        p.global("collections", "OrderedDict").emptyTuple().reduce().mark();
        p.str("half").tensor("HalfStorage", "0", 2, 3);
        p.str("bf").tensor("BFloat16Storage", "1", 4);
        p.str("long").tensor("LongStorage", "2", 3);
        p.str("base").tensor("FloatStorage", "3", 2, 3);
        p.str("base_t").tensor("FloatStorage", "3", 6, 0, new long[] {3, 2}, new long[] {1, 3});
        p.str("row1").tensor("FloatStorage", "3", 6, 3, new long[] {3}, new long[] {1});
        p.str("col2").tensor("FloatStorage", "3", 6, 2, new long[] {2}, new long[] {3});
        p.str("expanded").tensor("FloatStorage", "9", 3, 0, new long[] {2, 3}, new long[] {0, 1});
        p.str("int").tensor("IntStorage", "4", 2);
        p.str("mask").tensor("BoolStorage", "5", 3);
        p.str("bytes").tensor("ByteStorage", "6", 2);
        p.str("dbl").tensor("DoubleStorage", "7", 2);
        p.str("steps").tensor("LongStorage", "8", 1, 0, new long[0], new long[0]);
        p.str("version").integer(2); // not a tensor: skipped and noted
        p.setitems();
        p.emptyDict().str("_metadata").global("collections", "OrderedDict").emptyTuple().reduce().setitem().build();
        p.str("epoch").integer(7);
        p.setitems();
        Map<String, byte[]> storages = new LinkedHashMap<>();
        storages.put("0", u16(halfBits));
        storages.put("1", u16(bf16Bits));
        storages.put("2", i64(Long.MIN_VALUE, -1, 1L << 40));
        storages.put("3", f32(0, 1, 2, 3, 4, 5));
        storages.put("4", i32(7, -8));
        storages.put("5", new byte[] {1, 0, 1});
        storages.put("6", new byte[] {0, (byte) 255});
        storages.put("7", f64(Math.PI, -0.0));
        storages.put("8", i64(42));
        storages.put("9", f32(1, 2, 3));
        Path file = TorchArchives.write(dir.resolve("round.pth"), "round", p.bytes(), storages);

        StateDict sd = Checkpoints.read(file, manager, null);
        assertEquals(List.of("half", "bf", "long", "base", "base_t", "row1", "col2", "expanded", "int", "mask",
                "bytes", "dbl", "steps"), List.copyOf(sd.names()));
        float[] half = new float[halfBits.length];
        for (int i = 0; i < half.length; i++) {
            half[i] = Half.toFloat((short) halfBits[i]);
        }
        assertArrayEquals(new float[] {1.5f, -2f, 0x1p-14f, 65504f, 0x1p-24f, -0f}, half);
        assertArrayEquals(bits(half), bits(sd.get("half").toFloatArray()));
        assertArrayEquals(new long[] {2, 3}, sd.get("half").getShape().getShape());
        float[] bf = new float[bf16Bits.length];
        for (int i = 0; i < bf.length; i++) {
            bf[i] = Float.intBitsToFloat(bf16Bits[i] << 16);
        }
        assertArrayEquals(bits(bf), bits(sd.get("bf").toFloatArray()));
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 1L << 40}, sd.get("long").toLongArray());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, sd.get("base").toFloatArray());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, sd.get("base_t").toFloatArray());
        assertArrayEquals(new long[] {3, 2}, sd.get("base_t").getShape().getShape());
        assertArrayEquals(new float[] {3, 4, 5}, sd.get("row1").toFloatArray());
        assertArrayEquals(new float[] {2, 5}, sd.get("col2").toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, sd.get("expanded").toFloatArray());
        assertArrayEquals(new int[] {7, -8}, sd.get("int").toIntArray());
        assertArrayEquals(new boolean[] {true, false, true}, sd.get("mask").toBooleanArray());
        assertArrayEquals(new byte[] {0, (byte) 255}, sd.get("bytes").toByteArray());
        assertArrayEquals(new double[] {Math.PI, -0.0}, sd.get("dbl").toDoubleArray());
        assertEquals(0, sd.get("steps").getShape().dimension());
        assertEquals(42L, sd.get("steps").getLong());
        assertEquals("model", sd.metadata().get("pth.key"));
        assertEquals("7", sd.metadata().get("pth.epoch"));
        assertTrue(sd.metadata().get("pth.notes").contains("version (int 2)"), sd.metadata()::toString);
    }

    @Test
    void selectsByKeyDottedPathAndStripsDdpPrefix() {
        Pickle p = new Pickle().emptyDict().mark();
        p.str("teacher").emptyDict().mark().str("w").tensor("FloatStorage", "0", 2).setitems();
        p.str("ema").emptyDict().str("module").emptyDict().mark()
                .str("module.w").tensor("FloatStorage", "1", 2)
                .str("module.b").tensor("FloatStorage", "0", 2).setitems().setitem();
        p.str("lr").real(0.5);
        p.setitems();
        Path file = TorchArchives.write(dir.resolve("sel.pth"), "archive", p.bytes(),
                Map.of("0", f32(1, 2), "1", f32(3, 4)));

        // no preferred key holds a state dict and the top level holds none: an error that lists the entries
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file, manager, null));
        assertTrue(e.getMessage().contains("teacher: state dict of 1 tensors"), e.getMessage());
        assertTrue(e.getMessage().contains("--key"), e.getMessage());
        assertNull(TorchCheckpoint.describe(file).defaultKey());

        assertArrayEquals(new float[] {1, 2}, TorchCheckpoint.read(file, manager, "teacher").get("w").toFloatArray());
        StateDict ema = TorchCheckpoint.read(file, manager, "ema.module");
        assertEquals(List.of("w", "b"), List.copyOf(ema.names()));
        assertArrayEquals(new float[] {3, 4}, ema.get("w").toFloatArray());
        assertArrayEquals(new float[] {1, 2}, ema.get("b").toFloatArray()); // shares storage 0 with teacher.w
        assertTrue(ema.metadata().get("pth.notes").contains("'module.' prefix"));
        assertEquals("0.5", ema.metadata().get("pth.lr"));

        e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(file, manager, "student"));
        assertTrue(e.getMessage().contains("no entry 'student'"), e.getMessage());
        e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(file, manager, "lr"));
        assertTrue(e.getMessage().contains("'lr' is a float 0.5, not a state dict"), e.getMessage());
    }

    @Test
    void topLevelStateDictAndInertPlaceholders() {
        Pickle p = new Pickle().emptyDict().mark();
        p.str("w").tensor("FloatStorage", "0", 2);
        // an unknown class rebuilt via REDUCE and NEWOBJ + BUILD: recorded, never run
        p.str("cfg").global("__main__", "Config").mark().str("x").integer(1).tuple().reduce();
        p.str("ns").global("argparse", "Namespace").emptyTuple().newobj().emptyDict().str("depth").integer(12)
                .setitem().build();
        p.str("tags").global("builtins", "set").mark().emptyList().str("a").append().tuple().reduce();
        p.setitems();
        Path file = TorchArchives.write(dir.resolve("top.pth"), "top", p.bytes(), Map.of("0", f32(5, 6)));
        assertEquals("", TorchCheckpoint.describe(file).defaultKey());
        StateDict sd = Checkpoints.read(file, manager, null);
        assertEquals(Set.of("w"), sd.names());
        assertFalse(sd.metadata().containsKey("pth.key"));
        String notes = sd.metadata().get("pth.notes");
        assertTrue(notes.contains("cfg (placeholder __main__.Config)"), notes);
        assertTrue(notes.contains("ns (placeholder argparse.Namespace (depth))"), notes);
        assertTrue(notes.contains("tags (placeholder builtins.set)"), notes);
    }

    // --------------------------------------------------------------------------------------- hostile files

    @Test
    void dangerousGlobalsAreRefusedBeforeAnythingIsCalled() {
        String[][] globals = {{"os", "system"}, {"posix", "system"}, {"nt", "system"}, {"subprocess", "Popen"},
            {"builtins", "eval"}, {"builtins", "exec"}, {"builtins", "getattr"}, {"__builtin__", "__import__"},
            {"sys", "modules"}, {"shutil", "rmtree"}, {"socket", "socket"}, {"pty", "spawn"},
            {"importlib", "import_module"}, {"runpy", "run_path"}, {"pickle", "loads"}, {"codecs", "open"},
            {"os.path", "join"}, {"numpy.testing._private.utils", "runstring"}, {"torch.hub", "load"}};
        for (String[] g : globals) {
            Pickle p = new Pickle().emptyDict().str("student").global(g[0], g[1]).mark().str("x").tuple().reduce()
                    .setitem();
            Path file = TorchArchives.write(dir.resolve(g[1] + ".pth"), "h", p.bytes(), Map.of());
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Checkpoints.read(file, manager, null), String.join(".", g));
            assertTrue(e.getMessage().contains("'" + g[0] + "." + g[1] + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
        }
        // STACK_GLOBAL (protocol 4) goes through the same check
        Pickle p = new Pickle().emptyDict().str("student").str("os").str("system").raw(0x93)
                .mark().str("true").tuple().reduce().setitem();
        Path file = TorchArchives.write(dir.resolve("stack.pth"), "h", p.bytes(), Map.of());
        assertRefused(file, "'os.system'");
    }

    @Test
    void missingShortAndOversizedStoragesAreRefused() {
        // storage key missing from the archive
        Path missing = TorchArchives.write(dir.resolve("missing.pth"), "m",
                stateDict(new Pickle().str("w").tensor("FloatStorage", "7", 4)), Map.of("0", f32(1, 2, 3, 4)));
        assertRefused(missing, "storage '7'", "no entry m/data/7");

        // the view needs more elements than the storage declares: size (3, 3), stride (3, 1) over 4 values
        Path view = TorchArchives.write(dir.resolve("view.pth"), "v",
                stateDict(new Pickle().str("w").tensor("FloatStorage", "0", 4, 0, new long[] {3, 3}, new long[] {3, 1})),
                Map.of("0", f32(1, 2, 3, 4)));
        assertRefused(view, "needs 9 elements but the storage holds 4");

        // the storage entry is shorter than the size the pickle declares
        Path shortEntry = TorchArchives.write(dir.resolve("short.pth"), "s",
                stateDict(new Pickle().str("w").tensor("FloatStorage", "0", 3, 3)), Map.of("0", f32(1, 2, 3, 4)));
        assertRefused(shortEntry, "should hold 9 F32 values (36 bytes) but its entry has 16 bytes");

        // negative and absurd sizes
        Path negative = TorchArchives.write(dir.resolve("neg.pth"), "n",
                stateDict(new Pickle().str("w").tensor("FloatStorage", "0", 4, 0, new long[] {-1, 4}, new long[] {4, 1})),
                Map.of("0", f32(1, 2, 3, 4)));
        assertRefused(negative, "negative size or stride");
        long big = 1L << 40;
        Path huge = TorchArchives.write(dir.resolve("huge.pth"), "h",
                stateDict(new Pickle().str("w").tensor("FloatStorage", "0", 4, 0, new long[] {big, big, big},
                        new long[] {1, 1, 1})), Map.of("0", f32(1, 2, 3, 4)));
        assertRefused(huge, "overflows");
        // a storage claiming 2^40 floats backed by 16 bytes: refused without allocating
        Path claim = TorchArchives.write(dir.resolve("claim.pth"), "c",
                stateDict(new Pickle().str("w").tensor("FloatStorage", "0", big)), Map.of("0", f32(1, 2, 3, 4)));
        assertRefused(claim, "but its entry has 16 bytes");
    }

    @Test
    void deeplyNestedPickleIsRefusedWithoutStackOverflow() {
        int depth = 1_000_000;
        Pickle p = new Pickle().emptyDict().str("student");
        for (int i = 0; i < depth; i++) {
            p.emptyList();
        }
        for (int i = 0; i < depth - 1; i++) {
            p.append();
        }
        p.setitem();
        Path file = TorchArchives.write(dir.resolve("deep.pth"), "d", p.bytes(), Map.of());
        assertRefused(file, "more than " + TorchPickle.MAX_DEPTH + " levels deep");

        // a deep dict chain (each dict the value of the previous one) too
        Pickle q = new Pickle();
        for (int i = 0; i < 200_000; i++) {
            q.emptyDict().str("k");
        }
        q.emptyDict();
        for (int i = 0; i < 200_000; i++) {
            q.setitem();
        }
        Path dicts = TorchArchives.write(dir.resolve("deepdict.pth"), "d", q.bytes(), Map.of());
        assertRefused(dicts, "levels deep");
    }

    @Test
    void billionLaughsStaysLinear() {
        // l0 = ['lol'], l(k+1) = [l(k)] * 10 through the memo: 10^30 leaves if anything expanded it
        Pickle laughs = new Pickle().emptyDict().str("student").emptyList().str("lol").append().put(0).raw('0');
        for (int k = 1; k <= 30; k++) {
            laughs.emptyList().mark();
            for (int i = 0; i < 10; i++) {
                laughs.get(k - 1);
            }
            laughs.appends().put(k).raw('0'); // POP: only the memo keeps the levels
        }
        laughs.get(30).setitem();
        Path file = TorchArchives.write(dir.resolve("laughs.pth"), "l", laughs.bytes(), Map.of());
        assertRefused(file, "found no state dict", "student: list of 10");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TorchCheckpoint.read(file, manager, "student"));
        assertTrue(e.getMessage().contains("'student' is a list of 10, not a state dict"), e.getMessage());
        assertEquals("student: list of 10", TorchCheckpoint.describe(file).entries().get(0).line());

        // the same structure in args beside a real state dict: loads, and the rendered metadata stays bounded
        Pickle p = new Pickle().emptyDict().mark().str("model").emptyDict().str("w")
                .tensor("FloatStorage", "0", 2).setitem();
        p.str("args").global("argparse", "Namespace").emptyTuple().newobj().emptyDict().str("lol")
                .emptyList().str("lol").append().put(0).raw('0');
        for (int k = 1; k <= 30; k++) {
            p.emptyList().mark();
            for (int i = 0; i < 10; i++) {
                p.get(k - 1);
            }
            p.appends().put(k).raw('0');
        }
        p.get(30).setitem().build().setitems();
        Path ok = TorchArchives.write(dir.resolve("args.pth"), "a", p.bytes(), Map.of("0", f32(1, 2)));
        StateDict sd = Checkpoints.read(ok, manager, null);
        String args = sd.metadata().get("pth.args");
        assertTrue(args.startsWith("argparse.Namespace(lol=[[…, …, …"), args); // 3 levels rendered at most
        assertTrue(args.length() < 400, args);

        // a list as a dict key would make Java hash the whole structure: refused like Python does
        Pickle key = new Pickle().emptyDict().emptyList().str("lol").append().str("v").setitem();
        Path keyFile = TorchArchives.write(dir.resolve("key.pth"), "k", key.bytes(), Map.of());
        assertRefused(keyFile, "a dict key is a list of 1");
    }

    @Test
    void opcodeFloodAndHugeLengthPrefixesAreRefused() {
        Pickle flood = new Pickle().emptyList();
        for (int i = 0; i < TorchPickle.MAX_OPS / 2 + 10; i++) {
            flood.none().append();
        }
        Path file = TorchArchives.write(dir.resolve("flood.pth"), "f", flood.bytes(), Map.of());
        assertRefused(file, "more than " + TorchPickle.MAX_OPS + " opcodes");

        // BINUNICODE claiming 2 GB: refused before razorvine allocates it
        Pickle str = new Pickle().emptyDict().raw('X', 0xff, 0xff, 0xff, 0x7f).raw('a', 'b');
        Path claim = TorchArchives.write(dir.resolve("claim.pth"), "c", str.bytes(), Map.of());
        assertRefused(claim, "claims 2147483647 bytes");

        // an unknown memo index, a truncated pickle, an opcode torch.save never writes
        Path memo = TorchArchives.write(dir.resolve("memo.pth"), "m",
                new Pickle().emptyDict().str("a").get(123_456).setitem().bytes(), Map.of());
        assertRefused(memo, "not a valid pickle", "invalid memo key");
        Path cut = TorchArchives.write(dir.resolve("cut.pth"), "c",
                new Pickle().emptyDict().str("a").unterminated(), Map.of());
        assertRefused(cut, "not a valid pickle");
        Path inst = TorchArchives.write(dir.resolve("inst.pth"), "i",
                new Pickle().mark().raw('i').raw("os\nsystem\n".getBytes()).bytes(), Map.of());
        assertRefused(inst, "opcode 0x69 (INST)");
    }

    @Test
    void notZipTruncatedZipAndLegacyFormatGetClearErrors() throws IOException {
        Path good = TorchArchives.write(dir.resolve("good.pth"), "g",
                stateDict(new Pickle().str("w").tensor("FloatStorage", "0", 4)), Map.of("0", f32(1, 2, 3, 4)));
        byte[] all = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.pth"), Arrays.copyOf(all, all.length / 2));
        assertRefused(truncated, "damaged zip archive", "truncated");

        // legacy torch.save (before 1.6): pickled magic number 0x1950a86a20f9469cfc6c first
        byte[] legacy = {(byte) 0x80, 2, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20,
            0x6a, (byte) 0xa8, 0x50, 0x19, '.', (byte) 0x80, 2, 'K', 3, '.'};
        Path old = Files.write(dir.resolve("legacy.pth"), legacy);
        assertRefused(old, "legacy", "_use_new_zipfile_serialization");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(old, manager, null));
        assertTrue(e.getMessage().contains("re-save") || e.getMessage().contains("Re-save"), e.getMessage());

        Path text = Files.writeString(dir.resolve("text.pth"), "hello, not a checkpoint");
        assertRefused(text, "not a PyTorch checkpoint");
        Path noPickle = dir.resolve("nopkl.pth");
        TorchArchives.write(noPickle, "x", new byte[0], Map.of());
        try (var fs = java.nio.file.FileSystems.newFileSystem(noPickle)) {
            Files.delete(fs.getPath("x/data.pkl"));
        }
        assertRefused(noPickle, "exactly one <stem>/data.pkl");
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** {'student': {<entries>}} around the given key/value opcodes. */
    private static byte[] stateDict(Pickle entries) {
        byte[] body = entries.unterminated();
        Pickle p = new Pickle().emptyDict().str("student").emptyDict().mark();
        p.raw(Arrays.copyOfRange(body, 2, body.length)); // drop the PROTO header of the fragment
        return p.setitems().setitem().bytes();
    }

    /** Reading fails with a CheckpointException naming the file and containing every fragment. */
    private void assertRefused(Path file, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TorchCheckpoint.read(file, manager, null), file.toString());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in: " + e.getMessage());
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
