package org.univ.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * The restricted unpickler for the {@code data.pkl} of a {@code torch.save} archive.
 *
 * <p>A pickle is a program. razorvine's {@link Unpickler} decodes the pure-data opcodes (numbers, strings,
 * tuples, lists, memo); every opcode that could act — GLOBAL, REDUCE, NEWOBJ, BUILD, persistent ids — and
 * every container that hashes its contents is interpreted here instead, so razorvine's own class registry
 * ({@code datetime}, {@code decimal}, {@code bytearray}, {@code copy_reg._reconstructor}, …) and its
 * reflective {@code __setstate__} are never reached and no Java class is chosen by the file.
 * <ul>
 *   <li>An explicit allow-list of globals is <em>interpreted</em>: {@code torch._utils._rebuild_tensor_v2} and
 *       friends build a {@link TensorRef} (validated against its storage), {@code collections.OrderedDict}
 *       a map, {@code torch.*Storage} a storage type for persistent ids.</li>
 *   <li>Globals of modules that execute code or touch the system ({@code os}, {@code posix}, {@code subprocess},
 *       {@code builtins.eval}, …) are refused with an error naming the global, before anything is called.</li>
 *   <li>Every other global (e.g. {@code argparse.Namespace}) becomes an inert {@link Global}; REDUCE/NEWOBJ of
 *       it yields an inert {@link Placeholder} that only records the arguments and state it was given.</li>
 * </ul>
 * Work is bounded: the pickle size, the number of opcodes and the nesting depth of the result are capped,
 * length prefixes are checked against the bytes left before razorvine allocates, and nothing here recurses
 * over the loaded data, so a pickle bomb ends in a {@link CheckpointException}.
 */
final class TorchPickle {
    /** data.pkl larger than this is refused (a state dict with 10k tensors pickles to about 1 MB). */
    static final int MAX_PICKLE_BYTES = 64 << 20;
    /** Opcodes executed at most (about 35 per tensor in a state dict); bounds the objects created. */
    static final long MAX_OPS = 4_000_000;
    /** Containers nested deeper than this are refused (a training checkpoint nests about 6 deep). */
    static final int MAX_DEPTH = 100;
    /** Tensors of more dimensions are refused. */
    static final int MAX_RANK = 64;
    /** Longest module or name of a global. */
    private static final int MAX_NAME = 200;

    private TorchPickle() {}

    /** What {@code data.pkl} decoded to, plus every storage its persistent ids named (by key, in order). */
    record Parsed(Object root, Map<String, StorageRef> storages) {}

    /** torch storage classes, named by the safetensors spelling of their dtype. */
    enum StorageDtype {
        F32("FloatStorage", 4), F64("DoubleStorage", 8), F16("HalfStorage", 2), BF16("BFloat16Storage", 2),
        I64("LongStorage", 8), I32("IntStorage", 4), I16("ShortStorage", 2), I8("CharStorage", 1),
        U8("ByteStorage", 1), BOOL("BoolStorage", 1);

        final String storageClass;
        final int bytes;

        StorageDtype(String storageClass, int bytes) {
            this.storageClass = storageClass;
            this.bytes = bytes;
        }

        static StorageDtype ofStorageClass(String name) {
            for (StorageDtype d : values()) {
                if (d.storageClass.equals(name)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** How a global is treated when the pickle calls it. */
    enum Kind { TENSOR_V2, TENSOR_V1, PARAMETER, PARAMETER_WITH_STATE, FROM_TYPE_V2, ORDERED_DICT, STORAGE_TYPE, INERT }

    /** A global the pickle imported. Never resolved to Java code: {@code kind} says how REDUCE interprets it. */
    record Global(String module, String name, Kind kind, StorageDtype dtype) {
        String qualifiedName() {
            return module + "." + name;
        }
    }

    /** A storage named by a persistent id: entry {@code <stem>/data/<key>} holding {@code numel} values. */
    record StorageRef(String key, Global type, long numel, String location) {
        StorageDtype dtype() {
            return type.dtype();
        }
    }

    /** A tensor view (offset, shape, stride in elements) of a storage; the data is read only when needed. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride, long numel) {
        String dtypeName() {
            return storage.dtype() != null ? storage.dtype().name() : storage.type().name();
        }
    }

    /** An inert stand-in for an object of a class outside the allow-list; never instantiated or called. */
    static final class Placeholder {
        final Global type;
        final Object[] args;
        final Map<Object, Object> kwargs;
        Object state;
        final Map<Object, Object> items = new LinkedHashMap<>(); // SETITEMS on a dict subclass
        final List<Object> listItems = new ArrayList<>();         // APPENDS on a list subclass

        Placeholder(Global type, Object[] args, Map<Object, Object> kwargs) {
            this.type = type;
            this.args = args;
            this.kwargs = kwargs;
        }
    }

    /** A Python set or frozenset, kept as a list: its elements are never hashed. */
    static final class PySet {
        final List<Object> items = new ArrayList<>();
    }

    /** A {@code collections.OrderedDict}: like a dict, but BUILD may set its attributes (e.g. {@code _metadata}). */
    static final class OrderedDictValue extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    private static final Map<String, Kind> ALLOWED = Map.of(
            "torch._utils._rebuild_tensor_v2", Kind.TENSOR_V2,
            "torch._utils._rebuild_tensor", Kind.TENSOR_V1,
            "torch._utils._rebuild_parameter", Kind.PARAMETER,
            "torch._utils._rebuild_parameter_with_state", Kind.PARAMETER_WITH_STATE,
            "torch._tensor._rebuild_from_type_v2", Kind.FROM_TYPE_V2,
            "collections.OrderedDict", Kind.ORDERED_DICT);

    /** Modules whose globals execute code, import code or touch files, processes or the network. */
    private static final Set<String> DANGEROUS_MODULES = Set.of(
            "os", "posix", "nt", "subprocess", "_posixsubprocess", "builtins", "__builtin__", "sys", "shutil",
            "socket", "pty", "importlib", "runpy", "pickle", "_pickle", "cPickle", "codecs", "marshal", "ctypes",
            "code", "codeop", "commands", "platform", "webbrowser", "multiprocessing", "signal", "threading",
            "_thread", "asyncio", "tempfile", "io", "_io", "pathlib", "glob", "urllib", "urllib2", "http",
            "ftplib", "smtplib", "telnetlib", "requests", "zipimport", "pkgutil", "types", "inspect", "operator",
            "_operator", "dill", "yaml", "pdb", "bdb", "timeit", "trace", "profile", "cProfile", "doctest",
            "distutils", "setuptools", "torch.hub");
    /** Names that run or fetch code whatever module they claim to come from. */
    private static final Set<String> DANGEROUS_NAMES = Set.of(
            "eval", "exec", "execfile", "compile", "__import__", "system", "popen", "runstring", "getattr",
            "setattr", "delattr", "__getattribute__", "globals", "locals", "breakpoint");
    /** builtins that only construct plain data; any other builtin is refused. */
    private static final Set<String> DATA_BUILTINS = Set.of(
            "set", "frozenset", "complex", "slice", "range", "bytearray", "bytes", "object", "int", "float",
            "str", "bool", "list", "dict", "tuple");

    /**
     * Decodes {@code pickle}. {@code source} (file and entry) prefixes every error message.
     *
     * @throws CheckpointException for a refused global, an unsupported opcode, a malformed or oversized pickle
     */
    static Parsed load(byte[] pickle, String source) {
        if (pickle.length > MAX_PICKLE_BYTES) {
            throw bad(source, "the pickle is " + pickle.length + " bytes, more than the " + MAX_PICKLE_BYTES
                    + " a state-dict checkpoint needs");
        }
        Restricted u = new Restricted(source);
        Object root;
        try {
            root = u.load(new ByteArrayInputStream(pickle));
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // razorvine's own errors (bad memo key, stack underflow, wrong container type) are static messages
            throw bad(source, "not a valid pickle (" + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + clip(e.getMessage(), 200) : "") + ") after "
                    + u.ops + " opcodes; the file is damaged or was not written by torch.save");
        } catch (StackOverflowError e) {
            throw bad(source, "the pickle nests too deeply to decode");
        } finally {
            u.close();
        }
        checkNesting(root, source);
        return new Parsed(root, Collections.unmodifiableMap(u.storages));
    }

    /** The global for {@code module.name}: interpreted, inert, or refused because it could act on the system. */
    static Global resolve(String module, String name, String source) {
        if (module.isEmpty() || name.isEmpty() || module.length() > MAX_NAME || name.length() > MAX_NAME) {
            throw bad(source, "the pickle imports a global with an implausible name '" + clip(module + "." + name, 80)
                    + "'");
        }
        String q = module + "." + name;
        if (isDangerous(module, name)) {
            throw new CheckpointException(source + ": refused: the pickle imports the global '" + clip(q, 120)
                    + "', which can run commands or touch the system. A checkpoint never needs it and UNIV never"
                    + " calls it; this file may be malicious, so do not open it with torch.load either.");
        }
        Kind k = ALLOWED.get(q);
        if (k != null) {
            return new Global(module, name, k, null);
        }
        if ("torch".equals(module) && name.endsWith("Storage")) {
            return new Global(module, name, Kind.STORAGE_TYPE, StorageDtype.ofStorageClass(name));
        }
        return new Global(module, name, Kind.INERT, null);
    }

    static boolean isDangerous(String module, String name) {
        if (DANGEROUS_NAMES.contains(name)) {
            return true;
        }
        for (String m : DANGEROUS_MODULES) {
            if (module.equals(m) || module.startsWith(m + ".")) {
                boolean builtins = "builtins".equals(module) || "__builtin__".equals(module);
                return !(builtins && DATA_BUILTINS.contains(name));
            }
        }
        return false;
    }

    /** The opcode interpreter: razorvine decodes data, this class decides everything that could act. */
    private static final class Restricted extends Unpickler {
        private final String source;
        private final Map<String, StorageRef> storages = new LinkedHashMap<>();
        private long ops;

        Restricted(String source) {
            this.source = source;
        }

        @Override
        protected Object dispatch(short key) throws IOException {
            if (++ops > MAX_OPS) {
                throw bad(source, "the pickle runs more than " + MAX_OPS + " opcodes; not a state-dict checkpoint"
                        + " (a pickle bomb?)");
            }
            switch (key) {
                // pure data, decoded by razorvine; each allocates at most what the remaining bytes hold
                case Opcodes.MARK, Opcodes.STOP, Opcodes.POP, Opcodes.POP_MARK, Opcodes.DUP, Opcodes.BININT,
                        Opcodes.BININT1, Opcodes.BININT2, Opcodes.LONG1, Opcodes.NONE, Opcodes.NEWTRUE,
                        Opcodes.NEWFALSE, Opcodes.BINFLOAT, Opcodes.SHORT_BINSTRING, Opcodes.SHORT_BINUNICODE,
                        Opcodes.SHORT_BINBYTES, Opcodes.EMPTY_TUPLE, Opcodes.TUPLE, Opcodes.TUPLE1, Opcodes.TUPLE2,
                        Opcodes.TUPLE3, Opcodes.EMPTY_LIST, Opcodes.LIST, Opcodes.BINGET, Opcodes.LONG_BINGET,
                        Opcodes.BINPUT, Opcodes.LONG_BINPUT, Opcodes.MEMOIZE, Opcodes.PROTO, Opcodes.FRAME,
                        Opcodes.BINPERSID:
                    return super.dispatch(key);
                case Opcodes.LONG4, Opcodes.BINSTRING, Opcodes.BINUNICODE, Opcodes.BINBYTES:
                    checkLengthPrefix(4);
                    return super.dispatch(key);
                case Opcodes.BINUNICODE8, Opcodes.BINBYTES8:
                    checkLengthPrefix(8);
                    return super.dispatch(key);
                // containers: insertion-ordered, keys checked before they are hashed
                case Opcodes.EMPTY_DICT:
                    stack.add(new LinkedHashMap<Object, Object>());
                    return NO_RETURN_VALUE;
                case Opcodes.DICT: {
                    Map<Object, Object> d = new LinkedHashMap<>();
                    putPairs(d, stack.pop_all_since_marker(), "DICT");
                    stack.add(d);
                    return NO_RETURN_VALUE;
                }
                case Opcodes.SETITEM: {
                    Object value = stack.pop();
                    Object k = stack.pop();
                    putPairs(stack.peek(), Arrays.asList(hashable(k), value), "SETITEM");
                    return NO_RETURN_VALUE;
                }
                case Opcodes.SETITEMS:
                    putPairs(null, stack.pop_all_since_marker(), "SETITEMS");
                    return NO_RETURN_VALUE;
                case Opcodes.APPEND:
                    appendAll(Collections.singletonList(stack.pop()));
                    return NO_RETURN_VALUE;
                case Opcodes.APPENDS:
                    appendAll(stack.pop_all_since_marker());
                    return NO_RETURN_VALUE;
                case Opcodes.EMPTY_SET:
                    stack.add(new PySet());
                    return NO_RETURN_VALUE;
                case Opcodes.ADDITEMS: {
                    List<Object> items = stack.pop_all_since_marker();
                    if (!(stack.peek() instanceof PySet set)) {
                        throw bad(source, "ADDITEMS on a " + kindOf(stack.peek()) + ", not a set");
                    }
                    set.items.addAll(items);
                    return NO_RETURN_VALUE;
                }
                case Opcodes.FROZENSET: {
                    PySet set = new PySet();
                    set.items.addAll(stack.pop_all_since_marker());
                    stack.add(set);
                    return NO_RETURN_VALUE;
                }
                // everything that imports or calls
                case Opcodes.GLOBAL: {
                    String module = PickleUtils.readline(input);
                    String name = PickleUtils.readline(input);
                    stack.add(resolve(module, name, source));
                    return NO_RETURN_VALUE;
                }
                case Opcodes.STACK_GLOBAL: {
                    Object name = stack.pop();
                    Object module = stack.pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw bad(source, "STACK_GLOBAL needs two strings, got " + kindOf(module) + " and "
                                + kindOf(name));
                    }
                    stack.add(resolve(m, n, source));
                    return NO_RETURN_VALUE;
                }
                case Opcodes.REDUCE: {
                    Object[] args = tuple(stack.pop(), "REDUCE arguments");
                    Object callable = stack.pop();
                    stack.add(call(callable, args));
                    return NO_RETURN_VALUE;
                }
                case Opcodes.NEWOBJ: {
                    Object[] args = tuple(stack.pop(), "NEWOBJ arguments");
                    stack.add(newObject(stack.pop(), args, null));
                    return NO_RETURN_VALUE;
                }
                case Opcodes.NEWOBJ_EX: {
                    Object kwargs = stack.pop();
                    Object[] args = tuple(stack.pop(), "NEWOBJ_EX arguments");
                    if (!(kwargs instanceof Map<?, ?>)) {
                        throw bad(source, "NEWOBJ_EX keyword arguments are a " + kindOf(kwargs) + ", not a dict");
                    }
                    @SuppressWarnings("unchecked")
                    Map<Object, Object> kw = (Map<Object, Object>) kwargs;
                    stack.add(newObject(stack.pop(), args, kw));
                    return NO_RETURN_VALUE;
                }
                case Opcodes.BUILD: {
                    Object state = stack.pop();
                    Object target = stack.peek();
                    if (target instanceof Placeholder p) {
                        p.state = state; // recorded, never applied
                    } else if (!(target instanceof OrderedDictValue)) {
                        // an OrderedDict's attributes (state_dict()._metadata: module versions) are dropped
                        throw bad(source, "BUILD on a " + kindOf(target) + "; torch.save never does this");
                    }
                    return NO_RETURN_VALUE;
                }
                default:
                    throw bad(source, "the pickle uses opcode 0x" + Integer.toHexString(key) + describeOpcode(key)
                            + ", which torch.save never writes; re-save the checkpoint with torch.save and the"
                            + " default pickle protocol");
            }
        }

        /** Refuses a length prefix longer than the bytes left, before razorvine allocates it. */
        private void checkLengthPrefix(int width) throws IOException {
            ByteArrayInputStream in = (ByteArrayInputStream) input;
            in.mark(width);
            byte[] b = in.readNBytes(width);
            in.reset();
            if (b.length < width) {
                throw bad(source, "the pickle ends inside a length field (truncated data.pkl)");
            }
            long len = 0;
            for (int i = width - 1; i >= 0; i--) {
                len = (len << 8) | (b[i] & 0xff);
            }
            long left = in.available() - width;
            if (len < 0 || len > left) {
                throw bad(source, "a string or number in the pickle claims " + Long.toUnsignedString(len)
                        + " bytes but only " + left + " remain (truncated or hostile data.pkl)");
            }
        }

        /** SETITEM(S)/DICT: key-value pairs into the dict (or dict-like placeholder) on the stack. */
        @SuppressWarnings("unchecked")
        private void putPairs(Object target, List<Object> pairs, String op) {
            Object t = target != null ? target : stack.peek();
            if (pairs.size() % 2 != 0) {
                throw bad(source, op + " with an odd number of items");
            }
            Map<Object, Object> map;
            if (t instanceof Map<?, ?> m) {
                map = (Map<Object, Object>) m;
            } else if (t instanceof Placeholder p) {
                map = p.items;
            } else {
                throw bad(source, op + " on a " + kindOf(t) + ", not a dict");
            }
            for (int i = 0; i < pairs.size(); i += 2) {
                map.put(hashable(pairs.get(i)), pairs.get(i + 1));
            }
        }

        private void appendAll(List<Object> items) {
            Object t = stack.peek();
            if (t instanceof ArrayList<?>) {
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) t;
                list.addAll(items);
            } else if (t instanceof Placeholder p) {
                p.listItems.addAll(items);
            } else {
                throw bad(source, "APPEND on a " + kindOf(t) + ", not a list");
            }
        }

        /**
         * Dict keys must hash without looking inside containers: Python refuses lists and dicts as keys, and a
         * deep or shared structure would make Java's content hashCode recurse or take exponential time.
         */
        private Object hashable(Object k) {
            if (k == null || k instanceof String || k instanceof Integer || k instanceof Long
                    || k instanceof BigInteger || k instanceof Double || k instanceof Boolean
                    || k instanceof Object[] || k instanceof byte[] || k instanceof Global
                    || k instanceof Placeholder || k instanceof PySet) {
                return k; // identity or shallow hashes only
            }
            throw bad(source, "a dict key is a " + kindOf(k) + ", which Python cannot hash either");
        }

        private Object[] tuple(Object o, String what) {
            if (!(o instanceof Object[] t)) {
                throw bad(source, what + " are a " + kindOf(o) + ", not a tuple");
            }
            return t;
        }

        private Object newObject(Object cls, Object[] args, Map<Object, Object> kwargs) {
            if (cls instanceof Global g && g.kind() == Kind.ORDERED_DICT && args.length == 0) {
                return new OrderedDictValue();
            }
            if (cls instanceof Global g && g.kind() == Kind.INERT) {
                return new Placeholder(g, args, kwargs);
            }
            throw bad(source, "NEWOBJ of a " + kindOf(cls) + ", which is not a class torch.save instantiates");
        }

        /** REDUCE: interprets an allow-listed global, records a placeholder for an inert one. */
        private Object call(Object callable, Object[] args) {
            if (!(callable instanceof Global g)) {
                throw bad(source, "REDUCE calls a " + kindOf(callable) + "; only imported globals can be called");
            }
            switch (g.kind()) {
                case TENSOR_V2:
                    return tensor(g, args, 6, 7);
                case TENSOR_V1:
                    return tensor(g, args, 4, 4);
                case PARAMETER:
                case PARAMETER_WITH_STATE:
                    if (args.length < 1 || !(args[0] instanceof TensorRef)) {
                        throw bad(source, g.qualifiedName() + " needs a tensor as first argument");
                    }
                    return args[0]; // requires_grad, hooks and Python attributes do not matter for weights
                case FROM_TYPE_V2: {
                    // (func, new_type, args, state): a tensor subclass or a tensor with Python attributes
                    if (args.length != 4 || !(args[0] instanceof Global f) || !(args[2] instanceof Object[] inner)
                            || (f.kind() != Kind.TENSOR_V2 && f.kind() != Kind.TENSOR_V1
                            && f.kind() != Kind.PARAMETER && f.kind() != Kind.PARAMETER_WITH_STATE)) {
                        throw bad(source, g.qualifiedName() + " must wrap a tensor rebuild function");
                    }
                    return call(f, inner); // one level only: f cannot be FROM_TYPE_V2 again
                }
                case ORDERED_DICT: {
                    OrderedDictValue d = new OrderedDictValue();
                    if (args.length == 1 && args[0] instanceof List<?> items) {
                        for (Object item : items) {
                            if (!(item instanceof Object[] pair) || pair.length != 2) {
                                throw bad(source, "OrderedDict items must be (key, value) pairs");
                            }
                            d.put(hashable(pair[0]), pair[1]);
                        }
                    } else if (args.length != 0) {
                        throw bad(source, "OrderedDict called with " + args.length + " unexpected arguments");
                    }
                    return d;
                }
                case STORAGE_TYPE:
                    throw bad(source, "the pickle calls " + g.qualifiedName() + " directly; torch.save only names"
                            + " storage types in persistent ids");
                default:
                    return new Placeholder(g, args, null);
            }
        }

        /** {@code _rebuild_tensor[_v2](storage, storage_offset, size, stride, …)}, validated against the storage. */
        private TensorRef tensor(Global fn, Object[] a, int minArgs, int maxArgs) {
            String f = fn.qualifiedName();
            if (a.length < minArgs || a.length > maxArgs) {
                throw bad(source, f + " called with " + a.length + " arguments instead of " + minArgs
                        + (maxArgs != minArgs ? "-" + maxArgs : ""));
            }
            if (!(a[0] instanceof StorageRef s)) {
                throw bad(source, f + " got a " + kindOf(a[0]) + " instead of a storage");
            }
            long offset = integral(a[1], "storage offset");
            long[] shape = longs(a[2], "size");
            long[] stride = longs(a[3], "stride");
            String view = "tensor of size " + Arrays.toString(shape) + ", stride " + Arrays.toString(stride)
                    + ", offset " + offset + " on storage '" + s.key() + "'";
            if (shape.length != stride.length) {
                throw bad(source, view + ": size and stride have different lengths");
            }
            if (offset < 0) {
                throw bad(source, view + ": negative storage offset");
            }
            long numel = 1;
            long last = offset; // index of the last element the view touches
            try {
                for (int d = 0; d < shape.length; d++) {
                    if (shape[d] < 0 || stride[d] < 0) {
                        throw bad(source, view + ": negative size or stride");
                    }
                    numel = Math.multiplyExact(numel, shape[d]);
                }
                if (numel > 0) {
                    for (int d = 0; d < shape.length; d++) {
                        last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, stride[d]));
                    }
                }
            } catch (ArithmeticException e) {
                throw bad(source, view + ": absurd sizes (the element count overflows)");
            }
            if (numel > 0 && last >= s.numel()) {
                throw bad(source, view + " needs " + (last + 1) + " elements but the storage holds " + s.numel()
                        + " (damaged or hostile file)");
            }
            return new TensorRef(s, offset, shape, stride, numel);
        }

        private long[] longs(Object o, String what) {
            if (!(o instanceof Object[] t)) {
                throw bad(source, "tensor " + what + " is a " + kindOf(o) + ", not a tuple of ints");
            }
            if (t.length > MAX_RANK) {
                throw bad(source, "tensor " + what + " has " + t.length + " dimensions (more than " + MAX_RANK + ")");
            }
            long[] v = new long[t.length];
            for (int i = 0; i < t.length; i++) {
                v[i] = integral(t[i], what);
            }
            return v;
        }

        private long integral(Object o, String what) {
            if (o instanceof Integer || o instanceof Long) {
                return ((Number) o).longValue();
            }
            if (o instanceof BigInteger b && b.bitLength() < 64) {
                return b.longValue();
            }
            throw bad(source, what + " is a " + kindOf(o) + ", not a 64-bit int");
        }

        /** torch's persistent ids: {@code ('storage', storage_type, key, location, numel)}. */
        @Override
        protected Object persistentLoad(Object pid) {
            if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])) {
                throw bad(source, "a persistent id is a " + kindOf(pid)
                        + ", not a ('storage', type, key, location, numel) tuple");
            }
            if (!(t[1] instanceof Global type) || type.kind() != Kind.STORAGE_TYPE) {
                throw bad(source, "a persistent id names a " + kindOf(t[1]) + " instead of a torch storage type");
            }
            if (!(t[2] instanceof String key) || !key.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw bad(source, "a persistent id has an invalid storage key " + kindOf(t[2]));
            }
            if (!(t[3] instanceof String location)) {
                throw bad(source, "storage '" + key + "' has a location that is not a string");
            }
            long numel = integral(t[4], "storage size");
            if (numel < 0 || (type.dtype() != null && numel > Long.MAX_VALUE / type.dtype().bytes)) {
                throw bad(source, "storage '" + key + "' has an impossible size of " + numel + " elements");
            }
            StorageRef known = storages.get(key);
            if (known != null) {
                if (!known.type().equals(type) || known.numel() != numel) {
                    throw bad(source, "storage '" + key + "' is declared twice with different types or sizes");
                }
                return known;
            }
            StorageRef s = new StorageRef(key, type, numel, location);
            storages.put(key, s);
            return s;
        }
    }

    /**
     * Refuses results nested deeper than {@link #MAX_DEPTH}: an iterative walk (no Java recursion) that visits
     * each container once, so shared sub-structures (billion-laughs) cost their size, not their expansion.
     */
    static void checkNesting(Object root, String source) {
        if (!isContainer(root)) {
            return;
        }
        final int inProgress = -1;
        IdentityHashMap<Object, Integer> height = new IdentityHashMap<>();
        Deque<Object> nodes = new ArrayDeque<>();
        Deque<Iterator<Object>> children = new ArrayDeque<>();
        Deque<int[]> tallest = new ArrayDeque<>(); // highest finished child per open node
        height.put(root, inProgress);
        nodes.push(root);
        children.push(childrenOf(root));
        tallest.push(new int[1]);
        while (!nodes.isEmpty()) {
            Iterator<Object> it = children.peek();
            if (it.hasNext()) {
                Object c = it.next();
                if (!isContainer(c)) {
                    continue;
                }
                Integer h = height.get(c);
                if (h == null) {
                    if (nodes.size() >= MAX_DEPTH) {
                        throw tooDeep(source);
                    }
                    height.put(c, inProgress);
                    nodes.push(c);
                    children.push(childrenOf(c));
                    tallest.push(new int[1]);
                } else if (h != inProgress) { // already measured (shared); a cycle adds no depth
                    if (nodes.size() + h > MAX_DEPTH) {
                        throw tooDeep(source);
                    }
                    tallest.peek()[0] = Math.max(tallest.peek()[0], h);
                }
            } else {
                Object done = nodes.pop();
                children.pop();
                int h = tallest.pop()[0] + 1;
                height.put(done, h);
                if (!tallest.isEmpty()) {
                    tallest.peek()[0] = Math.max(tallest.peek()[0], h);
                }
            }
        }
    }

    private static CheckpointException tooDeep(String source) {
        return bad(source, "the pickle nests containers more than " + MAX_DEPTH + " levels deep; not a state-dict"
                + " checkpoint (a pickle bomb?)");
    }

    private static boolean isContainer(Object o) {
        return o instanceof Map<?, ?> || o instanceof List<?> || o instanceof Object[] || o instanceof Placeholder
                || o instanceof PySet;
    }

    @SuppressWarnings("unchecked")
    private static Iterator<Object> childrenOf(Object o) {
        List<Iterator<?>> parts = new ArrayList<>(6);
        if (o instanceof Map<?, ?> m) {
            parts.add(m.keySet().iterator());
            parts.add(m.values().iterator());
        } else if (o instanceof List<?> l) {
            parts.add(l.iterator());
        } else if (o instanceof Object[] t) {
            parts.add(Arrays.asList(t).iterator());
        } else if (o instanceof PySet s) {
            parts.add(s.items.iterator());
        } else if (o instanceof Placeholder p) {
            parts.add(Arrays.asList(p.args).iterator());
            parts.add(Arrays.asList(p.state, p.kwargs).iterator());
            parts.add(p.items.keySet().iterator());
            parts.add(p.items.values().iterator());
            parts.add(p.listItems.iterator());
        }
        Iterator<Iterator<?>> outer = parts.iterator();
        return new Iterator<>() {
            private Iterator<?> cur = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!cur.hasNext() && outer.hasNext()) {
                    cur = outer.next();
                }
                return cur.hasNext();
            }

            @Override
            public Object next() {
                hasNext();
                return cur.next();
            }
        };
    }

    /** A short, bounded description of a value for messages: never calls toString on containers. */
    static String kindOf(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof String) {
            return "str";
        }
        if (o instanceof Integer || o instanceof Long || o instanceof BigInteger) {
            return "int";
        }
        if (o instanceof Double) {
            return "float";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof byte[]) {
            return "bytes";
        }
        if (o instanceof Object[] t) {
            return "tuple of " + t.length;
        }
        if (o instanceof List<?> l) {
            return "list of " + l.size();
        }
        if (o instanceof Map<?, ?> m) {
            return "dict of " + m.size();
        }
        if (o instanceof PySet s) {
            return "set of " + s.items.size();
        }
        if (o instanceof TensorRef t) {
            return "tensor " + t.dtypeName() + " " + Arrays.toString(t.shape());
        }
        if (o instanceof StorageRef) {
            return "storage";
        }
        if (o instanceof Placeholder p) {
            return "placeholder " + clip(p.type.qualifiedName(), 120);
        }
        if (o instanceof Global g) {
            return "global " + clip(g.qualifiedName(), 120);
        }
        return o.getClass().getSimpleName();
    }

    private static String describeOpcode(short key) {
        return switch (key) {
            case Opcodes.INST -> " (INST)";
            case Opcodes.OBJ -> " (OBJ)";
            case Opcodes.PERSID -> " (PERSID, text protocol)";
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> " (EXT, extension registry)";
            case Opcodes.INT, Opcodes.LONG, Opcodes.FLOAT, Opcodes.STRING, Opcodes.UNICODE, Opcodes.GET,
                    Opcodes.PUT -> " (text protocol 0)";
            case Opcodes.BYTEARRAY8, Opcodes.NEXT_BUFFER, Opcodes.READONLY_BUFFER -> " (protocol 5 buffer)";
            default -> "";
        };
    }

    /** Truncates and removes control characters (names in a hostile pickle are arbitrary bytes). */
    static String clip(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 1);
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > max) {
            b.append('…');
        }
        return b.toString();
    }

    private static CheckpointException bad(String source, String what) {
        return new CheckpointException(source + ": " + what);
    }
}
