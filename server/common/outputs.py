"""Output serializers as the one declaration of an answer's shape: what the OpenAPI document says is sent.

An answer is rendered by its output serializer (`rendered`), the HackSoft styleguide's
OutputSerializer. The provider rows sent by the thousand (server/directory/selectors.py and
snapshot.py, fast on purpose) are built as plain dicts instead: they take their field names from
the serializer (`field_names`), and tests/server/test_outputs.py holds every answer to its shape.
"""
from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.response import Response


# A failure's answer (but a 400's): what went wrong, in words for a person.
class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


def field_names(serializer: type[serializers.Serializer]) -> tuple[str, ...]:
    """The fields `serializer` declares, in its order (a subclass's after its base's)."""
    return tuple(serializer().fields)


def rendered(serializer: type[serializers.Serializer], instance: Any, *, many: bool = False, status: int = 200,
             headers: Mapping[str, str] | None = None) -> Response:
    """`instance` (an object or a mapping; a list with `many`) as `serializer` renders it."""
    return Response(serializer(instance, many=many).data, status=status, headers=headers)


def optional_variant(serializer: type[serializers.Serializer], name: str, *, optional: Collection[str],
                     note: str, doc: str) -> type[serializers.Serializer]:
    """`serializer`'s fields, those in `optional` not always sent and their help ending with `note`.

    A field is made again from the arguments it was declared with, as DRF copies fields
    (Field.__deepcopy__), so the variant cannot drift from its source. Named `name` + "Serializer",
    the OpenAPI document calls it `name`.
    """
    fields: dict[str, Any] = {}
    for field_name, field in serializer().fields.items():
        # every field made anew, in order: a serializer orders its fields by when they were made
        if field_name in optional:
            help_text = " ".join(filter(None, (field._kwargs.get("help_text"), note)))
            fields[field_name] = type(field)(*field._args, **{**field._kwargs, "required": False,
                                                               "help_text": help_text})
        else:
            fields[field_name] = copy.deepcopy(field)
    return type(f"{name}Serializer", (serializers.Serializer,), {**fields, "__doc__": doc,
                                                                  "__module__": serializer.__module__})
