"""End-to-end browser tests: ``dagster dev`` + headless Chromium (see ``test_ui_browser.py``)."""
