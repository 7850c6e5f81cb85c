<?php
return new class extends Migration {
    public function up(): void
    {
        Schema::create('jobs', function (Blueprint $table) {
            $table->id();
            $table->string('queue');
            $table->text('payload');
            $table->unsignedInteger('attempts');
            $table->unsignedInteger('available_at');
            $table->unsignedInteger('created_at');
        });
    }
};
