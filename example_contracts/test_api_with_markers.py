"""Contracts declared with @pytest.mark.cors: checked when the test runs."""

import pytest


@pytest.mark.cors(
    path="/api/users",
    origins=["https://app.example.com", "https://admin.example.com"],
    deny_origins=["https://evil.example.net"],
    methods=["GET", "POST", "PUT"],
    request_headers={"Authorization": "Bearer example-token", "Content-Type": "application/json"},
    credentials=True,
    expose_headers=["X-Total-Count"],
    max_age={"min": 60, "max": 600},
)
def test_users_api_is_shared_with_our_web_apps():
    pass


@pytest.mark.cors(path="/api/public/status", origins=["*"], methods=["GET"])
@pytest.mark.cors(path="/api/users/1", origins=["https://app.example.com"], methods=["PATCH", "DELETE"], credentials=True)
def test_status_is_public_and_users_can_be_edited():
    pass
