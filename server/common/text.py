"""The characters a text field may hold, as DRF validators (the rule and its words: contract/validation.py)."""
from __future__ import annotations

from collections.abc import Callable

from rest_framework import serializers

from contract import validation as rules


def character_validators(name: str) -> list[Callable[[str], None]]:
    """Field `name`'s character check, to run before its length and format checks, so that the first
    message is the one the desktop shows."""
    def check(value: str) -> None:
        if message := rules.character_error(name, value):
            raise serializers.ValidationError(message)
    return [check]
