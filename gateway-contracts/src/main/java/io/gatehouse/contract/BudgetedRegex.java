package io.gatehouse.contract;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regular expressions of {@code pattern} keywords, on {@link java.util.regex} with a budget:
 * a backtracking engine can take exponential time on a hostile value (an expression like
 * {@code ^(a+)+$} against {@code aaaa...!}), and the value comes from the client. Each match may
 * read at most {@link #MAX_STEPS} characters (every backtrack reads again); past that it counts as
 * not matching, so the request is refused with a pattern violation instead of holding a thread.
 * The expressions themselves come from the operator's spec and compile at build.
 */
final class BudgetedRegex implements RegularExpressionFactory {
  /** The most character reads one match may make: about a millisecond. */
  static final long MAX_STEPS = 1_000_000;

  static final BudgetedRegex INSTANCE = new BudgetedRegex();

  private BudgetedRegex() {}

  @Override
  public RegularExpression getRegularExpression(String regex) {
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("pattern: '" + regex + "' (expected: a regular expression: " + e.getDescription() + ")", e);
    }
    return value -> matches(pattern, value);
  }

  static boolean matches(Pattern pattern, String value) {
    try {
      return pattern.matcher(new Budgeted(value)).find();
    } catch (OverBudget e) {
      return false;
    }
  }

  /** A value that counts its reads and gives up past the budget. */
  private static final class Budgeted implements CharSequence {
    private final String value;
    private long steps;

    Budgeted(String value) {
      this.value = value;
    }

    @Override
    public int length() {
      return value.length();
    }

    @Override
    public char charAt(int index) {
      if (++steps > MAX_STEPS) {
        throw OverBudget.INSTANCE;
      }
      return value.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return value.subSequence(start, end);
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** Thrown to end a match; no stack trace, it is not an error. */
  private static final class OverBudget extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final OverBudget INSTANCE = new OverBudget();

    private OverBudget() {
      super("over budget", null, false, false);
    }
  }
}
