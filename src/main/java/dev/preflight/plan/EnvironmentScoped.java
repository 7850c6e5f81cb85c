package dev.preflight.plan;

/**
 * A section model whose content applies to some environments only (audit's requirements). It lets
 * a capability that judges another's evidence ask which environments that one covers without
 * depending on the model's type (risk asks it of the audit, which it may not import).
 */
public interface EnvironmentScoped {
    /** Whether the section asks anything of this environment. */
    boolean covers(Plan.Environment environment);
}
