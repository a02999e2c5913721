"""The API client and what it speaks: the token flow, errors, pydantic models, uploads, connectivity."""
