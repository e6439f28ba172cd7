package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.cli.report.TestRuns;
import picocli.CommandLine;

class ReportCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheReportOfARunFolder() throws Exception {
        Path run = TestRuns.demo(dir.resolve("run"));
        int code = new CommandLine(new ReportCommand()).execute(run.toString());
        assertEquals(0, code);
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<h2>Verdicts</h2>") && html.contains("<h2>Figures</h2>"));
    }

    @Test
    void aMissingFolderIsAnError() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ReportCommand()).setErr(new PrintWriter(err));
        int code = cl.execute(dir.resolve("no-such-run").toString());
        assertNotEquals(0, code);
        assertTrue(err.toString().contains("is not a folder"), err.toString());
        assertNotEquals(0, new CommandLine(new ReportCommand()).setErr(new PrintWriter(new StringWriter())).execute());
    }
}
