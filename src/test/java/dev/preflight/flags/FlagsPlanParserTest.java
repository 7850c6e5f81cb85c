package dev.preflight.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanProblem;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The feature_flags section: its model, and every problem at once with file:line:col and field path. */
class FlagsPlanParserTest {
    private static Plan load(String section) {
        return PlanLoader.parse("p.yaml", "version: 1\nproject: {name: demo}\nfeature_flags:\n" + section,
                Path.of("/srv/plan"), Map.of());
    }

    @Test
    void readsTheRegistryAndDefaultsProductionToOff() {
        FlagsPlan fp = load("""
                  app_dir: app
                  files: {example: app/.env.example, staging: app/.env.staging, production: app/.env.production}
                  flags:
                    - {name: communities, description: Community spaces, owner: learning, type: release,
                       review_by: 2027-06-30, defaults: {staging: true}}
                    - {name: maintenance, owner: ops, type: kill-switch, review_by: 2028-01-01}
                """).section("feature_flags", FlagsPlan.class).orElseThrow();
        assertThat(fp.envKey()).isEqualTo("APP_FEATURE_FLAGS");
        assertThat(fp.appDir()).isEqualTo(Path.of("/srv/plan/app"));
        assertThat(fp.files().keySet()).containsExactly("example", "staging", "production");
        assertThat(fp.files().get("production").path()).isEqualTo(Path.of("/srv/plan/app/.env.production"));
        assertThat(fp.files().get("staging").planLine()).isEqualTo(5);
        FlagsPlan.Flag c = fp.flag("communities").orElseThrow();
        assertThat(c.type()).isEqualTo(FlagsPlan.Type.RELEASE);
        assertThat(c.reviewBy()).isEqualTo(LocalDate.of(2027, 6, 30));
        assertThat(c.defaultIn("staging")).isTrue();
        assertThat(c.defaultIn("production")).isFalse();
        assertThat(c.planLine()).isEqualTo(7);
        assertThat(fp.flag("maintenance").orElseThrow().type()).isEqualTo(FlagsPlan.Type.KILL_SWITCH);
        assertThat(fp.flag("maintenance").orElseThrow().description()).isEmpty();
    }

    @Test
    void everyProblemOfTheSectionIsReportedWithItsPosition() {
        PlanException e = catchThrowableOfType(() -> load("""
                  env_key: "APP FLAGS"
                  files: {staging: app/.env.staging}
                  flagz: []
                  flags:
                    - {name: a.b, owner: x, type: release, review_by: 2027-01-01}
                    - {name: c, owner: x, type: feature, review_by: 2027-02-30}
                    - {name: d, type: ops, review_by: 2027-01-01, defaults: {stagin: true, staging: yes}}
                    - {name: c, owner: x, type: experiment, review_by: 2027-01-01, colour: red}
                """), PlanException.class);
        assertThat(e.problems()).extracting(PlanProblem::format).containsExactlyInAnyOrder(
                "p.yaml:4:12: feature_flags.env_key: not a dotenv key: 'APP FLAGS' (e.g. APP_FEATURE_FLAGS)",
                "p.yaml:5:10: feature_flags.files.example: required field is missing (the .env.example template must be "
                        + "listed: 'example: app/.env.example')",
                "p.yaml:6:3: feature_flags.flagz: unknown key 'flagz' (did you mean 'flags'?)",
                "p.yaml:8:14: feature_flags.flags[0].name: bad flag name 'a.b' (letters, digits, '_' and '-', starting "
                        + "with a letter (no dots: Laravel would nest them))",
                "p.yaml:9:33: feature_flags.flags[1].type: bad value 'feature' (one of: release, ops, kill-switch, experiment)",
                "p.yaml:9:53: feature_flags.flags[1].review_by: not a date: '2027-02-30' (use YYYY-MM-DD)",
                "p.yaml:10:7: feature_flags.flags[2].owner: required field is missing (add 'owner: ...')",
                "p.yaml:10:62: feature_flags.flags[2].defaults.stagin: unknown key 'stagin' (did you mean 'staging'?)",
                "p.yaml:10:85: feature_flags.flags[2].defaults.staging: expected true or false, got 'yes'",
                "p.yaml:11:14: feature_flags.flags[3].name: duplicate flag 'c' (flag names must be unique)",
                "p.yaml:11:68: feature_flags.flags[3].colour: unknown key 'colour' (allowed here: name, description, "
                        + "owner, type, review_by, defaults)");
    }

    @Test
    void theTemplateCannotDefaultOn() {
        PlanException e = catchThrowableOfType(() -> load("""
                  files: {example: .env.example}
                  flags: [{name: a, owner: x, type: ops, review_by: 2027-01-01, defaults: {example: true}}]
                """), PlanException.class);
        assertThat(e.problems()).extracting(PlanProblem::format).containsExactly(
                "p.yaml:5:85: feature_flags.flags[0].defaults.example: the .env.example template lists every flag off "
                        + "(remove 'example: true')");
    }

    @Test
    void theShippedAcademyPlanLoads() {
        Plan plan = PlanLoader.load(Path.of("examples/academy/preflight.yaml"), Map.of());
        FlagsPlan fp = plan.section("feature_flags", FlagsPlan.class).orElseThrow();
        assertThat(fp.flags()).extracting(FlagsPlan.Flag::name).containsExactly("communities", "webauthn");
        assertThat(fp.files().keySet()).containsExactly("example", "staging", "production");
    }
}
