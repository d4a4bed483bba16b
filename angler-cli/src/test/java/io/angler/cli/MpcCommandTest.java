package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.mpc.circuit.BitStrings;
import io.angler.mpc.circuit.BristolWriter;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.StandardCircuits;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MpcCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Angler.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path write(Circuit c, boolean classic) throws Exception {
        Path f = dir.resolve(classic ? "c.txt" : "f.txt");
        Files.writeString(f, classic ? BristolWriter.toClassic(c) : BristolWriter.toFashion(c));
        return f;
    }

    @Test
    void evaluatesAnAdderLikeThePlaintextEvaluation() throws Exception {
        Circuit c = StandardCircuits.adder(8);
        Path f = write(c, false);
        String a = "10110010";
        String b = "01110111";
        Run r = run("mpc", "eval", "--circuit", f.toString(), "--parties", "3", "--input", "1=" + a, "--input", "2=" + b,
                "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        boolean[] expected = c.evaluate(new boolean[][] {BitStrings.parse(a, "a"), BitStrings.parse(b, "b")});
        List<String> values = BitStrings.outputValues(c, expected);
        assertThat(root.get("outputs")).hasSize(values.size());
        for (int i = 0; i < values.size(); i++) {
            assertThat(root.get("outputs").get(i).asText()).isEqualTo(values.get(i));
        }
    }

    @Test
    void classicBristolAndPlainOutput() throws Exception {
        Circuit c = StandardCircuits.lessThan(4);
        Path f = write(c, true);
        Run r = run("mpc", "eval", "--circuit", f.toString(), "--parties", "2", "--input", "1=1000", "--input", "2=0100");
        assertThat(r.exit()).as(r.err()).isZero();
        boolean[] expected = c.evaluate(new boolean[][] {BitStrings.parse("1000", "a"), BitStrings.parse("0100", "b")});
        assertThat(r.out().trim()).isEqualTo(String.join(System.lineSeparator(), BitStrings.outputValues(c, expected)));
    }

    @Test
    void badInputsAreNamed() throws Exception {
        Path f = write(StandardCircuits.adder(4), false);
        String file = f.toString();
        assertThat(run("mpc", "eval", "--circuit", file, "--parties", "2", "--input", "1=0000").err())
                .contains("party 2 has no --input").contains("4 bits");
        assertThat(run("mpc", "eval", "--circuit", file, "--parties", "2", "--input", "1=000", "--input", "2=0000").err())
                .contains("party 1").contains("3 bits").contains("expects 4");
        assertThat(run("mpc", "eval", "--circuit", file, "--parties", "2", "--input", "1=00x0", "--input", "2=0000").err())
                .contains("party 1").contains("'x'");
        assertThat(run("mpc", "eval", "--circuit", file, "--parties", "2", "--input", "3=0000").err())
                .contains("party 3 is outside 1..2");
        assertThat(run("mpc", "eval", "--circuit", file, "--parties", "2", "--input", "1=0000", "--input", "1=0000").err())
                .contains("party 1 is given twice");
        assertThat(run("mpc", "eval", "--circuit", file, "--parties", "1", "--input", "1=0000").err())
                .contains("--parties 1");
        assertThat(run("mpc", "eval", "--circuit", dir.resolve("none.txt").toString(), "--parties", "2").err())
                .contains("no such file");
        Run r = run("mpc", "eval", "--circuit", file, "--parties", "2", "--input", "1=0000", "--input", "2=0000",
                "--input", "x=1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("'x' is not a number");
    }

    @Test
    void malformedCircuitIsAnErrorNamingTheLine() throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.writeString(f, "1 3\n2 1 1\n1 1\n2 1 0 7 2 AND\n");
        Run r = run("mpc", "eval", "--circuit", f.toString(), "--parties", "2", "--input", "1=0", "--input", "2=1");
        assertThat(r.exit()).isEqualTo(Angler.EXIT_FAILURE);
        assertThat(r.err()).contains("line");
    }
}
