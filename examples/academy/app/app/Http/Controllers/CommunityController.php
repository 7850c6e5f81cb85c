<?php

namespace App\Http\Controllers;

use App\Models\Community;
use Illuminate\Http\Request;

class CommunityController extends Controller
{
    public function index(Request $request)
    {
        abort_unless(config('feature-flags.communities'), 404);

        return view('communities.index', [
            'communities' => Community::query()->latest()->paginate(20),
        ]);
    }

    public function show(Community $community)
    {
        abort_unless(config("feature-flags.communities"), 404);

        return view('communities.show', ['community' => $community]);
    }
}
