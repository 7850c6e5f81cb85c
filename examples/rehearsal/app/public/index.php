<?php
// Front controller: /health, /login, /api/courses, /flags. Every response names its stack (the
// cutover's marker: X-Stack header and the body), so a switch can be verified from outside.
require __DIR__ . '/../bootstrap/app.php';
require __DIR__ . '/../app/Http/Controllers/CourseController.php';
require __DIR__ . '/../app/Http/Controllers/LoginController.php';

$stack = config('app.name');
header('X-Stack: ' . $stack);
$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);

function json_response(int $status, array $body): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($body), "\n";
}

try {
    switch ($path) {
        case '/':
        case '/health':
            db()->query('SELECT 1 FROM migrations LIMIT 1');
            redis(['PING']);
            json_response(200, ['status' => 'ok', 'stack' => $stack]);
            break;
        case '/login':
            if ($_SERVER['REQUEST_METHOD'] === 'POST') {
                [$status, $body] = login_attempt((string) ($_POST['email'] ?? ''), (string) ($_POST['password'] ?? ''));
                json_response($status, $body);
            } else {
                header('Content-Type: text/html');
                echo login_form();
            }
            break;
        case '/api/courses':
            json_response(200, courses_index());
            break;
        case '/flags':
            json_response(200, ['stack' => $stack, 'flags' => config('feature-flags')]);
            break;
        default:
            json_response(404, ['stack' => $stack, 'error' => 'not found']);
    }
} catch (Throwable $e) {
    error_log($stack . ': ' . $e->getMessage());
    json_response(500, ['stack' => $stack, 'error' => 'server error']);
}
