<?php
return new class extends Migration {
    public function up(): void
    {
        Schema::create('enrollments', function (Blueprint $table) {
            $table->id();
            $table->foreignId('user_id');
            $table->foreignId('course_id');
            $table->timestamp('completed_at')->nullable();
            $table->timestamps();
        });
    }
};
