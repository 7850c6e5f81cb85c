package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The splitter on dump text as MariaDB and MySQL write it, fed whole and in chunks of every size. */
class DumpSplitterTest {
    private static final String LONG_ROW = "x".repeat(3000);
    private static final String DUMP = "/*M!999999\\- enable the sandbox mode */ \n"
            + """
            -- MariaDB dump 10.19
            /*!40101 SET NAMES utf8mb4 */;
            /*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;

            DROP TABLE IF EXISTS `users`;
            /*!40101 SET character_set_client = utf8mb4 */;
            CREATE TABLE `users` (
              `id` int(11) NOT NULL,
              `note` text
            ) ENGINE=InnoDB;
            LOCK TABLES `users` WRITE;
            /*!40000 ALTER TABLE `users` DISABLE KEYS */;
            INSERT INTO `users` VALUES
            (1,'a\\'),(b;'),
            (2,'c;
            (x);'),
            (3,NULL);
            INSERT IGNORE INTO `users` VALUES (4,'it''s;'),(5,'\\\\'),(6,')(;');
            /*!40000 ALTER TABLE `users` ENABLE KEYS */;
            UNLOCK TABLES;
            CREATE TABLE `it's` (`id` int);
            REPLACE INTO `it's` VALUES (7);
            """
            + "INSERT INTO `big` VALUES ('" + LONG_ROW + "'),('" + LONG_ROW + ";');\n"
            + """
            DELIMITER ;;
            /*!50003 CREATE*/ /*!50003 TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW SET @x=1 */;;
            CREATE PROCEDURE `p1`()
            BEGIN
            INSERT INTO `users` VALUES (9,'in a routine');
            END ;;
            DELIMITER ;
            /*!50003 SET sql_mode = @saved_sql_mode */ ;
            -- Dump completed on 2026-01-05  1:30:00
            """;

    /** What the target was given, in order. */
    private static final class Recorder implements DumpSplitter.Target {
        final List<String> events = new ArrayList<>();

        @Override
        public void rows(byte[] statement) {
            events.add("ROWS " + new String(statement, StandardCharsets.UTF_8));
        }

        @Override
        public void everyone(byte[] line) {
            events.add("ALL " + new String(line, StandardCharsets.UTF_8));
        }

        @Override
        public void inOrder(byte[] line, String delimiter) {
            events.add("ORDER(" + delimiter + ") " + new String(line, StandardCharsets.UTF_8));
        }
    }

    private static Recorder split(String text, int chunk) throws Exception {
        Recorder r = new Recorder();
        DumpSplitter s = new DumpSplitter(r);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) {
            s.write(b, i, Math.min(chunk, b.length - i));
        }
        s.finish();
        return r;
    }

    @Test
    void rowsSettingsAndOrderedStatementsAreToldApart() throws Exception {
        List<String> e = split(DUMP, 1 << 16).events;
        assertThat(e).filteredOn(x -> x.startsWith("ALL ")).containsExactly(
                "ALL /*M!999999\\- enable the sandbox mode */ \n",
                "ALL /*!40101 SET NAMES utf8mb4 */;\n",
                "ALL /*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n",
                "ALL /*!40101 SET character_set_client = utf8mb4 */;\n",
                "ALL /*!50003 SET sql_mode = @saved_sql_mode */ ;\n");
        assertThat(e).filteredOn(x -> x.startsWith("ROWS ")).containsExactly(
                "ROWS INSERT INTO `users` VALUES\n(1,'a\\'),(b;'),\n(2,'c;\n(x);'),\n(3,NULL);\n",
                "ROWS INSERT IGNORE INTO `users` VALUES (4,'it''s;'),(5,'\\\\'),(6,')(;');\n",
                "ROWS REPLACE INTO `it's` VALUES (7);\n",
                "ROWS INSERT INTO `big` VALUES ('" + LONG_ROW + "'),('" + LONG_ROW + ";');\n");
        // Comments and the table locks are dropped; everything else keeps dump order on one connection,
        // including an INSERT inside a routine body (written under DELIMITER ;;).
        assertThat(e).filteredOn(x -> x.startsWith("ORDER")).containsExactly(
                "ORDER(;) DROP TABLE IF EXISTS `users`;\n",
                "ORDER(;) CREATE TABLE `users` (\n",
                "ORDER(;)   `id` int(11) NOT NULL,\n",
                "ORDER(;)   `note` text\n",
                "ORDER(;) ) ENGINE=InnoDB;\n",
                "ORDER(;) /*!40000 ALTER TABLE `users` DISABLE KEYS */;\n",
                "ORDER(;) /*!40000 ALTER TABLE `users` ENABLE KEYS */;\n",
                "ORDER(;) CREATE TABLE `it's` (`id` int);\n",
                "ORDER(;;) DELIMITER ;;\n",
                "ORDER(;;) /*!50003 CREATE*/ /*!50003 TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW SET @x=1 */;;\n",
                "ORDER(;;) CREATE PROCEDURE `p1`()\n",
                "ORDER(;;) BEGIN\n",
                "ORDER(;;) INSERT INTO `users` VALUES (9,'in a routine');\n",
                "ORDER(;;) END ;;\n",
                "ORDER(;) DELIMITER ;\n");
        assertThat(e.get(0)).startsWith("ALL /*M!999999");
        assertThat(e.indexOf("ORDER(;) ) ENGINE=InnoDB;\n"))
                .isLessThan(e.indexOf("ROWS INSERT INTO `users` VALUES\n(1,'a\\'),(b;'),\n(2,'c;\n(x);'),\n(3,NULL);\n"));
    }

    @Test
    void theChunkSizeNeverChangesTheSplit() throws Exception {
        List<String> whole = split(DUMP, Integer.MAX_VALUE).events;
        for (int chunk : new int[] {1, 2, 3, 7, 13, 64, 599, 600, 601, 4096}) {
            assertThat(split(DUMP, chunk).events).as("chunk " + chunk).isEqualTo(whole);
        }
    }

    @Test
    void aDumpCutInsideAnInsertIsPassedOnAndMarkedUnterminated() throws Exception {
        Recorder r = new Recorder();
        DumpSplitter s = new DumpSplitter(r);
        byte[] b = "CREATE TABLE t (a text);\nINSERT INTO `t` VALUES ('a;b'),('c".getBytes(StandardCharsets.UTF_8);
        s.write(b, 0, b.length);
        s.finish();
        assertThat(s.unterminated()).isTrue();
        assertThat(r.events).containsExactly("ORDER(;) CREATE TABLE t (a text);\n",
                "ROWS INSERT INTO `t` VALUES ('a;b'),('c\n");
    }

    @Test
    void aLastLineWithoutNewlineIsStillPassedOn() throws Exception {
        assertThat(split("/*!40101 SET NAMES utf8mb4 */;\nDROP VIEW v", 5).events)
                .containsExactly("ALL /*!40101 SET NAMES utf8mb4 */;\n", "ORDER(;) DROP VIEW v\n");
    }
}
