package dev.preflight.cli;

import dev.preflight.report.Renderer;

/**
 * A command whose output is one capability renderer's. The formats it accepts with {@code --format},
 * and the ones its {@code --help} and completion list, are that renderer's {@link Renderer#formats()}:
 * declared once, where the rendering is, so the two cannot drift apart.
 *
 * @param <R> the typed result the command renders
 */
public interface RendersWith<R> {
    /** The renderer of the command's result. */
    Renderer<R> renderer();
}
