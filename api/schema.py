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


def _response(description, schema, media_types):
    return {"description": description, "content": {media: {"schema": schema} for media in media_types}}


def document_refusals(result, generator, request, public):
    """Add 401, 403, 404 and 429 to every API operation, and 400 to those with query parameters (a
    filter value at fault)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            # A refusal comes as the answer would have (JSON, or CSV with ?format=csv).
            media = list(responses.get("200", {}).get("content", {})) or ["application/json"]
            for code, description in REFUSALS.items():
                responses.setdefault(code, _response(description, DETAIL, media))
            # An unknown record or page, or a ?format= other than json or csv.
            responses.setdefault(
                "404", _response("Not found: no such record or page, or format.", DETAIL, media)
            )
            parameters = operation.get("parameters", [])
            if any(p["in"] == "query" for p in parameters):
                responses.setdefault("400", _response("A query parameter is not valid.", FIELD_ERRORS, media))
    return result
