package io.angler.core.offer;

import com.ezylang.evalex.EvaluationException;
import com.ezylang.evalex.Expression;
import com.ezylang.evalex.config.ExpressionConfiguration;
import com.ezylang.evalex.config.MapBasedFunctionDictionary;
import com.ezylang.evalex.config.MapBasedOperatorDictionary;
import com.ezylang.evalex.data.EvaluationValue;
import com.ezylang.evalex.functions.basic.AbsFunction;
import com.ezylang.evalex.functions.basic.MaxFunction;
import com.ezylang.evalex.functions.basic.MinFunction;
import com.ezylang.evalex.operators.arithmetic.InfixDivisionOperator;
import com.ezylang.evalex.operators.arithmetic.InfixMinusOperator;
import com.ezylang.evalex.operators.arithmetic.InfixMultiplicationOperator;
import com.ezylang.evalex.operators.arithmetic.InfixPlusOperator;
import com.ezylang.evalex.operators.arithmetic.PrefixMinusOperator;
import com.ezylang.evalex.operators.arithmetic.PrefixPlusOperator;
import com.ezylang.evalex.parser.ParseException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A provider's secret price function f(q, r): the price per unit-hour, in integer micro-units,
 * given the offer's quantity q and the units remaining r. For example {@code (2*(q-r))+20} raises
 * the price as the offer fills up.
 *
 * <p>Formulas are restricted to arithmetic: numbers, {@code q}, {@code r}, {@code + - * /},
 * parentheses and {@code min}, {@code max}, {@code abs}. Anything else is rejected when the formula
 * is parsed, before it is ever evaluated, because the formula comes from configuration files and
 * custom resources that we do not trust.
 */
public final class PriceFunction {
    public static final int MAX_LENGTH = 256;
    private static final Set<String> NAMES = Set.of("q", "r", "min", "max", "abs");

    private static final ExpressionConfiguration CONFIG = ExpressionConfiguration.builder()
            .operatorDictionary(MapBasedOperatorDictionary.ofOperators(
                    Map.entry("+", new InfixPlusOperator()),
                    Map.entry("-", new InfixMinusOperator()),
                    Map.entry("*", new InfixMultiplicationOperator()),
                    Map.entry("/", new InfixDivisionOperator())))
            .functionDictionary(MapBasedFunctionDictionary.ofFunctions(
                    Map.entry("MIN", new MinFunction()),
                    Map.entry("MAX", new MaxFunction()),
                    Map.entry("ABS", new AbsFunction())))
            .defaultConstants(Map.of())
            .arraysAllowed(false)
            .structuresAllowed(false)
            .implicitMultiplicationAllowed(false)
            .singleQuoteStringLiteralsAllowed(false)
            .mathContext(MathContext.DECIMAL128)
            .maxRecursionDepth(64)
            .build();

    static {
        // The prefix operators are registered separately: EvalEx keys prefix and infix operators apart.
        CONFIG.getOperatorDictionary().addOperator("-", new PrefixMinusOperator());
        CONFIG.getOperatorDictionary().addOperator("+", new PrefixPlusOperator());
    }

    private final String formula;

    private PriceFunction(String formula) {
        this.formula = formula;
    }

    /**
     * Parses and checks a formula.
     *
     * @throws IllegalArgumentException naming what is wrong: length, an unknown name or character,
     *     or a syntax error
     */
    public static PriceFunction parse(String formula) {
        if (formula == null || formula.isBlank()) {
            throw new IllegalArgumentException("price function: is empty (example: (2*(q-r))+20)");
        }
        String f = formula.strip();
        if (f.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("price function: is " + f.length() + " characters long, at most "
                    + MAX_LENGTH + " are allowed");
        }
        checkLexically(f);
        try {
            new Expression(f, CONFIG).validate();
        } catch (ParseException e) {
            throw new IllegalArgumentException("price function: '" + f + "' is not a valid formula: " + e.getMessage());
        }
        PriceFunction fn = new PriceFunction(f);
        fn.evaluateRaw(BigDecimal.ONE, BigDecimal.ONE, false); // catches arity errors such as min(q)
        return fn;
    }

    /** Whitelists characters and names before EvalEx sees the text. */
    private static void checkLexically(String f) {
        int i = 0;
        while (i < f.length()) {
            char c = f.charAt(i);
            if (Character.isLetter(c)) {
                int start = i;
                while (i < f.length() && Character.isLetterOrDigit(f.charAt(i))) {
                    i++;
                }
                String name = f.substring(start, i).toLowerCase(Locale.ROOT);
                if (!NAMES.contains(name)) {
                    throw new IllegalArgumentException("price function: unknown name '" + f.substring(start, i)
                            + "' (allowed: q, r, min, max, abs)");
                }
                continue;
            }
            if (!(Character.isDigit(c) || c == '.' || c == ' ' || "+-*/(),".indexOf(c) >= 0)) {
                throw new IllegalArgumentException("price function: character '" + c + "' at position " + (i + 1)
                        + " is not allowed (only numbers, q, r, + - * /, parentheses, min, max, abs)");
            }
            i++;
        }
    }

    /**
     * Evaluates the price for quantity q and remaining units r.
     *
     * @return integer micro-units per unit-hour, rounded half-up
     * @throws IllegalArgumentException on division by zero, a negative result or a result that does
     *     not fit in 63 bits
     */
    public long evaluate(long q, long r) {
        BigDecimal value = evaluateRaw(BigDecimal.valueOf(q), BigDecimal.valueOf(r), true);
        if (value.signum() < 0) {
            throw new IllegalArgumentException("price function: '" + formula + "' is negative for q=" + q
                    + ", r=" + r);
        }
        BigDecimal rounded = value.setScale(0, RoundingMode.HALF_UP);
        if (rounded.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("price function: '" + formula + "' is too large for q=" + q
                    + ", r=" + r);
        }
        return rounded.longValueExact();
    }

    private BigDecimal evaluateRaw(BigDecimal q, BigDecimal r, boolean reportArithmetic) {
        try {
            EvaluationValue v = new Expression(formula, CONFIG).with("q", q).and("r", r).evaluate();
            if (!v.isNumberValue()) {
                throw new IllegalArgumentException("price function: '" + formula + "' does not give a number");
            }
            return v.getNumberValue();
        } catch (EvaluationException e) {
            if (!reportArithmetic && e.getMessage() != null && e.getMessage().contains("Division by zero")) {
                return BigDecimal.ZERO; // only the probe evaluation; real evaluations report it
            }
            throw new IllegalArgumentException("price function: '" + formula + "' cannot be evaluated for q=" + q
                    + ", r=" + r + ": " + e.getMessage());
        } catch (ParseException e) {
            throw new IllegalArgumentException("price function: '" + formula + "' is not a valid formula: "
                    + e.getMessage());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("price function: '" + formula + "' cannot be evaluated for q=" + q
                    + ", r=" + r + ": " + e.getMessage());
        }
    }

    public String formula() {
        return formula;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PriceFunction p && p.formula.equals(formula);
    }

    @Override
    public int hashCode() {
        return formula.hashCode();
    }

    @Override
    public String toString() {
        return formula;
    }
}
