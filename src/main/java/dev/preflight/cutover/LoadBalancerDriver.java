package dev.preflight.cutover;

import dev.preflight.exec.ProcessRunner;
import java.util.ServiceLoader;

/**
 * Makes the {@link LoadBalancer} of one type ({@code nginx}, {@code haproxy}, {@code command});
 * drivers are found by type with {@link ServiceLoader}
 * ({@code META-INF/services/dev.preflight.cutover.LoadBalancerDriver}).
 */
public interface LoadBalancerDriver {
    /** The plan's {@code load_balancer.type} this driver handles. */
    String type();

    LoadBalancer open(CutoverPlan plan, ProcessRunner runner);

    /** The driver for a type, or null when none is installed. */
    static LoadBalancerDriver find(String type) {
        for (LoadBalancerDriver d : ServiceLoader.load(LoadBalancerDriver.class, LoadBalancerDriver.class.getClassLoader())) {
            if (d.type().equals(type)) {
                return d;
            }
        }
        return null;
    }
}
