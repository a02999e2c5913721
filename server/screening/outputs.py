"""What screening answers, declared once (staff only: docs/api.md, "What each role sees")."""
from __future__ import annotations

from rest_framework import serializers

from contract.choices import FlagDecision, FlagKind, ReferenceSource, choices


class RunFileSerializer(serializers.Serializer):
    """A reference file as a monitoring run names it."""

    id = serializers.UUIDField()
    source = serializers.ChoiceField(choices=choices(ReferenceSource))
    name = serializers.CharField()
    published = serializers.DateField()
    sha256 = serializers.CharField()
    rows = serializers.IntegerField()


class ReferenceFileSerializer(RunFileSerializer):
    """A reference file with its load."""

    loaded_at = serializers.DateTimeField()
    loaded_by = serializers.CharField()
    current = serializers.BooleanField()


class FlagCountsSerializer(serializers.Serializer):
    excluded = serializers.IntegerField()
    possible_match = serializers.IntegerField()


class LoadResultSerializer(serializers.Serializer):
    file = ReferenceFileSerializer()
    flags = FlagCountsSerializer(help_text="The flags of every provider after screening against the file")


class FlagFileSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    published = serializers.DateField()
    sha256 = serializers.CharField()


class ScreeningFlagSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    provider_id = serializers.UUIDField()
    provider_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=choices(FlagKind))
    source = serializers.ChoiceField(choices=choices(ReferenceSource))
    reason = serializers.CharField()
    file = FlagFileSerializer(help_text="The file the evidence was found in")
    line = serializers.IntegerField(help_text="The evidence's line in that file (the header is line 1)")
    evidence = serializers.DictField(child=serializers.CharField(allow_blank=True),
                                     help_text="The row's values by the file's column names")
    created_at = serializers.DateTimeField()
    decision = serializers.ChoiceField(choices=choices(FlagDecision), allow_null=True,
                                       help_text="null while open: no officer has decided yet")
    decision_reason = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class FlagDecisionEventSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=choices(FlagDecision))
    reason = serializers.CharField(allow_blank=True)
    actor = serializers.CharField()
    at = serializers.DateTimeField()


class ScreeningFlagDetailSerializer(ScreeningFlagSerializer):
    history = FlagDecisionEventSerializer(many=True, help_text="Every decision taken on this flag, newest first")


class RunChangeSerializer(serializers.Serializer):
    flag_id = serializers.UUIDField()
    provider_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=choices(FlagKind))
    line = serializers.IntegerField()
    evidence_key = serializers.CharField(help_text="SHA-256 of the evidence row's values")
    decision = serializers.ChoiceField(choices=choices(FlagDecision), allow_null=True)


class MonitoringRunSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    by = serializers.CharField()
    files = RunFileSerializer(many=True, help_text="The files screened against, with their SHA-256")
    providers = serializers.IntegerField(help_text="Providers screened")
    counts = FlagCountsSerializer(help_text="Flags after the run")
    added_count = serializers.IntegerField()
    removed_count = serializers.IntegerField()


class MonitoringRunDetailSerializer(MonitoringRunSerializer):
    added = RunChangeSerializer(many=True, help_text="Flags new since the run before")
    removed = RunChangeSerializer(many=True, help_text="Flags gone since the run before, as they were")


class MonitoringStatusSerializer(serializers.Serializer):
    last_run = MonitoringRunSerializer(allow_null=True)
    age_days = serializers.IntegerField(allow_null=True, help_text="Whole days since the last run started")
    overdue = serializers.BooleanField(help_text="No run this calendar month (monitoring is at least monthly)")
