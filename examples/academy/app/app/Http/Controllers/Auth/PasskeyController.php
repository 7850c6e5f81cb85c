<?php

namespace App\Http\Controllers\Auth;

use App\Http\Controllers\Controller;
use Illuminate\Http\Request;
use Laravel\Pennant\Feature;

class PasskeyController extends Controller
{
    public function create(Request $request)
    {
        if (! Feature::active('webauthn')) {
            return redirect()->route('login');
        }

        return view('auth.passkeys.create');
    }
}
