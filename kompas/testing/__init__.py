"""What every app's tests share: the pinned clock, people, framework builders and the test world.

Tests import from here, never from another app's tests package (tests/test_layers.py checks).
"""
