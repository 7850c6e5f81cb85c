package dev.preflight.flags;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code feature_flags} section of the plan (runbook §4.1): the flag registry, which dotenv file
 * belongs to which environment, the env key that carries the JSON, and where the application
 * source lives.
 *
 * @param planFile the plan file as named to the loader (for problem locations)
 * @param envKey   the dotenv key holding the JSON object ({@code APP_FEATURE_FLAGS})
 * @param appDir   the application source scanned for flag use, or null when not configured
 * @param files    environment name to its dotenv file, in plan order; {@code example} is the template
 * @param flags    the registered flags, in plan order
 */
public record FlagsPlan(String planFile, String envKey, Path appDir, Map<String, EnvFile> files, List<Flag> flags) {
    /** The environment name of the {@code .env.example} template: every flag listed, all off. */
    public static final String EXAMPLE = "example";
    /** The environment whose flags stay off unless an approved toggle switched them on. */
    public static final String PRODUCTION = "production";

    public FlagsPlan {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        flags = List.copyOf(flags);
    }

    public Optional<Flag> flag(String name) {
        return flags.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** One environment's dotenv file and the plan line that names it. */
    public record EnvFile(String environment, Path path, int planLine) {
    }

    /** What a flag is for; closes the set the plan accepts. */
    public enum Type {
        RELEASE, OPS, KILL_SWITCH, EXPERIMENT;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static List<String> labels() {
            return Arrays.stream(values()).map(Type::label).toList();
        }

        public static Type parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * One registered flag. {@code defaults} holds the values the plan states per environment; any
     * environment not stated (production in particular) defaults to off.
     *
     * @param planLine the line of the flag's entry in the plan, named by warnings about it
     */
    public record Flag(String name, String description, String owner, Type type, LocalDate reviewBy,
                       Map<String, Boolean> defaults, int planLine) {
        public Flag {
            defaults = Map.copyOf(defaults);
        }

        /** The registry's intended value in {@code environment}: as stated, else off. */
        public boolean defaultIn(String environment) {
            return defaults.getOrDefault(environment, false);
        }
    }
}
