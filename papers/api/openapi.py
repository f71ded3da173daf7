"""What the OpenAPI schema says of every operation: each is throttled (PublicThrottle per
address, CuratorThrottle per account), so each may answer 429 with Retry-After."""

TOO_MANY = {
    "description": "Too many requests from this address (or account): try again after Retry-After seconds.",
    "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}, "description": "Seconds to wait."}},
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
        }
    },
}


def throttled_answers(result, generator, request, public):
    """drf-spectacular post-processing hook: a 429 answer on every operation."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("429", TOO_MANY)
    return result
