<?php

/*
|--------------------------------------------------------------------------
| Feature flags (runbook 4.1)
|--------------------------------------------------------------------------
|
| One env entry, APP_FEATURE_FLAGS, holds a JSON object of booleans. The
| registry (names, owners, review dates) lives in preflight.yaml and
| `preflight flags validate` checks every environment's file against it.
| A missing or malformed value means every flag is off.
|
*/

$flags = json_decode(env('APP_FEATURE_FLAGS', '{}'), true);

if (! is_array($flags)) {
    $flags = [];
}

return [
    'communities' => (bool) ($flags['communities'] ?? false),
    'webauthn' => (bool) ($flags['webauthn'] ?? false),
];
