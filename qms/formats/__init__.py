"""The project's own date and number formats, on top of Django's (FORMAT_MODULE_PATH)."""
