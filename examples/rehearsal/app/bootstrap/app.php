<?php
// A Laravel-shaped kernel in one file: the stack's settings come from its environment (set by
// scripts/rehearse for each `php -S`) and its dotenv file (APP_ENV_FILE), as Laravel reads them.

function env_file(): array
{
    static $vars = null;
    if ($vars !== null) {
        return $vars;
    }
    $vars = [];
    $file = getenv('APP_ENV_FILE') ?: __DIR__ . '/../.env';
    if (!is_readable($file)) {
        return $vars;
    }
    foreach (file($file, FILE_IGNORE_NEW_LINES) as $line) {
        if (!preg_match('/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/', $line, $m)) {
            continue;
        }
        $v = trim($m[2]);
        if ($v !== '' && ($v[0] === "'" || $v[0] === '"')) {
            $q = $v[0];
            $end = strrpos($v, $q);
            $v = substr($v, 1, $end > 0 ? $end - 1 : strlen($v) - 1);
            if ($q === '"') {
                $v = stripcslashes($v);
            }
        } else {
            $v = preg_replace('/\s+#.*$/', '', $v);
        }
        $vars[$m[1]] = $v;
    }
    return $vars;
}

function env(string $key, $default = null)
{
    $v = getenv($key);
    if ($v !== false) {
        return $v;
    }
    return env_file()[$key] ?? $default;
}

function config(string $key, $default = null)
{
    static $config = [];
    [$file, $rest] = array_pad(explode('.', $key, 2), 2, null);
    if (!array_key_exists($file, $config)) {
        $path = __DIR__ . '/../config/' . $file . '.php';
        $config[$file] = is_file($path) ? require $path : [];
    }
    $v = $config[$file];
    foreach ($rest === null ? [] : explode('.', $rest) as $part) {
        if (!is_array($v) || !array_key_exists($part, $v)) {
            return $default;
        }
        $v = $v[$part];
    }
    return $v;
}

function db(): PDO
{
    static $pdo = null;
    if ($pdo === null) {
        $c = config('database');
        $pdo = new PDO(sprintf('mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4', $c['host'], $c['port'], $c['database']),
            $c['username'], $c['password'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 5]);
    }
    return $pdo;
}

/** One RESP command to the stack's Redis (sessions, cache), without an extension. */
function redis(array $argv)
{
    static $sock = null;
    if ($sock === null) {
        $c = config('database.redis');
        $sock = @fsockopen($c['host'], (int) $c['port'], $errno, $errstr, 2.0);
        if (!$sock) {
            throw new RuntimeException("redis: $errstr");
        }
    }
    $cmd = '*' . count($argv) . "\r\n";
    foreach ($argv as $a) {
        $cmd .= '$' . strlen((string) $a) . "\r\n" . $a . "\r\n";
    }
    fwrite($sock, $cmd);
    $line = fgets($sock);
    switch ($line[0]) {
        case '+': case ':': return trim(substr($line, 1));
        case '-': throw new RuntimeException('redis: ' . trim(substr($line, 1)));
        case '$':
            $n = (int) substr($line, 1);
            if ($n < 0) { return null; }
            $data = '';
            while (strlen($data) < $n + 2) { $data .= fread($sock, $n + 2 - strlen($data)); }
            return substr($data, 0, $n);
    }
    throw new RuntimeException('redis: unexpected reply');
}
