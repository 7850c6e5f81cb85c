<?php
// The flags come from one dotenv entry (runbook §4.1); a malformed value boots with every flag off.
$flags = json_decode((string) env('APP_FEATURE_FLAGS', '{}'), true);
return is_array($flags) ? $flags : [];
