"""Screening of providers against public reference files: the LEIE exclusion list (and NPPES, to come)."""
