"""A configurable werkzeug app with a CORS policy, copied into pytester directories.

``make_app(policy)`` builds a WSGI app whose CORS behaviour is described by a dict, so
each plugin test can state exactly which mistake the server makes. Every request that
arrives is appended to ``app.log`` as ``(method, path, headers, body)``.

Policy keys:
  origins       list of origins echoed back, "*" (send '*'), or "reflect" (echo anything)
  methods       Access-Control-Allow-Methods on preflights (default "GET, POST, PUT, DELETE")
  headers       Access-Control-Allow-Headers on preflights (default "Authorization, Content-Type")
  credentials   send Access-Control-Allow-Credentials: true (default False)
  expose        Access-Control-Expose-Headers on actual responses (default None)
  max_age       Access-Control-Max-Age on preflights (default None)
  vary          add Vary: Origin when echoing an origin (default True)
  preflight_status  status of the preflight response (default 204)
  answer_options    answer preflights at all (default True; False = 405 without CORS headers)
  paths         only these path prefixes get CORS headers (default: all)
"""

import json

from werkzeug.wrappers import Request, Response


def make_app(policy=None):
    policy = dict(policy or {})
    log = []

    def allowed_origin(origin):
        origins = policy.get("origins", ["https://app.example.com"])
        if origin is None:
            return None
        if origins == "*":
            return "*"
        if origins == "reflect":
            return origin
        return origin if origin in origins else None

    def cors_enabled(path):
        prefixes = policy.get("paths")
        return prefixes is None or any(path.startswith(p) for p in prefixes)

    def add_origin_headers(request, response):
        value = allowed_origin(request.headers.get("Origin"))
        if value is None or not cors_enabled(request.path):
            return
        response.headers["Access-Control-Allow-Origin"] = value
        if value != "*" and policy.get("vary", True):
            response.headers.add("Vary", "Origin")
        if policy.get("credentials"):
            response.headers["Access-Control-Allow-Credentials"] = "true"

    @Request.application
    def app(request):
        body = request.get_data(as_text=True)
        # REQUEST_METHOD as it came off the wire (request.method is uppercased by werkzeug)
        log.append((request.environ["REQUEST_METHOD"], request.full_path.rstrip("?"), dict(request.headers), body))
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            if not policy.get("answer_options", True):
                return Response("method not allowed", status=405)
            response = Response(status=policy.get("preflight_status", 204))
            add_origin_headers(request, response)
            if "Access-Control-Allow-Origin" in response.headers:
                response.headers["Access-Control-Allow-Methods"] = policy.get("methods", "GET, POST, PUT, DELETE")
                headers = policy.get("headers", "Authorization, Content-Type")
                if headers:
                    response.headers["Access-Control-Allow-Headers"] = headers
                if policy.get("max_age") is not None:
                    response.headers["Access-Control-Max-Age"] = str(policy["max_age"])
            return response
        if policy.get("paths") is not None and not cors_enabled(request.path):
            response = Response(json.dumps({"error": "not found"}), status=404, content_type="application/json")
        else:
            response = Response(json.dumps({"ok": True}), content_type="application/json")
            response.headers["X-Total-Count"] = "2"
            response.headers["X-Request-Id"] = "req-1"
        add_origin_headers(request, response)
        if "Access-Control-Allow-Origin" in response.headers and policy.get("expose"):
            response.headers["Access-Control-Expose-Headers"] = policy["expose"]
        return response

    app.log = log
    app.policy = policy
    return app
