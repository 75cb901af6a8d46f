"""telconf: telephony configuration of Teleum and Beeline cloudcc accounts as code."""

__version__ = "0.1.0"
