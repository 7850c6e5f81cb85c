<?php
return [
    'name' => env('APP_STACK', 'academy'),
    // current: blue's code; expanded: green's, reads courses.published_at; next: a release that needs
    // courses.visibility, which no migration adds (scripts/rehearse --fault green-broken)
    'schema' => env('APP_SCHEMA', 'current'),
];
