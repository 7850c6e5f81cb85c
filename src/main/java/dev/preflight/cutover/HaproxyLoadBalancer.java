package dev.preflight.cutover;

import dev.preflight.cutover.CutoverPlan.Colour;
import dev.preflight.exec.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy through its runtime API on the admin UNIX socket ({@code stats socket ... level admin}):
 * the target colour's servers are set {@code ready} first, then the other colour's {@code maint}
 * (existing sessions finish, no new ones), and {@code show servers state} must confirm it. Nothing
 * is written to haproxy.cfg, so a restart of HAProxy returns to its configured state.
 */
public final class HaproxyLoadBalancer implements LoadBalancer {
    /**
     * {@code srv_admin_state} bits that put a server in maintenance: forced (0x01), inherited
     * (0x02), DNS resolution (0x20), hostname (0x40). 0x04 only remembers that the configuration
     * said {@code disabled}; it stays set after {@code state ready} and does not stop traffic.
     */
    private static final int MAINT_BITS = 0x01 | 0x02 | 0x20 | 0x40;

    private final CutoverPlan plan;

    /** Finds this driver for {@code type: haproxy}. */
    public static final class Driver implements LoadBalancerDriver {
        @Override
        public String type() {
            return "haproxy";
        }

        @Override
        public LoadBalancer open(CutoverPlan plan, ProcessRunner runner) {
            return new HaproxyLoadBalancer(plan);
        }
    }

    public HaproxyLoadBalancer(CutoverPlan plan) {
        this.plan = plan;
    }

    private String backend() {
        return plan.loadBalancer().backend();
    }

    @Override
    public String describe() {
        return "haproxy backend " + backend() + " via " + plan.loadBalancer().socket();
    }

    private List<String> commands(Colour to) {
        List<String> out = new ArrayList<>();
        plan.side(to).servers().forEach(s -> out.add("set server " + backend() + "/" + s + " state ready"));
        plan.side(to.other()).servers().forEach(s -> out.add("set server " + backend() + "/" + s + " state maint"));
        return out;
    }

    @Override
    public List<String> actions(Colour to) {
        List<String> out = new ArrayList<>();
        commands(to).forEach(c -> out.add("send '" + c + "' to " + plan.loadBalancer().socket()));
        out.add("check 'show servers state " + backend() + "': " + to.label() + " ready, " + to.other().label() + " maint");
        return out;
    }

    /** Sends one command over the admin socket and returns the answer (HAProxy closes after answering). */
    String send(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(plan.loadBalancer().socket()));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void switchTo(Colour to) throws IOException, LoadBalancerException {
        for (String c : commands(to)) {
            String answer = send(c).strip();
            if (!answer.isEmpty()) {
                // The runtime API answers a successful 'set server' with an empty line.
                throw new LoadBalancerException("haproxy refused '" + c + "': " + answer);
            }
        }
        Colour now = active();
        if (now != to) {
            throw new LoadBalancerException("haproxy does not route to " + to.label() + " only after the switch: "
                    + adminStates());
        }
    }

    /** Admin state of every server of the backend, by name. */
    Map<String, Integer> adminStates() throws IOException, LoadBalancerException {
        String out = send("show servers state " + backend());
        List<String> header = null;
        Map<String, Integer> states = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("# ")) {
                header = List.of(line.substring(2).trim().split("\\s+"));
            } else if (header != null && !line.isBlank()) {
                String[] f = line.trim().split("\\s+");
                int name = header.indexOf("srv_name");
                int admin = header.indexOf("srv_admin_state");
                if (name >= 0 && admin >= 0 && f.length > Math.max(name, admin)) {
                    states.put(f[name], Integer.parseInt(f[admin]));
                }
            }
        }
        if (header == null) {
            throw new LoadBalancerException("unexpected answer to 'show servers state " + backend() + "': "
                    + out.strip().lines().findFirst().orElse("(empty)"));
        }
        return states;
    }

    @Override
    public Colour active() throws IOException {
        Map<String, Integer> st;
        try {
            st = adminStates();
        } catch (LoadBalancerException e) {
            return null;
        }
        for (Colour c : Colour.values()) {
            boolean mineReady = plan.side(c).servers().stream().allMatch(s -> st.containsKey(s) && (st.get(s) & MAINT_BITS) == 0);
            boolean otherMaint = plan.side(c.other()).servers().stream().allMatch(s -> st.containsKey(s) && (st.get(s) & MAINT_BITS) != 0);
            if (mineReady && otherMaint) {
                return c;
            }
        }
        return null;
    }
}
