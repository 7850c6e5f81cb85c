<?php
// GET /api/courses: the published course list, read from the database of this stack.

function courses_index(): array
{
    $limit = 20;
    if (config('app.schema') === 'expanded') {
        // The new code path: needs the nullable column the expand migration adds.
        $sql = 'SELECT id, title, slug, published_at FROM courses ORDER BY id LIMIT ' . $limit;
    } elseif (config('app.schema') === 'next') {
        // A release built against a schema no migration here creates (the green-broken drill).
        $sql = 'SELECT id, title, slug, published_at, visibility FROM courses ORDER BY id LIMIT ' . $limit;
    } else {
        $sql = 'SELECT id, title, slug FROM courses ORDER BY id LIMIT ' . $limit;
    }
    $rows = db()->query($sql)->fetchAll(PDO::FETCH_ASSOC);
    $total = (int) db()->query('SELECT COUNT(*) FROM courses')->fetchColumn();
    $out = ['stack' => config('app.name'), 'total' => $total, 'courses' => $rows];
    if (config('feature-flags.communities')) {
        $out['communities'] = true; // the community spaces link on each course card
    }
    return $out;
}
