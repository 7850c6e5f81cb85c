package dev.preflight.flags;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One environment's dotenv file as read now: its content (null when it could not be read), the
 * flags line, the flags it sets, and what is wrong with it.
 *
 * @param display how reports name the file
 * @param sha256  hash of the file's bytes, null when it could not be read
 */
public record EnvSnapshot(FlagsPlan.EnvFile file, String display, DotenvFile dotenv, DotenvFile.Entry entry,
                          FlagValues values, String sha256, List<FlagProblem> problems) {
    public EnvSnapshot {
        problems = List.copyOf(problems);
    }

    public String environment() {
        return file.environment();
    }

    /** The boolean flags the file sets, by name in file order (non-booleans left out). */
    public Map<String, Boolean> booleans() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (values != null) {
            values.fields().values().forEach(f -> {
                if (f.value() != null) {
                    out.put(f.name(), f.value());
                }
            });
        }
        return out;
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(FlagProblem::isError);
    }
}
