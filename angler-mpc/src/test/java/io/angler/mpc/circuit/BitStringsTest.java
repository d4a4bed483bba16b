package io.angler.mpc.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BitStringsTest {
    @Test
    void inputStringsAreInWireOrder() {
        Circuit adder = BristolReader.parse(BristolTest.ADDER2, "adder2");
        // 1 + 2 = 3: a = 1 is "10" (wire 0 = 1, wire 1 = 0), b = 2 is "01"
        boolean[] a = BitStrings.parseInput(adder, 0, "10", "party 1's input");
        boolean[] b = BitStrings.parseInput(adder, 1, "01", "party 2's input");
        assertThat(BitStrings.outputValues(adder, adder.evaluate(new boolean[][] {a, b}))).containsExactly("11");
        assertThat(BitStrings.ofValue(6, 4)).isEqualTo("0110");
        assertThat(BitStrings.toValue("0110")).isEqualTo(6);
        assertThat(BitStrings.format(new boolean[] {true, false, false})).isEqualTo("100");
    }

    @Test
    void rejectsBadBitStrings() {
        Circuit adder = BristolReader.parse(BristolTest.ADDER2, "adder2");
        assertThatThrownBy(() -> BitStrings.parse("01x1", "party 2's input"))
                .hasMessage("party 2's input: character 3 is 'x', but bits are written as 0 and 1 only");
        assertThatThrownBy(() -> BitStrings.parseInput(adder, 0, "101", "party 1's input"))
                .hasMessage("party 1's input: has 3 bits but the circuit expects 2");
        assertThatThrownBy(() -> BitStrings.outputValues(adder, new boolean[3]))
                .hasMessageContaining("got 3 bits, the circuit has 2");
        assertThatThrownBy(() -> BitStrings.toValue("0".repeat(65))).hasMessageContaining("does not fit");
    }
}
