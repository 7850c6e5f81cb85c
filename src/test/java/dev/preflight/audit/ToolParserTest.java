package dev.preflight.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real tools' outputs, as users' hosts print them, and the real tools of this machine. */
class ToolParserTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', textBlock = """
        php;          PHP Warning:  Module "curl" is already loaded in Unknown on line 0\\nPHP 8.3.6 (cli) (built: Apr 15 2024 19:21:47) (NTS);  8.3.6;  ;        php -v banner
        php;          8.3.6;                                                                                                     8.3.6;  ;        bare version
        mysql;        mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper;           10.11.6; mariadb; MariaDB 'Distrib X-MariaDB'
        mariadb;      mysql from 11.4.2-MariaDB, client 15.2 for Linux (x86_64);                                                11.4.2; mariadb;  MariaDB 'from X-MariaDB'
        mysql;        mysql  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL);                                     8.0.36; mysql;    MySQL 'Ver X for'
        mysql;        mysql  Ver 8.0.36-0ubuntu0.22.04.1 for Linux on x86_64 ((Ubuntu));                                        8.0.36-0ubuntu0.22.04.1; mysql; MySQL 'Ver X for'
        mysql-server; 10.11.19-MariaDB-0+deb12u1;                                                                                10.11.19; mariadb; SELECT VERSION()
        mysql-server; 8.0.36;                                                                                                    8.0.36; mysql;   SELECT VERSION()
        redis-server; Redis server v=7.2.4 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=a203381984fddfe4;                  7.2.4;  ;        redis-server v=
        redis;        # Server\\nredis_version:7.0.15\\nredis_git_sha1:00000000;                                                  7.0.15; ;        INFO server redis_version
        node;         v20.11.1;                                                                                                  20.11.1; ;       bare version
        node;         v18.20.4;                                                                                                  18.20.4; ;       bare version
        npm;          10.2.4;                                                                                                    10.2.4; ;        bare version
        composer;     Composer version 2.7.1 2024-02-09 15:26:28\\nPHP version 8.3.6 (/usr/bin/php8.3);                            2.7.1;  ;        Composer version line
        nginx;        nginx version: nginx/1.22.1;                                                                              1.22.1; ;        nginx/VERSION
        git;          git version 2.39.5;                                                                                        2.39.5; ;        git version
        java;         openjdk version "17.0.15" 2025-04-15\\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1);      17.0.15; ;       java -version quoted version
        flutter;      Welcome to Flutter!\\n{"frameworkVersion": "3.22.2", "channel": "stable", "dartSdkVersion": "3.4.3"};     3.22.2; ;        flutter --machine frameworkVersion
        """)
    void readsRealOutputs(String tool, String output, String version, String flavor, String rule) {
        Parsed p = Tool.byId(tool).orElseThrow().parse(output.replace("\\n", "\n")).orElseThrow();
        assertThat(p.version().raw()).isEqualTo(version);
        assertThat(p.flavor()).isEqualTo(flavor);
        assertThat(p.rule()).isEqualTo(rule);
    }

    @Test
    void theRunbooksSubstringTrapsFailUnderRealSemantics() {
        // compatibility_audit.sh accepts all three because "20", "7" and "8.0.36" occur in the strings.
        assertThat(Constraint.parse("20").test(Tool.NODE.parse("v18.20.4").orElseThrow().version())).isFalse();
        assertThat(Constraint.parse("7").test(Tool.REDIS_SERVER.parse(
                "Redis server v=6.2.7 sha=00000000:0 malloc=jemalloc-5.1.0 bits=64 build=1").orElseThrow().version())).isFalse();
        Parsed maria = Tool.MYSQL.parse("mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)").orElseThrow();
        assertThat(maria.flavor()).isEqualTo("mariadb").isNotEqualTo("mysql");
    }

    @Test
    void unreadableOutputIsNotAVersion() {
        assertThat(Tool.NODE.parse("command not found")).isEmpty();
        assertThat(Tool.FLUTTER.parse("{not json")).isEmpty();
        assertThat(Tool.MYSQL_SERVER.parse("ERROR 1045 (28000): Access denied")).isEmpty();
    }

    @Test
    void probesTheRealToolsOfThisMachine() throws Exception {
        Prober prober = new Prober(Duration.ofSeconds(30));
        try (LocalProcessRunner local = new LocalProcessRunner(Secrets.none())) {
            for (Tool t : List.of(Tool.NODE, Tool.REDIS_SERVER, Tool.MARIADB, Tool.GIT, Tool.JAVA)) {
                ProbeResult r = prober.probe(local, t, null);
                assertThat(r).as(t.id() + ": " + r.raw()).isInstanceOf(ProbeResult.Found.class);
            }
            ProbeResult maria = prober.probe(local, Tool.MARIADB, null);
            assertThat(((ProbeResult.Found) maria).parsed().flavor()).isEqualTo("mariadb");
            ProbeResult redis = prober.probe(local, Tool.REDIS_SERVER, null);
            assertThat(((ProbeResult.Found) redis).parsed().version().part(0)).isGreaterThanOrEqualTo(6);
            // An override keeps the tool's parser.
            ProbeResult viaPath = prober.probe(local, Tool.NODE, List.of("/usr/bin/node", "--version"));
            assertThat(viaPath).isInstanceOf(ProbeResult.Found.class);
            ProbeResult missing = prober.probe(local, Tool.PHP, List.of("php-8.3-not-installed-here", "-v"));
            assertThat(missing).isInstanceOf(ProbeResult.NotInstalled.class);
        }
    }
}
