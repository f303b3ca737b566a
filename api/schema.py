"""A drf-spectacular postprocessing hook: document the refusals every operation can give, so the schema
is true for each answer (schemathesis checks that every response matches it)."""

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each query parameter at fault, with what is wrong with it.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
REFUSALS = {
    "401": "No token, or a token that is unknown, revoked or expired.",
    "403": "Signed in, but not allowed to read this.",
    "429": "Too many requests for this token: wait and try again (see the Retry-After header).",
}


def _response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document_refusals(result, generator, request, public):
    """Add 401, 403 and 429 to every API operation, 404 to those with a path parameter or a page number
    (an unknown record or page), and 400 to those with query parameters (a filter value at fault)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in REFUSALS.items():
                responses.setdefault(code, _response(description, DETAIL))
            parameters = operation.get("parameters", [])
            if any(p["in"] == "path" for p in parameters) or any(p["name"] == "page" for p in parameters):
                responses.setdefault("404", _response("No such record, or no such page.", DETAIL))
            if any(p["in"] == "query" for p in parameters):
                responses.setdefault("400", _response("A query parameter is not valid.", FIELD_ERRORS))
    return result
