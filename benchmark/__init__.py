"""Diplomacy-IE: a gold-standard benchmark for information extraction on political news."""

__version__ = "0.3.0"
