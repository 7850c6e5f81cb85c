package dev.preflight.cutover;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import dev.preflight.cutover.CutoverEvidence.Lag;
import dev.preflight.cutover.CutoverEvidence.Promoted;
import java.util.ArrayList;
import java.util.List;

/** expanded → promoted: the replica's lag is within bound, the promotion SQL runs and its verify query agrees. */
final class PromoteStep implements CutoverStep {
    private final CutoverContext ctx;

    PromoteStep(CutoverContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Step step() {
        return Step.PROMOTE;
    }

    @Override
    public List<String> actions() {
        CutoverPlan cp = ctx.plan();
        List<String> a = new ArrayList<>();
        if (cp.promote() == null) {
            a.add("nothing configured (recorded as skipped)");
            return a;
        }
        a.add("on " + Migrations.describe(cp.replica()) + ": " + cp.promote().lagQuery() + " -> lag <= " + cp.promote().maxLag() + " s");
        cp.promote().sql().forEach(s -> a.add("on " + Migrations.describe(cp.replica()) + ": " + s));
        a.add("verify " + cp.promote().verifyQuery() + " = " + cp.promote().verifyExpect());
        return a;
    }

    @Override
    public StepResult run(CutoverHistory h, CutoverEvidence.AttemptPayload started) throws SQLException {
        CutoverPlan cp = ctx.plan();
        CutoverPlan.Promote pm = cp.promote();
        if (pm == null) {
            return StepResult.warnings("skipped: the plan configures no promote step", null);
        }
        try (Connection c = Migrations.connect(cp.replica()); Statement s = c.createStatement()) {
            Long lag;
            try (ResultSet rs = s.executeQuery(pm.lagQuery())) {
                if (!rs.next()) {
                    return StepResult.failed("'" + pm.lagQuery() + "' returned no rows: " + Migrations.describe(cp.replica())
                            + " is not a replica, so its lag cannot be checked", null);
                }
                ResultSetMetaData md = rs.getMetaData();
                int col = 1;
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String name = md.getColumnLabel(i);
                    if (name.equalsIgnoreCase("Seconds_Behind_Master") || name.equalsIgnoreCase("Seconds_Behind_Source")) {
                        col = i;
                    }
                }
                String v = rs.getString(col);
                lag = v == null ? null : Long.valueOf(v.strip());
            }
            if (lag == null) {
                return StepResult.failed("replication is not running (lag is NULL): promotion refused", new Lag(null));
            }
            if (lag > pm.maxLag()) {
                return StepResult.failed("replica lag " + lag + " s is over max_lag " + pm.maxLag() + " s: promotion refused",
                        new Lag(lag));
            }
            for (String sql : pm.sql()) {
                s.execute(sql);
            }
            String got;
            try (ResultSet rs = s.executeQuery(pm.verifyQuery())) {
                got = rs.next() ? rs.getString(1) : null;
            }
            Promoted d = new Promoted(lag, got);
            if (got == null || !got.strip().equals(pm.verifyExpect())) {
                return StepResult.failed("'" + pm.verifyQuery() + "' gave " + got + ", expected " + pm.verifyExpect(), d);
            }
            return StepResult.passed("lag " + lag + " s; ran " + pm.sql().size() + " statement(s); '" + pm.verifyQuery()
                    + "' = " + got, d);
        }
    }
}
