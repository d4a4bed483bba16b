package io.angler.core.offer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceFunctionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "(2*(q-r))+20|10|10|20",
        "(2*(q-r))+20|10|3|34",
        "100|5|5|100",
        "q/3|10|0|3",        // 3.33 rounds down
        "q/4|10|0|3",        // 2.5 rounds half up
        "min(q, r) + max(1, 2)|7|4|6",
        "abs(r - q) * 1.5|4|1|5", // 4.5 rounds up
        "-(-5)|1|1|5",
        "MAX(q,r)|3|9|9",
        "  +7  |1|1|7",
    })
    void evaluatesArithmetic(String formula, long q, long r, long expected) {
        assertThat(PriceFunction.parse(formula).evaluate(q, r)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty",
        "x + 1|unknown name 'x'",
        "sqrt(q)|unknown name 'sqrt'",
        "PI * q|unknown name 'PI'",
        "q ^ 2|character '^'",
        "q % 2|character '%'",
        "\"a\"|character '\"'",
        "q[0]|character '['",
        "q == r|character '='",
        "(q + 1|not a valid formula",
        "q + |not a valid formula",
        "abs(q, r)|not a valid formula",
        "1e5|unknown name 'e5'",
    })
    void rejectsAnythingButArithmetic(String formula, String message) {
        assertThatThrownBy(() -> PriceFunction.parse(formula))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("price function").hasMessageContaining(message);
    }

    @Test
    void capsLength() {
        assertThatThrownBy(() -> PriceFunction.parse("1+".repeat(200) + "1")).hasMessageContaining("at most 256");
    }

    @Test
    void reportsDivisionByZeroAndNegativeResultsAtEvaluation() {
        PriceFunction f = PriceFunction.parse("100 / (q - r)");
        assertThat(f.evaluate(10, 5)).isEqualTo(20);
        assertThatThrownBy(() -> f.evaluate(10, 10)).hasMessageContaining("q=10, r=10").hasMessageContaining("ivision by zero");
        assertThatThrownBy(() -> PriceFunction.parse("r - q").evaluate(10, 2)).hasMessageContaining("negative");
        assertThatThrownBy(() -> PriceFunction.parse("q*q*q*q*q*q*q*q").evaluate(1_000_000, 0))
                .hasMessageContaining("too large");
    }
}
