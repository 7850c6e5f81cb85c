package dev.preflight.plan;

import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
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
     * @param context the rest of the plan already read (project, ledger, environments) and the
     *                models of the sections before this one in {@link PlanLoader#TOP_LEVEL} order
     */
    T parse(Node node, PlanReader reader, Plan context);

    /**
     * Fields this section's capability adds to every entry of {@code environments} (audit: an
     * environment's own requirements). The loader accepts them there, in the documented order after
     * {@code ssh}, and hands each entry to {@link #parse(Node, List, PlanReader, Plan)}. None by default.
     */
    default List<Shape.Field> environmentFields() {
        return List.of();
    }

    /**
     * Reads the section together with what it adds to the environments. Called instead of
     * {@link #parse(Node, PlanReader, Plan)} when {@link #environmentFields()} is not empty, also when
     * only an environment sets one of them: {@code node} is then null.
     *
     * @param environments every entry of {@code environments} that is a mapping, in file order
     */
    default T parse(Node node, List<EnvironmentEntry> environments, PlanReader reader, Plan context) {
        return parse(node, reader, context);
    }

    /**
     * One entry of {@code environments} as the file writes it: its field path, its name (null when
     * it has no valid one), its node and its keys (checked, each with its value node).
     */
    record EnvironmentEntry(String path, String name, MappingNode node, Map<String, Node> keys) {
        public EnvironmentEntry {
            keys = Map.copyOf(keys);
        }
    }

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
