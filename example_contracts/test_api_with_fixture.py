"""Imperative checks with the `cors` fixture."""


def test_the_web_app_can_read_the_user_list(cors):
    result = cors.check("/api/users", origin="https://app.example.com", credentials=True)
    result.assert_allowed()
    assert result.readable_headers["x-total-count"] == "2"


def test_a_json_post_needs_a_preflight_that_passes(cors):
    result = cors.check(
        "/api/users",
        origin="https://admin.example.com",
        method="POST",
        headers={"Content-Type": "application/json"},
        body='{"name": "Linus"}',
        credentials=True,
    )
    result.assert_allowed()
    assert result.preflight is not None
    assert result.preflight.request.header("Access-Control-Request-Headers") == "content-type"


def test_an_unknown_site_cannot_read_my_profile(cors):
    result = cors.check("/api/me", origin="https://evil.example.net", credentials=True)
    result.assert_blocked()
    assert result.reason == "acao-missing"
