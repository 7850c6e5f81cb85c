package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dump scanner on dump text as MariaDB and MySQL write it, fed in chunks of every size. */
class DumpScannerTest {
    private static final String DUMP = """
            /*!40101 SET NAMES utf8mb4 */;
            DROP TABLE IF EXISTS `users`;
            CREATE TABLE `users` (
              `id` int(11) NOT NULL,
              `note` text
            ) ENGINE=InnoDB;
            INSERT INTO `users` VALUES
            (1,'a\\'),(b'),
            (2,'c;(x)'),
            (3,NULL);
            INSERT INTO `users` VALUES (4,'it''s'),(5,'\\\\'),(6,')(');
            CREATE TABLE `odd``name` (`id` int);
            /*!50001 CREATE VIEW `v1` AS SELECT
             1 AS `id` */;
            /*!50001 CREATE ALGORITHM=UNDEFINED */
            /*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
            /*!50001 VIEW `v1` AS select 1 AS `id` */;
            DELIMITER ;;
            /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW SET @x=1
            */;;
            /*!50106 CREATE*/ /*!50117 DEFINER=`root`@`localhost`*/ /*!50106 EVENT `purge` ON SCHEDULE EVERY 1 DAY DO SELECT 1 */ ;;
            CREATE DEFINER=`root`@`localhost` PROCEDURE `p1`(OUT n INT)
            BEGIN SELECT 1; END ;;
            CREATE DEFINER=`root`@`localhost` FUNCTION `f1`() RETURNS int(11)
            RETURN 1 ;;
            DELIMITER ;
            -- Dump completed on 2026-01-05  1:30:00
            """;

    private static DumpScanner.Found scan(String text, int chunk) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        DumpScanner s = new DumpScanner();
        for (int i = 0; i < b.length; i += chunk) {
            s.scan(b, i, Math.min(chunk, b.length - i));
        }
        return s.finish();
    }

    @Test
    void namesEveryObjectAndCountsRowsWhateverTheChunkSize() throws Exception {
        for (int chunk : new int[] {1, 2, 7, 64, 1 << 16}) {
            DumpScanner.Found f = scan(DUMP, chunk);
            assertThat(f.tables()).as("chunk " + chunk).containsExactlyInAnyOrder("users", "odd`name");
            assertThat(f.views()).containsExactly("v1");
            assertThat(f.triggers()).containsExactly("users_ai");
            assertThat(f.events()).containsExactly("purge");
            assertThat(f.procedures()).containsExactly("p1");
            assertThat(f.functions()).containsExactly("f1");
            assertThat(f.rows()).isEqualTo(Map.of("users", 6L, "odd`name", 0L));
            assertThat(f.unterminated()).isFalse();
            assertThat(f.bytes()).isEqualTo(DUMP.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void aLongInsertLineIsCountedPastTheLineHead() throws Exception {
        StringBuilder sb = new StringBuilder("CREATE TABLE `t` (`id` int, `s` text);\nINSERT INTO `t` VALUES ");
        for (int i = 0; i < 5000; i++) {
            sb.append(i == 0 ? "" : ",").append('(').append(i).append(",'x(),;\\'y')");
        }
        sb.append(";\nCREATE TABLE `after` (`id` int);\n");
        for (int chunk : new int[] {3, 511, 513, 1 << 16}) {
            DumpScanner.Found f = scan(sb.toString(), chunk);
            assertThat(f.rows()).as("chunk " + chunk).isEqualTo(Map.of("t", 5000L, "after", 0L));
        }
    }

    @Test
    void aDumpThatEndsInsideAnInsertIsMarkedUnterminated() throws Exception {
        DumpScanner.Found f = scan("CREATE TABLE `t` (`id` int);\nINSERT INTO `t` VALUES (1),(2", 5);
        assertThat(f.unterminated()).isTrue();
    }

    @Test
    void aDumpThatSwitchesDatabaseIsRefusedBeforeTheLineIsPassedOn() {
        assertThatThrownBy(() -> scan("CREATE TABLE `t` (`id` int);\nUSE `academy`;\nDROP TABLE `t`;\n", 1 << 16))
                .isInstanceOf(DumpScanner.ForeignDatabaseException.class).hasMessageContaining("USE `academy`");
        assertThatThrownBy(() -> scan("/*!40000 CREATE DATABASE IF NOT EXISTS `academy` */;\n", 4))
                .isInstanceOf(DumpScanner.ForeignDatabaseException.class);
    }
}
