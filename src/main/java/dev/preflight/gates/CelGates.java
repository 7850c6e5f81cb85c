package dev.preflight.gates;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.preflight.report.Durations;
import dev.preflight.run.Freshness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Custom gates written in CEL (the Common Expression Language, {@code dev.cel:cel}) over the
 * evidence in the ledger. An expression sees:
 * <ul>
 *   <li>{@code audit.latest("production")} and {@code backups.latest("academy-db")}: a map
 *       {@code {found, passed, age, time, seq}} for the newest entry of that environment / backup
 *       source (or source type); when there is none, {@code found} and {@code passed} are false and
 *       {@code age} is 100 years, so freshness checks fail (so it is for an entry dated more than
 *       {@link Freshness#CLOCK_TOLERANCE} in the future of the clock: its age cannot be judged);</li>
 *   <li>{@code window.start}, {@code window.end} (timestamps), {@code window.environment},
 *       {@code window.ticket}; and {@code now} (the command's clock).</li>
 * </ul>
 * The expression must be a bool. It is compiled when the plan loads, so a malformed one is a plan
 * error with its position. Thread-safe: the compiler and the checked trees are immutable.
 */
public final class CelGates {
    /** What {@code latest} returns when the ledger has nothing: old enough to fail every age check. */
    public static final Duration NO_EVIDENCE_AGE = Duration.ofDays(36_500);

    private static final CelOptions OPTIONS = CelOptions.current().build();
    private static final MapType SOURCE = MapType.create(SimpleType.STRING, SimpleType.DYN);
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .addVar("audit", SOURCE)
            .addVar("backups", SOURCE)
            .addVar("window", SOURCE)
            .addVar("now", SimpleType.TIMESTAMP)
            .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("latest",
                    CelOverloadDecl.newMemberOverload("evidence_latest_string", SOURCE, SOURCE, SimpleType.STRING)))
            .setResultType(SimpleType.BOOL)
            .build();

    private CelGates() {
    }

    /** A type-checked expression, ready to evaluate. */
    public record Compiled(String expr, CelAbstractSyntaxTree ast) {
        @Override
        public String toString() {
            return expr;
        }
    }

    /** A compile error: message and 1-based line and column inside the expression. */
    public record CompileError(int line, int column, String message) {
    }

    /** Thrown by {@link #compile(String)} for an expression that does not parse or type-check. */
    public static final class CompileException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient CompileError error;

        CompileException(CompileError error) {
            super(error.message());
            this.error = error;
        }

        public CompileError error() {
            return error;
        }
    }

    /** Answers {@code audit.latest(name)} / {@code backups.latest(name)} from the evidence. */
    public interface EvidenceSource {
        /** The newest entry of {@code source} ({@code audit} or {@code backups}) for {@code name}, or null. */
        Latest latest(String source, String name);
    }

    /**
     * One piece of evidence as CEL sees it. {@code outdated} says why an entry that passed does not
     * count as passed (it does not cover the plan as it is now), or is null; it is shown, not given to CEL.
     */
    public record Latest(boolean passed, Instant time, long seq, String outdated) {
        /** Evidence judged by its outcome alone. */
        public Latest(boolean passed, Instant time, long seq) {
            this(passed, time, seq, null);
        }
    }

    /**
     * Parses and type-checks a gate; the expression must evaluate to a bool and read something (the
     * evidence, the window or the clock): a constant one has the same value whatever happens.
     */
    public static Compiled compile(String expr) throws CompileException {
        Compiled c = check(expr);
        // Only identifiers (audit, backups, window, now) carry a name without overloads; functions carry overloads.
        boolean reads = c.ast().getReferenceMap().values().stream()
                .anyMatch(r -> r.overloadIds().isEmpty() && !r.name().isEmpty());
        if (!reads) {
            throw new CompileException(new CompileError(1, 1, "the expression reads nothing (no audit, backups, "
                    + "window or now): it has the same value whatever happens, so it checks nothing"));
        }
        return c;
    }

    /** Parses and type-checks; the expression must evaluate to a bool (a term of a gate may be constant). */
    private static Compiled check(String expr) throws CompileException {
        try {
            return new Compiled(expr, COMPILER.compile(expr).getAst());
        } catch (CelValidationException e) {
            CelIssue first = e.getErrors().isEmpty() ? null : e.getErrors().get(0);
            if (first == null) {
                throw new CompileException(new CompileError(1, 1, e.getMessage()));
            }
            var loc = first.getSourceLocation();
            // CEL reports 1-based lines and 0-based columns; we show both 1-based.
            int line = Math.max(1, loc.getLine());
            int col = Math.max(0, loc.getColumn()) + 1;
            throw new CompileException(new CompileError(line, col, first.getMessage()));
        }
    }

    private static Map<String, Object> absent() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("found", false);
        m.put("passed", false);
        m.put("age", NO_EVIDENCE_AGE);
        m.put("time", Instant.EPOCH);
        m.put("seq", 0L);
        return m;
    }

    /** The result of evaluating one gate: its value, or the evaluation error. */
    public record Evaluation(boolean value, String error) {
    }

    /**
     * Evaluates a compiled gate against the evidence, the window and the time now. The program is
     * made per evaluation so that {@code latest} is bound to this evidence and nothing else.
     */
    public static Evaluation evaluate(Compiled c, EvidenceSource evidence, ChangeWindow window, Instant now) {
        return evaluate(c, evidence, window, now, new LinkedHashMap<>());
    }

    /**
     * Why a gate is false, in terms a reader can act on: each top-level {@code &&} term that is
     * false on its own, with the evidence it looked at ({@code backups.latest("db"): passed, 30h old,
     * ledger #12}, or that there is none). Empty when the expression has no such term to blame.
     */
    public static List<String> falseTerms(Compiled c, EvidenceSource evidence, ChangeWindow window,
                                                    Instant now) {
        List<String> out = new ArrayList<>();
        List<String> terms = conjuncts(c.expr());
        for (String term : terms) {
            Compiled t;
            try {
                t = check(term);
            } catch (CompileException e) {
                return List.of();
            }
            Map<String, Map<String, Object>> seen = new LinkedHashMap<>();
            Evaluation ev = evaluate(t, evidence, window, now, seen);
            if (ev.error() == null && !ev.value()) {
                StringBuilder b = new StringBuilder(terms.size() > 1 ? "false: " : "").append(term.strip());
                seen.forEach((call, m) -> b.append("; ").append(call).append(": ").append(describe(m)));
                out.add(b.toString());
            }
        }
        return out;
    }

    /** The expression's top-level {@code &&} terms (outside parentheses, brackets and strings). */
    static List<String> conjuncts(String expr) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < expr.length(); i++) {
            char ch = expr.charAt(i);
            if (quote != 0) {
                if (ch == '\\') {
                    i++;
                } else if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
            } else if (ch == '(' || ch == '[' || ch == '{') {
                depth++;
            } else if (ch == ')' || ch == ']' || ch == '}') {
                depth--;
            } else if (depth == 0 && expr.startsWith("&&", i)) {
                out.add(expr.substring(start, i));
                start = i + 2;
                i++;
            }
        }
        out.add(expr.substring(start));
        return out;
    }

    private static String describe(Map<String, Object> m) {
        if (!Boolean.TRUE.equals(m.get("found"))) {
            return "no such evidence in the ledger";
        }
        Duration age = (Duration) m.get("age");
        if (m.get(OUTDATED) != null) {
            return "passed, but " + m.get(OUTDATED) + ", " + Durations.roughAge(age) + " old (ledger #" + m.get("seq") + ")";
        }
        return (Boolean.TRUE.equals(m.get("passed")) ? "passed" : "failed") + ", " + Durations.roughAge(age) + " old (ledger #"
                + m.get("seq") + ")";
    }

    private static Evaluation evaluate(Compiled c, EvidenceSource evidence, ChangeWindow window, Instant now,
                                       Map<String, Map<String, Object>> seen) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("audit", Map.of("source", "audit"));
        vars.put("backups", Map.of("source", "backups"));
        Map<String, Object> w = new LinkedHashMap<>();
        if (window != null) {
            w.put("start", window.start());
            w.put("end", window.end());
            w.put("environment", window.environment());
            w.put("ticket", window.ticket() == null ? "" : window.ticket());
        }
        vars.put("window", w);
        vars.put("now", now);
        try {
            CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS)
                    .addFunctionBindings(CelFunctionBinding.from("evidence_latest_string", Map.class, String.class,
                            (source, name) -> {
                                Latest l = evidence.latest(String.valueOf(source.get("source")), name);
                                Map<String, Object> m = latest(l, now);
                                Map<String, Object> shown = new LinkedHashMap<>(m);
                                if (l != null && l.outdated() != null) {
                                    shown.put(OUTDATED, l.outdated());
                                }
                                seen.put(source.get("source") + ".latest(\"" + name + "\")", shown);
                                return m;
                            }))
                    .build();
            Object v = runtime.createProgram(c.ast()).eval(vars);
            return v instanceof Boolean b ? new Evaluation(b, null) : new Evaluation(false, "did not give a bool: " + v);
        } catch (CelEvaluationException e) {
            return new Evaluation(false, e.getMessage());
        }
    }

    /** The key under which {@link #falseTerms} keep why a passed entry does not count (never seen by CEL). */
    private static final String OUTDATED = "\u0000outdated";

    private static Map<String, Object> latest(Latest l, Instant now) {
        if (l == null) {
            return absent();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("found", true);
        m.put("passed", l.passed());
        // Dated beyond the tolerance in the future (a clock running ahead), its age cannot be judged:
        // as old as no evidence, so no freshness check passes on a negative age.
        m.put("age", Freshness.future(l.time(), now) != null ? NO_EVIDENCE_AGE : Duration.between(l.time(), now));
        m.put("time", l.time());
        m.put("seq", l.seq());
        return m;
    }
}
