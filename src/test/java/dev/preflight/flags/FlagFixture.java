package dev.preflight.flags;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small Laravel application with its three dotenv files and a plan registering two flags, in a temp dir. */
public final class FlagFixture {
    public static final String PLAN = """
            version: 1
            project: {name: demo}
            ledger: {url: "sqlite:ledger.db"}
            feature_flags:
              env_key: APP_FEATURE_FLAGS
              app_dir: app
              files: {example: app/.env.example, staging: app/.env.staging, production: app/.env.production}
              flags:
                - {name: communities, description: Community spaces, owner: learning-team, type: release,
                   review_by: 2027-06-30, defaults: {staging: true}}
                - name: webauthn
                  description: Passkey sign-in
                  owner: identity-team
                  type: experiment
                  review_by: 2027-03-31
            """;

    public static final String EXAMPLE = """
            # template
            APP_NAME=Academy
            APP_KEY=

            APP_FEATURE_FLAGS="{\\"communities\\": false, \\"webauthn\\": false}"
            DB_PASSWORD=
            """;

    public static final String STAGING = "# staging\r\nAPP_ENV=staging\r\n"
            + "export APP_FEATURE_FLAGS='{\"communities\": true, \"webauthn\": false}'  # QA toggles\r\nLOG_LEVEL=info\r\n";

    public static final String PRODUCTION = """
            APP_ENV=production
            APP_DEBUG=false
            # flags stay off until approved
            APP_FEATURE_FLAGS={"communities":false,"webauthn":false}
            MAIL_FROM_NAME="${APP_NAME}\"""";

    public static final String CONTROLLER = """
            <?php

            namespace App\\Http\\Controllers;

            class CommunityController extends Controller
            {
                public function index()
                {
                    abort_unless(config('feature-flags.communities'), 404);
                    return view('communities.index');
                }
            }
            """;

    public static final String PASSKEYS = """
            <?php

            use Laravel\\Pennant\\Feature;

            if (Feature::active("webauthn")) {
                echo 'passkeys';
            }
            """;

    private FlagFixture() {
    }

    /** Writes the plan, the dotenv files and the PHP source into {@code dir}; returns the plan path. */
    public static Path write(Path dir) throws IOException {
        Path app = dir.resolve("app");
        Files.createDirectories(app.resolve("app/Http/Controllers"));
        Files.createDirectories(app.resolve("vendor/acme/lib"));
        write(dir.resolve("preflight.yaml"), PLAN);
        write(app.resolve(".env.example"), EXAMPLE);
        write(app.resolve(".env.staging"), STAGING);
        write(app.resolve(".env.production"), PRODUCTION);
        write(app.resolve("app/Http/Controllers/CommunityController.php"), CONTROLLER);
        write(app.resolve("app/Http/Controllers/Passkeys.php"), PASSKEYS);
        // Dependencies are not application code: a flag read in vendor/ must not count.
        write(app.resolve("vendor/acme/lib/Thing.php"), "<?php Feature::active('vendor-flag');\n");
        return dir.resolve("preflight.yaml");
    }

    public static void write(Path p, String s) throws IOException {
        Files.write(p, s.getBytes(StandardCharsets.UTF_8));
    }
}
