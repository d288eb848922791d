"""Build the long-lived objects (embedding model, index) from settings, once per process."""

from __future__ import annotations

import gc
import os
import time

from assistant.settings import Settings
from index.embeddings import load_embedder
from index.store import IndexStore

# Nothing may be fetched from a model hub or phoned home: weights ship inside installed packages.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


# The OpenMP runtimes (the embedding engine's and torch's) let idle threads sleep instead of spin.
# On a 2-core machine with two busy processes (a server and an ingest, two test workers), spinning
# threads starve the other process: four test files in two workers took 107 s spinning, 64 s
# passive; /ask beside other work 0.3-2.5 s spinning, 45-453 ms passive. It must be set before
# the runtimes load, so every entry point calls this first; a value already set is kept.
THREAD_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}


def use_offline_environment() -> None:
    """The process environment every entry point needs: offline, and threads that do not spin."""
    for key, value in {**OFFLINE_ENV, **THREAD_ENV}.items():
        os.environ.setdefault(key, value)


# A batch ingest is a background job beside a server's users. Measured with eval.bench_http
# --ingest-beside 2000 (dev and dev2 questions over HTTP while `ngoaid ingest` runs in another
# process on 2 cores): at niceness 0 /ask p50/p95 154/361 ms, 3.9 requests/s; at 10, 134/331 ms,
# 5.0 requests/s, the ingest as fast (85 against 88 s); 19 gave no more (133/339 ms). Lower niceness
# still leaves the ingest a share of a core the server wants; Linux's idle scheduling class gives it
# only what nothing else wants, and a server thread that wakes takes the core at once. Two runs each
# on 2026-12-04 (after the answer-path changes of that day): niceness 10, p50/p95 89/236 and 92/242 ms,
# 7.0 and 6.8 requests/s; idle class, 85/213 and 79/193 ms, 9.2 and 8.5 requests/s; the ingest took
# 84-85 s either way (nothing else was asking for the CPU between questions).
BATCH_NICENESS = 10


def run_as_batch_job() -> None:
    """Put this process in the idle scheduling class where the system has one (threads it starts
    later inherit it) and lower its niceness to ``BATCH_NICENESS`` (never raising either; once is
    enough)."""
    try:
        if os.sched_getscheduler(0) != os.SCHED_IDLE:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (OSError, AttributeError):  # not Linux, or not allowed: niceness alone
        pass
    try:
        current = os.nice(0)
        if current < BATCH_NICENESS:
            os.nice(BATCH_NICENESS - current)
    except OSError:  # not allowed on this system: run at the priority given
        pass


def open_store(settings: Settings) -> IndexStore:
    use_offline_environment()
    embedder = load_embedder(settings.embed_model, settings.passage_engine)
    return IndexStore(settings.data_dir, embedder, chroma_url=settings.chroma_url, candidates=settings.candidates)


def open_catalog(settings: Settings):  # -> Catalog | None
    """The catalog alone, for reading figures without loading the embedding model; None when the data
    folder holds no index yet."""
    from index.catalog import CATALOG_FILE, Catalog

    path = settings.data_dir / CATALOG_FILE
    return Catalog(path) if path.exists() else None


def build_llm(settings: Settings):  # -> LLMPhraser | None
    """The optional language model, when an endpoint is configured."""
    if not settings.llm_url:
        return None
    from assistant.llm import LLMPhraser

    return LLMPhraser(settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout)


def build_answerer(settings: Settings, store: IndexStore):  # -> Answerer
    from assistant.answering import Answerer

    return Answerer(store, llm=build_llm(settings))


def build_drafter(settings: Settings, store: IndexStore):  # -> Drafter
    from assistant.drafting import Drafter

    return Drafter(store, llm=build_llm(settings))


# Full collections of the garbage collector scan every long-lived object: with the answer caches of
# both shared corpora (about 400,000 objects) each took 200-260 ms, ten times in 430 questions, and
# those were the slowest answers (dev+dev2 in-process p50/p95 76/160 ms; frozen after warm-up,
# 74/129). Objects that survive a slow full collection are live: they are moved out of the
# collector's sight (gc.freeze), so the next full collection scans only what came after them.
SLOW_COLLECTION_MS = 50.0
_started: list[float] = []


def _freeze_after_slow_collection(phase: str, info: dict) -> None:
    if info.get("generation") != 2:
        return
    if phase == "start":
        _started[:] = [time.perf_counter()]
    elif _started and (time.perf_counter() - _started[0]) * 1000 > SLOW_COLLECTION_MS:
        gc.freeze()


def settle_heap() -> None:
    """Collect everything, then freeze what is left (see above); install the freezing of survivors
    of later slow collections once. For long-lived processes, after start-up and after the index
    changed: what was frozen and has died since (an old store's objects after a reopen, caches of a
    removed document) is collected here, as nothing frozen is collected otherwise."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    if _freeze_after_slow_collection not in gc.callbacks:
        gc.callbacks.append(_freeze_after_slow_collection)
