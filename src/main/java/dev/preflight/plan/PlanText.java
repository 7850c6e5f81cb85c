package dev.preflight.plan;

import dev.preflight.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan file's bytes made text, with every limit checked before the YAML parser sees it: a
 * regular file of at most {@link PlanLoader#MAX_PLAN_BYTES}, strict UTF-8 (a bad byte is reported
 * at its own line and column), no NUL or other control characters, no line longer than
 * {@link PlanLoader#MAX_LINE_CHARS} (the YAML scanner's time grows with the square of a line's
 * length). Each problem names the limit.
 */
final class PlanText {
    private PlanText() {
    }

    /** Reads the file, or throws a {@link PlanException} saying why it cannot be a plan. */
    static byte[] read(Path file) {
        String name = file.toString();
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw single(name, "cannot read the plan file: " + Errors.describe(e), "check the path and permissions");
        }
        if (a.isDirectory()) {
            throw single(name, "this is a directory, not a plan file", "give the plan file itself, e.g. "
                    + file.resolve("preflight.yaml"));
        }
        if (!a.isRegularFile()) {
            throw single(name, "not a regular file (a device, FIFO or socket)", "give the plan file itself");
        }
        if (a.size() > PlanLoader.MAX_PLAN_BYTES) {
            throw single(name, "the plan is " + a.size() + " bytes; the limit is " + PlanLoader.MAX_PLAN_BYTES
                    + " bytes", "a plan is a few kilobytes of YAML; is this the right file?");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(PlanLoader.MAX_PLAN_BYTES + 1);
        } catch (IOException e) {
            throw single(name, "cannot read the plan file: " + Errors.describe(e), "check the path and permissions");
        }
        if (bytes.length > PlanLoader.MAX_PLAN_BYTES) {
            throw single(name, "the plan is larger than the limit of " + PlanLoader.MAX_PLAN_BYTES + " bytes",
                    "a plan is a few kilobytes of YAML; is this the right file?");
        }
        return bytes;
    }

    /** Decodes strict UTF-8; the first bad byte is a problem at its own line and column. */
    static String decode(String name, byte[] bytes) {
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
                || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            throw single(name, "the plan is UTF-16 text", "save it as UTF-8");
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) {
            r = d.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            String before = new String(bytes, 0, at, StandardCharsets.UTF_8);
            int[] lc = lineCol(before, before.length());
            throw new PlanException(List.of(new PlanProblem(name, lc[0], lc[1], "",
                    String.format("byte 0x%02X is not valid UTF-8", bytes[at] & 0xff),
                    "save the plan as UTF-8 (it looks like Latin-1 or binary data)")));
        }
        out.flip();
        return out.toString();
    }

    /**
     * NUL and other control characters (YAML allows tab, CR and LF only) and over-long lines, each
     * at its line and column; at most a few of each, so a binary file gives a short answer.
     */
    static List<PlanProblem> check(String name, String text) {
        List<PlanProblem> out = new ArrayList<>();
        int line = 1;
        int col = 1;
        int lineStart = 0;
        int controls = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp == '\n') {
                checkLine(name, text, lineStart, i, line, out);
                line++;
                col = 1;
                i++;
                lineStart = i;
                continue;
            }
            if (!printable(cp) && controls < 5) {
                controls++;
                out.add(new PlanProblem(name, line, col, "", cp == 0 ? "a NUL character (U+0000) is not allowed in a plan"
                        : String.format("the control character U+%04X is not allowed in a plan", cp),
                        "is this a binary file? a plan is YAML text"));
            }
            col++;
            i += Character.charCount(cp);
        }
        checkLine(name, text, lineStart, text.length(), line, out);
        return out;
    }

    private static void checkLine(String name, String text, int start, int end, int line, List<PlanProblem> out) {
        int len = text.codePointCount(start, end);
        if (len > PlanLoader.MAX_LINE_CHARS && out.size() < 10) {
            out.add(new PlanProblem(name, line, PlanLoader.MAX_LINE_CHARS + 1, "", "line " + line + " is " + len
                    + " characters long; the limit is " + PlanLoader.MAX_LINE_CHARS,
                    "put a long value in a file and read it with ${file:PATH}, or split it over lines"));
        }
    }

    /** YAML 1.2's printable set (c-printable), less the byte-order mark anywhere but first. */
    private static boolean printable(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0x7E) || cp == 0x85
                || (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    /** 1-based line and column (in code points) of {@code index} in {@code text}. */
    static int[] lineCol(String text, int index) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < index && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, text.codePointCount(lineStart, Math.min(index, text.length())) + 1};
    }

    private static PlanException single(String name, String message, String hint) {
        return new PlanException(List.of(new PlanProblem(name, 1, 1, "", message, hint)));
    }
}
