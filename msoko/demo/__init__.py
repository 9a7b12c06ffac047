"""Deterministic synthetic municipality for demonstrations, tests and benchmarks.

Django-free: :func:`msoko.demo.generator.generate` writes files in the canonical import formats
and a manifest (people to create, planted truth); the ``msoko demo`` command imports them.
"""
