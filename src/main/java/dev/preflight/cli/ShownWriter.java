package dev.preflight.cli;

import dev.preflight.report.Visible;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * A writer that passes every piece written through {@link Visible#stream} before the terminal (or
 * the pipe) gets it: the CLI's stdout and stderr are these, so an error message, a notice or a
 * progress line quoting foreign text is shown, not obeyed, like the reports (which already passed
 * {@link Visible#report}).
 */
final class ShownWriter extends Writer {
    private final PrintWriter to;

    private ShownWriter(PrintWriter to) {
        this.to = to;
    }

    /** {@code to}, written to through the filter; flushed on every line, as a console writer is. */
    static PrintWriter of(PrintWriter to) {
        return new PrintWriter(new ShownWriter(to), true);
    }

    @Override
    public void write(char[] buf, int off, int len) {
        to.write(Visible.stream(new String(buf, off, len)));
    }

    @Override
    public void write(String s, int off, int len) {
        to.write(Visible.stream(s.substring(off, off + len)));
    }

    @Override
    public void flush() {
        to.flush();
    }

    @Override
    public void close() {
        to.close();
    }
}
