-- The Academy staging database, Laravel-shaped: the tables the migrations in app/database/migrations
-- create, the `migrations` table that records them, and a realistic volume of rows. scripts/rehearse
-- replaces the {{...}} counts (from --rows) and the password hash before it loads this file into the
-- primary; the replica receives it through GTID replication.
CREATE TABLE migrations (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  migration VARCHAR(255) NOT NULL,
  batch INT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO migrations (migration, batch) VALUES
  ('2014_10_12_000000_create_users_table', 1),
  ('2019_08_19_000000_create_jobs_table', 1),
  ('2021_03_01_000000_create_sessions_table', 2),
  ('2022_05_10_000000_create_courses_table', 3),
  ('2022_05_10_000001_create_lessons_table', 3),
  ('2022_05_10_000002_create_enrollments_table', 3);

CREATE TABLE users (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  email VARCHAR(255) NOT NULL,
  email_verified_at TIMESTAMP NULL,
  password VARCHAR(255) NOT NULL,
  created_at TIMESTAMP NULL,
  updated_at TIMESTAMP NULL,
  UNIQUE KEY users_email_unique (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE jobs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  queue VARCHAR(255) NOT NULL,
  payload TEXT NOT NULL,
  attempts INT UNSIGNED NOT NULL,
  available_at INT UNSIGNED NOT NULL,
  created_at INT UNSIGNED NOT NULL,
  KEY jobs_queue_index (queue)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE sessions (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  user_id BIGINT UNSIGNED NULL,
  ip_address VARCHAR(45) NULL,
  payload TEXT NOT NULL,
  last_activity INT NOT NULL,
  KEY sessions_user_id_index (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE courses (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(255) NOT NULL,
  slug VARCHAR(255) NOT NULL,
  summary TEXT NOT NULL,
  created_at TIMESTAMP NULL,
  updated_at TIMESTAMP NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE lessons (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  course_id BIGINT UNSIGNED NOT NULL,
  title VARCHAR(255) NOT NULL,
  position INT NOT NULL,
  created_at TIMESTAMP NULL,
  updated_at TIMESTAMP NULL,
  KEY lessons_course_id_index (course_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE enrollments (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  course_id BIGINT UNSIGNED NOT NULL,
  completed_at TIMESTAMP NULL,
  created_at TIMESTAMP NULL,
  updated_at TIMESTAMP NULL,
  KEY enrollments_user_id_index (user_id),
  KEY enrollments_course_id_index (course_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Rows (the Sequence engine's seq_1_to_N tables generate them server-side).
INSERT INTO users (id, name, email, email_verified_at, password, created_at, updated_at)
  SELECT seq, CONCAT('Learner ', seq), CONCAT('learner', seq, '@academy.test'), NOW() - INTERVAL seq MINUTE,
         '{{PASSWORD_HASH}}', NOW() - INTERVAL seq MINUTE, NOW() - INTERVAL seq MINUTE FROM seq_1_to_{{USERS}};
INSERT INTO courses (id, title, slug, summary, created_at, updated_at)
  SELECT seq, CONCAT('Course ', seq), CONCAT('course-', seq), REPEAT(CONCAT('What course ', seq, ' teaches. '), 8),
         NOW() - INTERVAL seq DAY, NOW() FROM seq_1_to_{{COURSES}};
INSERT INTO lessons (course_id, title, position, created_at, updated_at)
  SELECT 1 + seq % {{COURSES}}, CONCAT('Lesson ', seq), 1 + seq DIV {{COURSES}}, NOW(), NOW() FROM seq_1_to_{{LESSONS}};
INSERT INTO enrollments (user_id, course_id, completed_at, created_at, updated_at)
  SELECT 1 + seq % {{USERS}}, 1 + (seq * 7) % {{COURSES}}, IF(seq % 3 = 0, NOW() - INTERVAL seq SECOND, NULL),
         NOW() - INTERVAL seq SECOND, NOW() FROM seq_1_to_{{ENROLLMENTS}};
INSERT INTO sessions (id, user_id, ip_address, payload, last_activity)
  SELECT SHA1(CONCAT('session', seq)), 1 + seq % {{USERS}}, CONCAT('10.1.', seq % 250, '.', seq % 200),
         TO_BASE64(CONCAT('a:1:{s:6:"_token";s:40:"', SHA1(seq), '";}')), UNIX_TIMESTAMP() - seq FROM seq_1_to_{{SESSIONS}};
INSERT INTO jobs (queue, payload, attempts, available_at, created_at)
  SELECT IF(seq % 4 = 0, 'mail', 'default'), CONCAT('{"displayName":"App\\\\Jobs\\\\SendCertificate","data":{"enrollment":', seq, '}}'),
         0, UNIX_TIMESTAMP(), UNIX_TIMESTAMP() FROM seq_1_to_{{JOBS}};
