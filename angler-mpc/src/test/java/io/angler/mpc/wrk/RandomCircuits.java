package io.angler.mpc.wrk;

import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.CircuitBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random circuits and inputs for tests: every gate type, outputs anywhere, inputs for some parties only. */
final class RandomCircuits {
    private RandomCircuits() {
    }

    static Circuit random(Random rnd, int inputParties, int gates) {
        CircuitBuilder b = new CircuitBuilder(inputParties);
        List<Integer> wires = new ArrayList<>();
        for (int p = 0; p < inputParties; p++) {
            for (int w : b.input(p, 1 + rnd.nextInt(6))) {
                wires.add(w);
            }
        }
        for (int i = 0; i < gates; i++) {
            int x = wires.get(rnd.nextInt(wires.size()));
            int y = wires.get(rnd.nextInt(wires.size()));
            int r = switch (rnd.nextInt(5)) {
                case 0, 1 -> b.and(x, y);
                case 2, 3 -> b.xor(x, y);
                default -> b.not(x);
            };
            if (!CircuitBuilder.isConstant(r)) {
                wires.add(r);
            }
        }
        int outs = 1 + rnd.nextInt(8);
        for (int i = 0; i < outs; i++) {
            b.output(wires.get(wires.size() - 1 - rnd.nextInt(Math.min(wires.size(), 12))));
        }
        return b.build();
    }

    static boolean[][] randomInputs(Circuit c, Random rnd) {
        boolean[][] in = new boolean[c.parties()][];
        for (int p = 0; p < c.parties(); p++) {
            in[p] = new boolean[c.inputBits(p)];
            for (int i = 0; i < in[p].length; i++) {
                in[p][i] = rnd.nextBoolean();
            }
        }
        return in;
    }
}
