package dev.preflight.flags;

import static dev.preflight.report.Visible.line;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Json;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import dev.preflight.report.Table;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The flags capability's renderers, one per verb result: validation, toggle, the flag x environment
 * matrix, the drift between two environments and a flag's toggle history. Just over 400 lines: five
 * renderers with text, Markdown and JSON each, kept beside each other so that they word things alike.
 */
public final class FlagsReport {
    private FlagsReport() {
    }

    /** {@code flags validate}: text, JSON, Markdown. */
    public static final Renderer<FlagsValidation> VALIDATION = new Renderer<>() {
        @Override
        public Set<Format> formats() {
            return EnumSet.of(Format.TEXT, Format.JSON, Format.MARKDOWN);
        }

        @Override
        public String text(FlagsValidation r, Style style) {
            return validationText(r, style);
        }

        @Override
        public String json(FlagsValidation r) {
            return Json.pretty(ValidationJson.of(r)) + "\n";
        }

        @Override
        public String other(FlagsValidation r, Format format) {
            return markdown(r);
        }
    };

    /** {@code flags toggle}: text and JSON. */
    public static final Renderer<FlagsToggle.Toggled> TOGGLE = new Renderer<>() {
        @Override
        public String text(FlagsToggle.Toggled t, Style style) {
            return toggleText(t, style);
        }

        @Override
        public String json(FlagsToggle.Toggled t) {
            return Json.pretty(ToggleJson.of(t)) + "\n";
        }
    };

    /** {@code flags list}: text, JSON, Markdown. */
    public static final Renderer<FlagsLists.Matrix> MATRIX = new Renderer<>() {
        @Override
        public Set<Format> formats() {
            return EnumSet.of(Format.TEXT, Format.JSON, Format.MARKDOWN);
        }

        @Override
        public String text(FlagsLists.Matrix m, Style style) {
            return matrix(m.plan(), m.environments(), Format.TEXT, style);
        }

        @Override
        public String json(FlagsLists.Matrix m) {
            return matrix(m.plan(), m.environments(), Format.JSON, Style.PLAIN);
        }

        @Override
        public String other(FlagsLists.Matrix m, Format format) {
            return matrix(m.plan(), m.environments(), format, Style.PLAIN);
        }
    };

    /** {@code flags diff}: text, JSON, Markdown. */
    public static final Renderer<FlagsLists.Drift> DRIFT = new Renderer<>() {
        @Override
        public Set<Format> formats() {
            return EnumSet.of(Format.TEXT, Format.JSON, Format.MARKDOWN);
        }

        @Override
        public String text(FlagsLists.Drift d, Style style) {
            return diff(d.plan(), d.a(), d.b(), Format.TEXT, style);
        }

        @Override
        public String json(FlagsLists.Drift d) {
            return diff(d.plan(), d.a(), d.b(), Format.JSON, Style.PLAIN);
        }

        @Override
        public String other(FlagsLists.Drift d, Format format) {
            return diff(d.plan(), d.a(), d.b(), format, Style.PLAIN);
        }
    };

    /** {@code flags history}: text and JSON (the result record). */
    public static final Renderer<FlagsLists.History> HISTORY = new Renderer<>() {
        @Override
        public String text(FlagsLists.History h, Style style) {
            return historyText(h);
        }

        @Override
        public String json(FlagsLists.History h) {
            return Renderer.super.json(h) + "\n";
        }
    };

    /** The JSON of a toggle: what happened, to which file, and its ledger entry. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ToggleJson(String result, String flag, String environment, String file, long ledgerSeq, List<String> problems) {
        static ToggleJson of(FlagsToggle.Toggled t) {
            FlagsToggle.ToggleResult r = t.result();
            return new ToggleJson(r instanceof FlagsToggle.ToggleResult.Changed ? "changed"
                    : r instanceof FlagsToggle.ToggleResult.Unchanged ? "unchanged" : "refused", t.request().flag(),
                    t.request().environment(), r.file(), r.entry().seq(), r instanceof FlagsToggle.ToggleResult.Refused ref
                            ? ref.problems().stream().map(FlagProblem::format).toList() : null);
        }
    }

    private static String toggleText(FlagsToggle.Toggled t, Style style) {
        FlagsToggle.ToggleResult r = t.result();
        String who = t.request().flag() + " in " + t.request().environment() + " (" + r.file() + ")";
        if (r instanceof FlagsToggle.ToggleResult.Changed c) {
            return style.ok("TOGGLED") + ": " + who + ": " + (c.on() ? "off -> on" : "on -> off")
                    + "; recorded as ledger entry #" + c.entry().seq() + "\n  sha256 " + c.shaBefore() + " -> "
                    + c.shaAfter() + "\n";
        }
        if (r instanceof FlagsToggle.ToggleResult.Unchanged u) {
            return "UNCHANGED: " + who + " is already " + (u.on() ? "on" : "off")
                    + "; file not rewritten; request recorded as ledger entry #" + u.entry().seq() + "\n";
        }
        StringBuilder sb = new StringBuilder();
        ((FlagsToggle.ToggleResult.Refused) r).problems().forEach(p -> sb.append(line(p.format())).append('\n'));
        return sb.append('\n').append(style.bad("REFUSED")).append(": ").append(r.file())
                .append(" fails validation; nothing changed (refusal recorded as ledger entry #")
                .append(r.entry().seq()).append(")\n").toString();
    }

    private static String validationText(FlagsValidation r, Style s) {
        StringBuilder sb = new StringBuilder();
        for (EnvSnapshot e : r.environments()) {
            long errs = e.problems().stream().filter(FlagProblem::isError).count();
            sb.append(String.format("%-12s %s  %s%n", e.environment(), e.display(),
                    errs == 0 ? s.ok("ok") : s.bad(errs + " error(s)")));
        }
        if (r.scannedDir() != null) {
            sb.append(String.format("%-12s %s  %d PHP file(s)%n", "source", r.scannedDir(), r.sourceFiles()));
        }
        sb.append('\n');
        for (FlagProblem p : r.problems()) {
            // A problem may quote a value read from a dotenv file: one line.
            String shown = line(p.format());
            sb.append(p.isError() ? s.bad(shown) : s.warn(shown)).append('\n');
        }
        if (!r.problems().isEmpty()) {
            sb.append('\n');
        }
        sb.append(r.errors() > 0 ? s.bad("FAILED") : s.ok("PASSED")).append(": ").append(r.summary()).append('\n');
        return sb.toString();
    }

    /**
     * The JSON of a validation: the result, every file read and every problem. Also the ledger
     * attachment, read back by {@link FlagsEvidence#validation}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ValidationJson(String result, String project, long errors, long warnings, int flags, List<FileJson> files,
                                 String sourceDir, int sourceFiles, List<ProblemJson> problems) {
        /** A validation that says nothing: no file, no problem (what an unreadable attachment reads as). */
        static final ValidationJson EMPTY = new ValidationJson(null, null, 0, 0, 0, List.of(), null, 0, List.of());

        public ValidationJson {
            files = files == null ? List.of() : files;
            problems = problems == null ? List.of() : problems;
        }

        static ValidationJson of(FlagsValidation r) {
            return new ValidationJson(r.errors() > 0 ? "failed" : "passed", r.project(), r.errors(), r.warnings(),
                    r.flags(), r.environments().stream().map(e -> new FileJson(e.environment(), e.display(), e.sha256(),
                            e.entry() == null ? null : e.entry().line(), e.booleans())).toList(),
                    r.scannedDir(), r.sourceFiles(), r.problems().stream().map(p -> new ProblemJson(p.severity().label(),
                            p.rule(), p.file(), p.line() > 0 ? p.line() : null, p.column() > 0 ? p.column() : null,
                            p.message())).toList());
        }
    }

    /** The JSON of {@code flags list}: one row per flag. */
    record MatrixJson(List<MatrixRow> flags) {
    }

    /** A flag's value and drift in every environment (null value: missing or not a boolean). */
    record MatrixRow(String flag, boolean registered, Map<String, Boolean> values, Map<String, Boolean> drift) {
    }

    /** The JSON of {@code flags diff}: the two environments and every flag whose value differs. */
    record DriftJson(String a, String b, List<DriftRow> differences) {
        /** @param differences rows of flag, value in {@code a}, value in {@code b} (from {@link #differences}) */
        static DriftJson of(String a, String b, List<List<String>> differences) {
            return new DriftJson(a, b, differences.stream().map(r -> {
                // Keyed by environment name, so a put: two names that are equal (or "flag") leave one key, as before.
                Map<String, String> values = new LinkedHashMap<>();
                values.put("flag", r.get(0));
                values.put(a, r.get(1));
                values.put(b, r.get(2));
                return new DriftRow(values);
            }).toList());
        }
    }

    /**
     * One difference: the flag, then its value in each environment under the environment's name. The
     * keys are data (environment names), so the row is a map written by {@link JsonAnyGetter}.
     */
    record DriftRow(@JsonIgnore Map<String, String> fields) {
        @JsonAnyGetter
        Map<String, String> json() {
            return fields;
        }
    }

    /** One environment's file in the validation JSON: the boolean flags it sets, by name in file order. */
    public record FileJson(String environment, String file, String sha256, Integer line, Map<String, Boolean> values) {
        public FileJson {
            values = values == null ? Map.of() : values;
        }
    }

    /** One problem in the validation JSON; line and column null when it has none. */
    public record ProblemJson(String severity, String rule, String file, Integer line, Integer column, String message) {
    }

    private static String markdown(FlagsValidation r) {
        StringBuilder sb = new StringBuilder("## Feature flags\n\n**Result: ")
                .append(r.errors() > 0 ? "FAILED" : "passed").append("** (").append(Markdown.text(r.summary()))
                .append(")\n\n| environment | file | result |\n| --- | --- | --- |\n");
        for (EnvSnapshot e : r.environments()) {
            long errs = e.problems().stream().filter(FlagProblem::isError).count();
            sb.append("| ").append(Markdown.cell(e.environment())).append(" | ").append(Markdown.cell(e.display()))
                    .append(" | ").append(errs == 0 ? "ok" : errs + " error(s)").append(" |\n");
        }
        if (!r.problems().isEmpty()) {
            sb.append("\n| severity | where | rule | problem |\n| --- | --- | --- | --- |\n");
            for (FlagProblem p : r.problems()) {
                sb.append("| ").append(p.severity().label()).append(" | ").append(Markdown.cell(p.location()))
                        .append(" | ").append(Markdown.cell(p.rule())).append(" | ").append(Markdown.cell(p.message()))
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    /** A cell of the matrix: the value, or why there is none. */
    static String cell(FlagsPlan plan, EnvSnapshot e, String flag) {
        if (e.values() == null) {
            return "?";
        }
        FlagValues.Field f = e.values().fields().get(flag);
        if (f == null) {
            return "-";
        }
        if (f.value() == null) {
            return "?";
        }
        String v = f.value() ? "on" : "off";
        boolean drift = plan.flag(flag).map(reg -> reg.defaultIn(e.environment()) != f.value()).orElse(true);
        return drift ? v + "*" : v;
    }

    /** Registered flags in plan order, then any flag a file sets that the registry does not know. */
    static List<String> rows(FlagsPlan plan, List<EnvSnapshot> envs) {
        Set<String> rows = new LinkedHashSet<>();
        plan.flags().forEach(f -> rows.add(f.name()));
        envs.forEach(e -> {
            if (e.values() != null) {
                rows.addAll(e.values().fields().keySet());
            }
        });
        return new ArrayList<>(rows);
    }

    /** The flag x environment matrix; {@code *} marks a value that differs from the registry's default. */
    static String matrix(FlagsPlan plan, List<EnvSnapshot> envs, Format f, Style s) {
        List<String> rows = rows(plan, envs);
        if (f == Format.JSON) {
            List<MatrixRow> out = new ArrayList<>();
            for (String flag : rows) {
                Map<String, Boolean> vals = new LinkedHashMap<>();
                Map<String, Boolean> drift = new LinkedHashMap<>();
                for (EnvSnapshot e : envs) {
                    String c = cell(plan, e, flag);
                    vals.put(e.environment(), c.startsWith("on") ? Boolean.TRUE : c.startsWith("off") ? Boolean.FALSE : null);
                    drift.put(e.environment(), c.endsWith("*"));
                }
                out.add(new MatrixRow(flag, plan.flag(flag).isPresent(), vals, drift));
            }
            return Json.pretty(new MatrixJson(out)) + "\n";
        }
        List<List<String>> table = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("flag"));
        envs.forEach(e -> head.add(e.environment()));
        head.addAll(List.of("type", "owner", "review by"));
        table.add(head);
        for (String flag : rows) {
            List<String> row = new ArrayList<>(List.of(flag));
            envs.forEach(e -> row.add(cell(plan, e, flag)));
            plan.flag(flag).ifPresentOrElse(reg -> row.addAll(List.of(reg.type().label(), reg.owner(),
                    reg.reviewBy().toString())), () -> row.addAll(List.of("UNREGISTERED", "", "")));
            table.add(row);
        }
        String legend = "* differs from the registry default; - missing; ? unreadable or not a boolean";
        if (f == Format.MARKDOWN) {
            StringBuilder sb = new StringBuilder("## Feature flags by environment\n\n");
            for (int i = 0; i < table.size(); i++) {
                sb.append('|');
                table.get(i).forEach(c -> sb.append(' ').append(Markdown.cell(c)).append(" |"));
                sb.append('\n');
                if (i == 0) {
                    sb.append('|').append(" --- |".repeat(head.size())).append('\n');
                }
            }
            return sb.append('\n').append(Markdown.text(legend)).append('\n').toString();
        }
        return columns(table, s) + "\n" + legend + "\n";
    }

    private static String columns(List<List<String>> table, Style s) {
        Table t = new Table().stripTrailing();
        table.forEach(row -> t.cells(row.stream().map(c -> new Table.Cell(c,
                c.endsWith("*") || c.equals("UNREGISTERED") ? s::warn : UnaryOperator.identity())).toList()));
        return t.render();
    }

    /** The flags whose value differs between two environments (differences only). */
    public static List<List<String>> differences(FlagsPlan plan, EnvSnapshot a, EnvSnapshot b) {
        List<List<String>> out = new ArrayList<>();
        for (String flag : rows(plan, List.of(a, b))) {
            String x = strip(cell(plan, a, flag));
            String y = strip(cell(plan, b, flag));
            if (!x.equals(y)) {
                out.add(List.of(flag, x, y));
            }
        }
        return out;
    }

    private static String strip(String c) {
        return c.endsWith("*") ? c.substring(0, c.length() - 1) : c;
    }

    static String diff(FlagsPlan plan, EnvSnapshot a, EnvSnapshot b, Format f, Style s) {
        List<List<String>> d = differences(plan, a, b);
        if (f == Format.JSON) {
            return Json.pretty(DriftJson.of(a.environment(), b.environment(), d)) + "\n";
        }
        if (d.isEmpty()) {
            return "no drift: " + a.environment() + " and " + b.environment() + " set every flag alike\n";
        }
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("flag", a.environment(), b.environment()));
        table.addAll(d);
        if (f == Format.MARKDOWN) {
            StringBuilder sb = new StringBuilder("## Flag drift: " + Markdown.text(a.environment()) + " vs "
                    + Markdown.text(b.environment()) + "\n\n");
            for (int i = 0; i < table.size(); i++) {
                sb.append('|');
                table.get(i).forEach(c -> sb.append(' ').append(Markdown.cell(c)).append(" |"));
                sb.append('\n');
                if (i == 0) {
                    sb.append("| --- | --- | --- |\n");
                }
            }
            return sb.toString();
        }
        return columns(table, s) + "\n" + d.size() + " flag(s) differ between " + a.environment() + " and "
                + b.environment() + "\n";
    }

    private static String historyText(FlagsLists.History h) {
        if (h.toggles().isEmpty()) {
            return "no toggles of '" + h.flag() + "' recorded in the ledger\n";
        }
        StringBuilder sb = new StringBuilder();
        for (FlagsLists.History.Toggle t : h.toggles()) {
            sb.append('#').append(t.seq()).append("  ").append(t.time()).append("  ").append(t.actor())
                    .append("  ").append(t.environment()).append("  ")
                    .append(FlagsToggle.onOff(t.old())).append(" -> ")
                    .append(FlagsToggle.onOff(t.on())).append("  ")
                    .append(t.outcome().toUpperCase(Locale.ROOT))
                    .append("  reason: ").append(line(t.reason()));
            if (t.approvedBy() != null) {
                sb.append("  approved by: ").append(line(t.approvedBy()));
            }
            sb.append('\n');
        }
        return sb.append(h.toggles().size()).append(" toggle(s) of '").append(h.flag()).append("'\n").toString();
    }
}
