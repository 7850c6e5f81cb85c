<?php
// Prints, as JSON, what vlucas/phpdotenv (the parser Laravel uses) reads from a dotenv file:
// {"values": {NAME: VALUE, ...}} or {"error": MESSAGE}. Usage: php phpdotenv-parse.php AUTOLOAD FILE
require $argv[1];
try {
    echo json_encode(['values' => Dotenv\Dotenv::parse(file_get_contents($argv[2]))], JSON_FORCE_OBJECT);
} catch (Throwable $e) {
    echo json_encode(['error' => $e->getMessage()]);
}
