package dev.preflight.backup;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The runbook's automation ("scheduled via cron on the staging control host") as text to install:
 * crontab lines and systemd service/timer units for backup, verify, the restore test and prune.
 * Nothing is installed.
 */
public final class Schedule {
    private Schedule() {
    }

    /** One scheduled job. */
    public record Job(String name, String description, LocalTime at, List<String> args) {
    }

    /** The three daily jobs: backup, then verify an hour later, then prune. */
    public static List<Job> daily(LocalTime backupAt) {
        return daily(backupAt, false);
    }

    /**
     * The daily jobs: backup, verify an hour later, prune two hours later, and with {@code restoreTest}
     * a restore test of the newest backups between verify and prune: readiness vouches for a restore
     * only by a test of the newest verified backup, so a nightly backup without one leaves the restore
     * unproven every morning (runbook §2 step 4, "validate restores in staging").
     */
    public static List<Job> daily(LocalTime backupAt, boolean restoreTest) {
        List<Job> jobs = new ArrayList<>(List.of(
                new Job("backup", "take, store and verify every backup", backupAt, List.of("backup", "run")),
                new Job("backup-verify", "re-hash every stored copy against the ledger", backupAt.plusHours(1),
                        List.of("backup", "verify"))));
        if (restoreTest) {
            jobs.add(new Job("restore-test", "restore the newest backups into scratch and check them",
                    backupAt.plusMinutes(90), List.of("restore-test")));
        }
        jobs.add(new Job("backup-prune", "delete backups whose retention ended", backupAt.plusHours(2),
                List.of("backup", "prune", "--apply")));
        return List.copyOf(jobs);
    }

    /** Crontab lines (UTC; set CRON_TZ=UTC where cron supports it). Arguments are single-quoted. */
    public static String crontab(List<Job> jobs, String preflight, String plan, String workDir) {
        StringBuilder sb = new StringBuilder("# preflight backups (install with: crontab -e); times are UTC\n");
        sb.append("CRON_TZ=UTC\n");
        for (Job j : jobs) {
            String command = "cd " + sq(workDir) + " && " + sq(preflight) + " --plan " + sq(plan) + " "
                    + String.join(" ", j.args()) + " >> " + sq(workDir + "/.preflight/" + j.name() + ".log") + " 2>&1";
            // cron turns an unescaped % into a newline, even inside quotes.
            sb.append(j.at().getMinute()).append(' ').append(j.at().getHour()).append(" * * * ")
                    .append(command.replace("%", "\\%")).append('\n');
        }
        return sb.toString();
    }

    /** systemd units: one .service (oneshot) and one .timer per job. */
    public static String systemd(List<Job> jobs, String preflight, String plan, String workDir) {
        StringBuilder sb = new StringBuilder();
        for (Job j : jobs) {
            String unit = "preflight-" + j.name();
            sb.append("# /etc/systemd/system/").append(unit).append(".service\n")
                    .append("[Unit]\nDescription=Preflight: ").append(j.description()).append('\n')
                    .append("Wants=network-online.target\nAfter=network-online.target\n\n")
                    .append("[Service]\nType=oneshot\nWorkingDirectory=").append(workDir).append('\n')
                    .append("ExecStart=").append(sd(preflight)).append(" --plan ").append(sd(plan)).append(' ')
                    .append(String.join(" ", j.args())).append("\n\n");
            sb.append("# /etc/systemd/system/").append(unit).append(".timer\n")
                    .append("[Unit]\nDescription=Preflight: ").append(j.description()).append(" (daily)\n\n")
                    .append("[Timer]\nOnCalendar=*-*-* ").append(String.format("%02d:%02d:00", j.at().getHour(),
                            j.at().getMinute())).append(" UTC\nPersistent=true\n\n")
                    .append("[Install]\nWantedBy=timers.target\n\n");
        }
        sb.append("# enable with: systemctl daemon-reload && systemctl enable --now ")
                .append(String.join(" ", jobs.stream().map(j -> "preflight-" + j.name() + ".timer").toList()))
                .append('\n');
        return sb.toString();
    }

    /** A POSIX shell single-quoted word (crontab lines are run by /bin/sh). */
    static String sq(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** A systemd ExecStart word: quoted when it has spaces or quotes. */
    static String sd(String s) {
        return s.matches("[A-Za-z0-9_./:@+-]+") ? s : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
