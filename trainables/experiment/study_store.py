"""Opening an experiment's Optuna study store (an SQLAlchemy URL, or a journal file)."""

from __future__ import annotations

import random
import time

import optuna
import sqlalchemy.exc

SCHEMA_TRIES = 8  # studies that open a new database at once race to create its tables


def open_storage(url: str) -> optuna.storages.BaseStorage:
    """An SQLAlchemy URL, or `journal:<file>` for Optuna's journal file storage."""
    if url.startswith("journal:"):
        backend = optuna.storages.journal.JournalFileBackend(url.removeprefix("journal:"))
        return optuna.storages.JournalStorage(backend)
    for attempt in range(1, SCHEMA_TRIES):
        try:
            return optuna.storages.RDBStorage(url)
        except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.ProgrammingError) as error:
            # Another process created the same table or version row first (PostgreSQL
            # reports a unique violation on its catalogue): its schema is now there.
            if not _created_concurrently(error):
                raise
            time.sleep(random.uniform(0.05, 0.3) * attempt)
    return optuna.storages.RDBStorage(url)  # the last try: its error is the caller's


def _created_concurrently(error: Exception) -> bool:
    text = str(error).lower()
    return "duplicate key" in text or "already exists" in text or "unique constraint" in text
