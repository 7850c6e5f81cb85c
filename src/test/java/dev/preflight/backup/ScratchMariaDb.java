package dev.preflight.backup;

import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A throw-away database on the local MariaDB (127.0.0.1:3306, root) for one test; dropped on close. */
final class ScratchMariaDb implements AutoCloseable {
    final String name = "pf_bk_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    ScratchMariaDb() throws Exception {
        sql("CREATE DATABASE " + name);
    }

    /** Tables, a view, a routine, a trigger and an event, with rows. */
    ScratchMariaDb withSchemaObjects(int rows) throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append("USE ").append(name).append(";\n");
        sb.append("CREATE TABLE users (id INT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(100) NOT NULL, "
                + "created TIMESTAMP DEFAULT CURRENT_TIMESTAMP);\n");
        sb.append("CREATE TABLE audit_log (id INT PRIMARY KEY AUTO_INCREMENT, user_id INT, note TEXT);\n");
        sb.append("CREATE VIEW user_emails AS SELECT id, email FROM users;\n");
        sb.append("DELIMITER //\n");
        sb.append("CREATE PROCEDURE count_users(OUT n INT) BEGIN SELECT COUNT(*) INTO n FROM users; END//\n");
        sb.append("CREATE TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW BEGIN "
                + "INSERT INTO audit_log (user_id, note) VALUES (NEW.id, 'created'); END//\n");
        sb.append("DELIMITER ;\n");
        sb.append("CREATE EVENT purge_audit ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit_log WHERE id < 0;\n");
        for (int i = 0; i < rows; i++) {
            sb.append("INSERT INTO users (email) VALUES ('user").append(i).append("@example.com');\n");
        }
        sb.append("ANALYZE TABLE users, audit_log;\n");
        sql(sb.toString());
        return this;
    }

    static String sql(String script) throws Exception {
        try (LocalProcessRunner r = new LocalProcessRunner(Secrets.none())) {
            ProcessResult res = r.run(ProcessSpec.of("mariadb", "-uroot", "-h127.0.0.1", "--batch")
                    .withStdin(out -> out.write(script.getBytes(StandardCharsets.UTF_8))));
            if (res.exitCode() != 0) {
                throw new IllegalStateException("mariadb failed: " + res.stderr());
            }
            return res.stdout();
        }
    }

    @Override
    public void close() throws Exception {
        sql("DROP DATABASE IF EXISTS " + name);
    }
}
