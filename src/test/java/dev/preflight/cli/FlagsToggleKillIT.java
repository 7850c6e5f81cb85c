package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.MethodExitEvent;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.MethodExitRequest;
import dev.preflight.flags.FlagFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped launcher's {@code flags toggle}, SIGKILLed right after the dotenv file was replaced
 * and before anything else ran. A debugger (JDI, the JDK's own) stops the real process when
 * {@code DotenvIo.write} returns; the test then kills it. The old order (file first, ledger
 * after) left a changed file with nothing on the ledger, and {@code flags validate} passed it
 * (exit 0); now the intent recorded before the write has no outcome, and validation fails naming
 * the flag until the toggle is re-run.
 */
class FlagsToggleKillIT {
    @TempDir
    Path dir;

    private static final String LAUNCHER = Path.of("bin/preflight").toAbsolutePath().toString();

    @Test
    void aToggleKilledAfterTheFileWasReplacedIsNotTakenAsRecorded() throws Exception {
        FlagFixture.write(dir);
        byte[] before = Files.readAllBytes(dir.resolve("app/.env.staging"));
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER, "--plan", "preflight.yaml", "flags", "toggle", "webauthn", "--on",
                "--env", "staging", "--reason", "killed mid-toggle").directory(dir.toFile());
        pb.environment().put("NO_COLOR", "1");
        pb.environment().put("PREFLIGHT_JAVA_OPTS", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0");
        pb.redirectError(dir.resolve("toggle.err").toFile());
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String port = null;
            Pattern listening = Pattern.compile("Listening for transport dt_socket at address: (\\d+)");
            for (String line; port == null && (line = out.readLine()) != null; ) {
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    port = m.group(1);
                }
            }
            assertThat(port).as(Files.readString(dir.resolve("toggle.err"))).isNotNull();
            VirtualMachine vm = attach(port);
            MethodExitRequest exit = vm.eventRequestManager().createMethodExitRequest();
            exit.addClassFilter("dev.preflight.flags.DotenvIo");
            exit.setSuspendPolicy(EventRequest.SUSPEND_ALL);
            exit.enable();
            vm.resume();
            boolean stopped = false;
            while (!stopped) {
                EventSet events = vm.eventQueue().remove(120_000);
                assertThat(events).as("the toggle never replaced the file").isNotNull();
                for (Event e : events) {
                    assertThat(e).as("the toggle ended before replacing the file")
                            .isNotInstanceOfAny(VMDeathEvent.class, VMDisconnectEvent.class);
                    if (e instanceof MethodExitEvent m && m.method().name().equals("write")
                            && m.method().argumentTypeNames().equals(List.of("java.nio.file.Path", "byte[]"))) {
                        stopped = true;
                    }
                }
                if (!stopped) {
                    events.resume();
                }
            }
            // The file has been renamed into place; nothing after the write has run. SIGKILL.
            p.destroyForcibly();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(Files.readAllBytes(dir.resolve("app/.env.staging"))).isNotEqualTo(before);

        Run v = run("flags", "validate");
        assertThat(v.out).as(v.err).contains("toggle-unfinished", "flag 'webauthn'", "no recorded outcome",
                "the file now holds the intended change");
        assertThat(v.code).isEqualTo(1);

        Run again = run("flags", "toggle", "webauthn", "--on", "--env", "staging", "--reason", "reconcile");
        assertThat(again.code).as(again.out + again.err).isZero();
        Run after = run("flags", "validate");
        assertThat(after.code).as(after.out + after.err).isZero();
    }

    private static VirtualMachine attach(String port) throws Exception {
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
        Map<String, Connector.Argument> args = socket.defaultArguments();
        args.get("hostname").setValue("127.0.0.1");
        args.get("port").setValue(port);
        return socket.attach(args);
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(LAUNCHER, "--plan", "preflight.yaml"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().put("NO_COLOR", "1");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, Files.readString(err));
    }
}
