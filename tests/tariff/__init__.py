"""Tests of the dated tariff rates."""
