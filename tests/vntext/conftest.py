"""The vntext tests read the shared corpus through the same fixtures as the ingest tests."""

from tests.ingest.conftest import cleaned_report, corpus_path, raw_report  # noqa: F401 - fixtures
