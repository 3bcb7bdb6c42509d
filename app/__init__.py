"""The Flet app of the electronic health book (web, Android, iOS from one codebase)."""
