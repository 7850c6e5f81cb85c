<?php
return new class extends Migration {
    public function up(): void
    {
        Schema::create('lessons', function (Blueprint $table) {
            $table->id();
            $table->foreignId('course_id');
            $table->string('title');
            $table->integer('position');
            $table->timestamps();
        });
    }
};
