<?php
return [
    'host' => env('DB_HOST', '127.0.0.1'),
    'port' => (int) env('DB_PORT', 3306),
    'database' => env('DB_DATABASE', 'academy'),
    'username' => env('DB_USERNAME', 'academy'),
    'password' => env('DB_PASSWORD', ''),
    'redis' => ['host' => env('REDIS_HOST', '127.0.0.1'), 'port' => (int) env('REDIS_PORT', 6379)],
];
