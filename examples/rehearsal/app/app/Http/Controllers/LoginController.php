<?php
// GET /login shows the form; POST /login checks a user's password and starts a session in Redis.

function login_form(): string
{
    $passkey = config('feature-flags.webauthn') ? '<button id="passkey">Sign in with a passkey</button>' : '';
    return '<!doctype html><title>Sign in</title><form method="post" action="/login">'
        . '<input name="email"><input name="password" type="password"><button>Sign in</button>' . $passkey
        . '</form><!-- ' . htmlspecialchars(config('app.name')) . ' -->';
}

function login_attempt(string $email, string $password): array
{
    $st = db()->prepare('SELECT id, password FROM users WHERE email = ?');
    $st->execute([$email]);
    $user = $st->fetch(PDO::FETCH_ASSOC);
    if (!$user || !password_verify($password, $user['password'])) {
        return [401, ['stack' => config('app.name'), 'error' => 'these credentials do not match our records']];
    }
    $id = bin2hex(random_bytes(20));
    redis(['SETEX', 'laravel_session:' . $id, 7200, json_encode(['user_id' => (int) $user['id']])]);
    return [200, ['stack' => config('app.name'), 'user_id' => (int) $user['id'], 'session' => $id]];
}
