package dev.preflight.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile names and values survive the quoting, checked against the real MariaDB and its client. */
class MysqlSyntaxTest {
    private static final List<String> HOSTILE = List.of("plain", "back`tick", "two``ticks`", "quote'd",
            "back\\slash\\", "semi; DROP DATABASE mysql; --", "dq\"uote", "nl\nline", "pct%_under", "ünï ☃");

    @Test
    void quotesAsBefore() {
        assertThat(MysqlSyntax.ident("a`b")).isEqualTo("`a``b`");
        assertThat(MysqlSyntax.literal("it's \\")).isEqualTo("'it''s \\\\'");
        assertThat(MysqlSyntax.optionValue("p\"w#\\")).isEqualTo("\"p\\\"w#\\\\\"");
        HOSTILE.forEach(n -> assertThat(MysqlSyntax.unident(MysqlSyntax.ident(n))).isEqualTo(n));
        assertThat(MysqlSyntax.unident("bare")).isEqualTo("bare");
        assertThat(MysqlSyntax.clientOptions("h", 3306, "u", null)).isEqualTo("[client]\nhost=\"h\"\nport=3306\nuser=\"u\"\n");
    }

    @Test
    void hostileNamesAndValuesRoundTripThroughTheServer() throws Exception {
        String db = "pf_q_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "`'\\x";
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/?user=root");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + MysqlSyntax.ident(db));
            try {
                for (String name : HOSTILE) {
                    String table = MysqlSyntax.ident(db) + "." + MysqlSyntax.ident(name.replace("\n", " ").strip());
                    st.execute("CREATE TABLE " + table + " (v TEXT)");
                    st.execute("INSERT INTO " + table + " VALUES (" + MysqlSyntax.literal(name) + ")");
                    try (ResultSet rs = st.executeQuery("SELECT v FROM " + table + " WHERE v = " + MysqlSyntax.literal(name))) {
                        assertThat(rs.next()).as(name).isTrue();
                        assertThat(rs.getString(1)).isEqualTo(name);
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                        + MysqlSyntax.literal(db))) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(HOSTILE.size());
                }
            } finally {
                st.execute("DROP DATABASE IF EXISTS " + MysqlSyntax.ident(db));
            }
        }
    }

    @Test
    void optionValuesAreReadBackByTheClient(@TempDir Path dir) throws Exception {
        String user = "us\"er #1 \\x";
        String password = "p'w\"d # ; \\ end";
        Path file = dir.resolve("client.cnf");
        Files.writeString(file, MysqlSyntax.clientOptions("127.0.0.1", 3306, user, password), StandardCharsets.UTF_8);
        try (LocalProcessRunner r = new LocalProcessRunner(Secrets.none())) {
            ProcessResult res = r.run(ProcessSpec.of("mariadb", "--defaults-extra-file=" + file, "--print-defaults"));
            assertThat(res.exitCode()).as(res.stderr()).isZero();
            assertThat(res.stdout()).contains("--user=" + user).contains("--password=" + password).contains("--port=3306");
        }
    }
}
