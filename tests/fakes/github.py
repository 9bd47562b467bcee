"""A stateful fake of the GitHub REST subset on 127.0.0.1; every request and response is validated
against tests/data/specs/github.openapi.json with openapi-core (violations are recorded, and fail tests)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from tests import http_util
from tests.conftest import SPECS

NOW = "2026-11-22T10:00:00Z"


def _user() -> dict[str, Any]:
    base = "https://api.github.com/users/swarm"
    return {"login": "swarm", "id": 1, "node_id": "U_1", "avatar_url": "https://example.test/a.png", "gravatar_id": None,
            "url": base, "html_url": "https://github.com/swarm", "followers_url": f"{base}/followers",
            "following_url": f"{base}/following{{/other_user}}", "gists_url": f"{base}/gists{{/gist_id}}",
            "starred_url": f"{base}/starred{{/owner}}{{/repo}}", "subscriptions_url": f"{base}/subscriptions",
            "organizations_url": f"{base}/orgs", "repos_url": f"{base}/repos", "events_url": f"{base}/events{{/privacy}}",
            "received_events_url": f"{base}/received_events", "type": "Bot", "site_admin": False}


class FakeGitHub:
    def __init__(self, token: str = "ghs_fake_installation_token_0123456789") -> None:
        self.token = token
        self.api = OpenAPI.from_file_path(str(SPECS / "github.openapi.json"))
        self.violations: list[str] = []
        self.issues: dict[int, dict[str, Any]] = {}
        self.comments: list[dict[str, Any]] = []
        self.commit_comments: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                req = MockRequest("https://api.github.com", "post", self.path, headers=dict(self.headers), data=raw,
                                  content_type="application/json")
                try:
                    fake.api.validate_request(req)
                except Exception as exc:
                    fake.violations.append(f"request {self.path}: {type(exc).__name__}: {exc}")
                if self.headers.get("authorization") != f"Bearer {fake.token}":
                    return self._send(req, 401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com"})
                body = json.loads(raw or b"{}")
                status, data = fake.route(self.path, body)
                self._send(req, status, data)

            def _send(self, req: MockRequest, status: int, data: dict[str, Any]) -> None:
                http_util.send_validated(self, fake.api, req, status, data, fake.violations)

            def log_message(self, *args: Any) -> None:
                return None

        self.server, self.url = http_util.start(Handler)

    def route(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")
        owner, repo = parts[1], parts[2]
        base = f"https://api.github.com/repos/{owner}/{repo}"
        if parts[3:] == ["issues"]:
            number = len(self.issues) + 1
            issue = {
                "id": 1000 + number, "node_id": f"I_{number}", "url": f"{base}/issues/{number}",
                "repository_url": base, "labels_url": f"{base}/issues/{number}/labels{{/name}}",
                "comments_url": f"{base}/issues/{number}/comments", "events_url": f"{base}/issues/{number}/events",
                "html_url": f"https://github.com/{owner}/{repo}/issues/{number}", "number": number, "state": "open",
                "title": str(body.get("title", "")), "body": body.get("body"), "user": _user(),
                "labels": [{"id": 7, "node_id": "L_7", "url": f"{base}/labels/{name}", "name": name, "description": None,
                            "color": "ededed", "default": False} for name in body.get("labels", [])],
                "assignee": None, "assignees": [], "milestone": None, "locked": False, "active_lock_reason": None,
                "comments": 0, "closed_at": None, "created_at": NOW, "updated_at": NOW,
                "author_association": "NONE",
            }
            self.issues[number] = issue
            return 201, issue
        if parts[3] == "issues" and parts[5:] == ["comments"]:
            comment = {"id": 5000 + len(self.comments), "node_id": "IC_1", "url": f"{base}/issues/comments/1",
                       "html_url": f"https://github.com/{owner}/{repo}/issues/{parts[4]}#c", "body": str(body.get("body", "")),
                       "user": _user(), "created_at": NOW, "updated_at": NOW, "issue_url": f"{base}/issues/{parts[4]}",
                       "author_association": "NONE"}
            self.comments.append({"issue": int(parts[4]), **comment})
            return 201, comment
        if parts[3] == "commits" and parts[5:] == ["comments"]:
            comment = {"html_url": f"https://github.com/{owner}/{repo}/commit/{parts[4]}#c", "url": f"{base}/comments/1",
                       "id": 9000 + len(self.commit_comments), "node_id": "CC_1", "body": str(body.get("body", "")), "path": None,
                       "position": None, "line": None, "commit_id": parts[4], "user": _user(), "created_at": NOW,
                       "updated_at": NOW, "author_association": "NONE"}
            self.commit_comments.append(comment)
            return 201, comment
        return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com"}

    def close(self) -> None:
        http_util.stop(self.server)
