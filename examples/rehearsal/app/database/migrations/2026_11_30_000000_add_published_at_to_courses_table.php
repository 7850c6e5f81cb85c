<?php
// Expand: a nullable column, so the old code (blue) keeps working while the new code (green) reads it.
return new class extends Migration {
    public function up(): void
    {
        Schema::table('courses', function (Blueprint $table) {
            $table->timestamp('published_at')->nullable()->after('summary');
        });
    }
};
