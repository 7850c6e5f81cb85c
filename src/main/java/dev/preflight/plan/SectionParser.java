package dev.preflight.plan;

import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads one top-level section of the plan (e.g. {@code backups}, {@code feature_flags}) into that
 * capability's own model, so each capability owns its section's shape without the loader knowing
 * it. Implementations are found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/dev.preflight.plan.SectionParser}); the model is then available as
 * {@link Plan#section(String, Class)}.
 *
 * @param <T> the section's model (a record)
 */
public interface SectionParser<T> {
    /** The top-level key this parser reads, one of {@link PlanLoader#TOP_LEVEL}. */
    String key();

    /**
     * Reads the section. Problems go to {@code reader} (with node positions and field paths); the
     * return value may be null or partial when there were problems, and is then discarded.
     *
     * @param node    the section's value node
     * @param reader  interpolating, problem-collecting accessors
     * @param context the rest of the plan already read (project, environments, requirements) and the
     *                models of the sections before this one in {@link PlanLoader#TOP_LEVEL} order
     */
    T parse(Node node, PlanReader reader, Plan context);

    /**
     * The section's declared shape: the keys its parser checks and the fragment of
     * {@code preflight schema} both come from it. The default accepts any mapping or list.
     */
    default Shape shape() {
        return Shape.any("Runbook section '" + key() + "' (validated by Preflight; see docs/plan-reference.md).");
    }

    /** The section's JSON Schema fragment for {@code preflight schema}: its {@link #shape()}'s. */
    default Map<String, Object> schema() {
        return shape().schema();
    }
}
