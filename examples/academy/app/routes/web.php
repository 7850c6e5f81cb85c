<?php

use App\Http\Controllers\Auth\PasskeyController;
use App\Http\Controllers\CommunityController;
use Illuminate\Support\Facades\Route;

Route::get('/communities', [CommunityController::class, 'index'])->name('communities.index');
Route::get('/communities/{community}', [CommunityController::class, 'show'])->name('communities.show');
Route::get('/passkeys/create', [PasskeyController::class, 'create'])->middleware('auth')->name('passkeys.create');
