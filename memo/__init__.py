"""Lobby Memo: a terminal notebook for a bank lobby manager.

Kept empty of imports so `import memo.<module>` stays cheap (startup time is a feature).
"""

__version__ = "0.1.0"
