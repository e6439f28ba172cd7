package org.univ.spark.collective;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * XGBoost's tracker on a machine without a default route (SCALE-OUT.md: "Network is unreachable"): run in a
 * fresh network namespace that has only loopback (needs unshare, i.e. root; skipped otherwise). Without a route
 * the tracker fails with our explanation; with the route the message suggests it works, over loopback only.
 */
class TrackerWithoutDefaultRouteTest {
    /** Run in the namespace: a tracker on 127.0.0.1 and two workers summing 1 + 2. */
    public static void main(String[] args) throws Exception {
        try (Tracker t = Tracker.start("127.0.0.1", 2, 30)) {
            Map<String, Object> trackerArgs = t.workerArgs();
            float[] sums = new float[2];
            Thread[] workers = new Thread[2];
            for (int r = 0; r < 2; r++) {
                int rank = r;
                workers[r] = new Thread(() -> {
                    try (Collective c = Collective.join(trackerArgs, rank, 30)) {
                        ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putFloat(0, rank + 1);
                        c.allReduceSum(b, 1);
                        sums[rank] = b.getFloat(0);
                    }
                });
                workers[r].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            System.out.println("SUMS " + sums[0] + " " + sums[1]);
        } catch (CollectiveException e) {
            System.out.println("FAILED " + e.getMessage());
        }
    }

    private static String inNamespace(String setup) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "ip link set lo up && " + setup + " exec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' " + TrackerWithoutDefaultRouteTest.class.getName();
        Process p = new ProcessBuilder("unshare", "-n", "sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + out);
        return out;
    }

    @Test
    void withoutARouteTheTrackerSaysWhichRouteToAddAndWithItWorksOverLoopback() throws Exception {
        Process probe;
        try {
            probe = new ProcessBuilder("unshare", "-n", "true").start();
        } catch (IOException e) {
            probe = null;
        }
        assumeTrue(probe != null && probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "skipped: needs `unshare -n` (root) to make a network namespace without a default route");

        String without = inNamespace("");
        assertTrue(without.contains("FAILED XGBoost's tracker could not start on 127.0.0.1")
                && without.contains("ip route add 10.255.255.255/32 dev lo") && without.contains("Network is unreachable"),
                without);
        String with = inNamespace("ip route add 10.255.255.255/32 dev lo &&");
        assertTrue(with.contains("SUMS 3.0 3.0"), with);
        for (String line : List.of(without, with)) {
            assertTrue(!line.contains("Exception in thread"), line);
        }
    }
}
