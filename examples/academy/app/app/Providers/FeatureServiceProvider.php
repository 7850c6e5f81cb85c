<?php

namespace App\Providers;

use Illuminate\Support\ServiceProvider;
use Laravel\Pennant\Feature;

class FeatureServiceProvider extends ServiceProvider
{
    public function boot(): void
    {
        // Pennant features resolve from the same config the controllers read,
        // so APP_FEATURE_FLAGS stays the single source of truth.
        foreach (array_keys(config('feature-flags')) as $name) {
            Feature::define($name, fn () => (bool) config("feature-flags.{$name}"));
        }
    }
}
