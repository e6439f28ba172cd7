package org.univ.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.train.PretrainConfig;

/** {@code base: other.yaml}: a config file laid over the one it names. */
class YamlConfigBaseTest {
    @TempDir
    Path dir;

    public static final class Inner {
        public int x = -1;
        public int y = -1;
    }

    public static final class Conf {
        public int a = -1;
        public String name = "default";
        public Inner inner = new Inner();
        public List<Integer> list = new ArrayList<>();
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aFileOverridesItsBaseKeyByKeyAndReplacesLists() throws IOException {
        write("base.yaml", "a: 1\nname: base\ninner: {x: 1, y: 2}\nlist: [1, 2]\n");
        Path variant = write("sub/variant.yaml", "base: ../base.yaml\ninner: {y: 3}\nlist: [9]\n");
        Conf c = YamlConfig.load(variant, List.of(), Conf.class, "config");
        assertEquals(1, c.a);
        assertEquals("base", c.name);
        assertEquals(1, c.inner.x);  // kept from the base
        assertEquals(3, c.inner.y);  // the variant's
        assertEquals(List.of(9), c.list);
    }

    @Test
    void basesChainAndOverridesComeLast() throws IOException {
        write("a.yaml", "a: 1\ninner: {x: 1}\n");
        write("b.yaml", "base: a.yaml\na: 2\n");
        Path c = write("c.yaml", "base: b.yaml\nname: c\n");
        Conf conf = YamlConfig.load(c, List.of("a=5", "inner.y=7"), Conf.class, "config");
        assertEquals(5, conf.a);
        assertEquals("c", conf.name);
        assertEquals(1, conf.inner.x);
        assertEquals(7, conf.inner.y);
        // the same through update (builders holding defaults)
        Conf target = new Conf();
        YamlConfig.update(target, c, List.of(), "config");
        assertEquals(2, target.a);
        assertEquals(1, target.inner.x);
    }

    @Test
    void aCycleAndAMissingBaseAreRefusedNamingTheFiles() throws IOException {
        write("x.yaml", "base: y.yaml\n");
        Path y = write("y.yaml", "base: x.yaml\n");
        ConfigException cycle = assertThrows(ConfigException.class,
                () -> YamlConfig.load(y, List.of(), Conf.class, "config"));
        assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());

        Path lonely = write("lonely.yaml", "base: nowhere.yaml\na: 1\n");
        ConfigException missing = assertThrows(ConfigException.class,
                () -> YamlConfig.load(lonely, List.of(), Conf.class, "config"));
        assertTrue(missing.getMessage().startsWith(lonely.toString()), missing.getMessage());
        assertTrue(missing.getMessage().contains("nowhere.yaml"), missing.getMessage());

        Path notText = write("bad.yaml", "base: [a, b]\n");
        assertThrows(ConfigException.class, () -> YamlConfig.load(notText, List.of(), Conf.class, "config"));
    }

    @Test
    void textWithoutAFileCannotNameABase() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> YamlConfig.parse("base: a.yaml\n", "stored config", List.of(), Conf.class, "config"));
        assertTrue(e.getMessage().contains("only allowed in a config file"), e.getMessage());
    }

    @Test
    void theShippedDownstreamRecipeIsTheSharedRecipeWithItsThreeLossKeys() {
        Path configs = Path.of("..", "configs");
        PretrainConfig shared = PretrainConfig.load(configs.resolve("pretrain-shared.yaml"), List.of());
        PretrainConfig downstream = PretrainConfig.load(configs.resolve("pretrain-shared-downstream.yaml"), List.of());
        assertEquals(0, downstream.loss.alpha);
        assertEquals("feature", downstream.loss.rgb);
        assertEquals(1, downstream.loss.colocated);
        // everything else is the shared recipe's: put the three keys back and the YAML is the same but for out
        PretrainConfig back = PretrainConfig.load(configs.resolve("pretrain-shared-downstream.yaml"),
                List.of("loss.alpha=" + shared.loss.alpha, "loss.rgb=" + shared.loss.rgb,
                        "loss.colocated=" + shared.loss.colocated, "out=" + shared.out));
        assertEquals(shared.toYaml(), back.toYaml());
    }
}
