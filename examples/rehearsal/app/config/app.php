<?php
return [
    'name' => env('APP_STACK', 'academy'),
    // green is deployed with code that reads the expanded schema (courses.published_at)
    'schema' => env('APP_SCHEMA', 'current'),
];
