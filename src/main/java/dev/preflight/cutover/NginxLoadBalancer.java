package dev.preflight.cutover;

import dev.preflight.core.AtomicFiles;
import dev.preflight.cutover.CutoverPlan.Colour;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx: the upstream block lives in its own include file, which is rewritten atomically (temp,
 * fsync, rename) with the target colour's servers; {@code nginx -t} must accept the whole
 * configuration (otherwise the previous file is put back and nothing is reloaded), then
 * {@code nginx -s reload} starts new workers while the old ones finish their requests.
 */
public final class NginxLoadBalancer implements LoadBalancer {
    private static final Pattern SERVER = Pattern.compile("^\\s*server\\s+([^\\s;]+)", Pattern.MULTILINE);

    private final CutoverPlan plan;
    private final ProcessRunner runner;

    /** Finds this driver for {@code type: nginx}. */
    public static final class Driver implements LoadBalancerDriver {
        @Override
        public String type() {
            return "nginx";
        }

        @Override
        public LoadBalancer open(CutoverPlan plan, ProcessRunner runner) {
            return new NginxLoadBalancer(plan, runner);
        }
    }

    public NginxLoadBalancer(CutoverPlan plan, ProcessRunner runner) {
        this.plan = plan;
        this.runner = runner;
    }

    private Path include() {
        return plan.loadBalancer().includeFile();
    }

    @Override
    public String describe() {
        return "nginx upstream " + plan.loadBalancer().upstream() + " in " + include();
    }

    /** The include file's content that routes to {@code c}. */
    String content(Colour c) {
        CutoverPlan.Side s = plan.side(c);
        StringBuilder sb = new StringBuilder("# Written by preflight cutover: traffic to ").append(c.label())
                .append(" (").append(s.name()).append(")\nupstream ").append(plan.loadBalancer().upstream())
                .append(" {\n");
        s.servers().forEach(a -> sb.append("    server ").append(a).append(";\n"));
        return sb.append("}\n").toString();
    }

    private List<String> nginx(String... args) {
        List<String> argv = new ArrayList<>(plan.loadBalancer().nginx());
        argv.addAll(List.of(args));
        return argv;
    }

    @Override
    public List<String> actions(Colour to) {
        return List.of("write " + include() + " atomically (temp, fsync, rename): upstream "
                        + plan.loadBalancer().upstream() + " -> " + String.join(", ", plan.side(to).servers()),
                "run " + String.join(" ", nginx("-t")) + " (on failure: restore the previous file, no reload)",
                "run " + String.join(" ", nginx("-s", "reload")) + " (graceful: old workers finish their requests)",
                "check " + include() + " routes to " + to.label() + " only");
    }

    @Override
    public void switchTo(Colour to) throws IOException, InterruptedException, LoadBalancerException {
        Path f = include();
        byte[] previous = Files.exists(f) ? Files.readAllBytes(f) : null;
        byte[] next = content(to).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(f, next);
        ProcessResult test = runner.run(ProcessSpec.of(nginx("-t")).withTimeout(Duration.ofSeconds(30)));
        if (!test.ok()) {
            restore(f, previous);
            throw new LoadBalancerException("nginx -t refused the configuration (previous include restored, nothing "
                    + "reloaded): " + firstLines(test));
        }
        ProcessResult reload = runner.run(ProcessSpec.of(nginx("-s", "reload")).withTimeout(Duration.ofSeconds(30)));
        if (!reload.ok()) {
            // The running nginx still has the old configuration: the file must say so too.
            restore(f, previous);
            throw new LoadBalancerException("nginx -s reload failed (previous include restored): " + firstLines(reload));
        }
        Colour now = active();
        if (now != to) {
            throw new LoadBalancerException(f + " does not route to " + to.label() + " after writing it");
        }
    }

    private static void restore(Path f, byte[] previous) throws IOException {
        if (previous != null) {
            AtomicFiles.write(f, previous);
        } else {
            Files.deleteIfExists(f);
        }
    }

    private static String firstLines(ProcessResult r) {
        String s = (r.stderr() + "\n" + r.stdout()).strip();
        if (r.startFailure() != null) {
            s = r.startFailure() + " " + s;
        }
        return s.lines().limit(5).reduce((a, b) -> a + " | " + b).orElse("exit " + r.exitCode());
    }

    @Override
    public Colour active() throws IOException {
        Path f = include();
        if (!Files.exists(f)) {
            return null;
        }
        Matcher m = SERVER.matcher(Files.readString(f, StandardCharsets.UTF_8));
        List<String> servers = new ArrayList<>();
        while (m.find()) {
            servers.add(m.group(1));
        }
        for (Colour c : Colour.values()) {
            if (!servers.isEmpty() && new HashSet<>(servers).equals(new HashSet<>(plan.side(c).servers()))) {
                return c;
            }
        }
        return null;
    }
}
