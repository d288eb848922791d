"""HTTP API (FastAPI). The model and index are loaded once, at start-up."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from assistant.settings import Settings

MAX_QUERY_CHARS = 2000


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="what to look for")
    top_k: int | None = Field(default=None, ge=1, le=50)


class SearchResult(BaseModel):
    rank: int
    score: float
    passage_id: str
    doc_id: str
    doc: str
    title: str | None
    text: str
    start: int
    end: int
    provinces: list[str]
    years: list[int]


class SearchResponse(BaseModel):
    query: str
    interpreted: str | None = Field(description="the query with diacritics restored, if typed without them")
    results: list[SearchResult]


class Health(BaseModel):
    status: str
    embed_model: str
    documents: int
    passages: int
    vectors: int


def create_app(settings: Settings) -> FastAPI:
    from assistant.runtime import open_store

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        store = await run_in_threadpool(open_store, settings)
        await run_in_threadpool(store.warm_up)
        app.state.store = store
        yield

    app = FastAPI(
        title="ngoaid",
        description="Questions and search over Vietnamese reports on foreign non-governmental aid.",
        lifespan=lifespan,
    )

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get("/health", response_model=Health)
    def health(request: Request) -> Health:
        stats = request.app.state.store.stats()
        return Health(status="ok", **{k: stats[k] for k in ("embed_model", "documents", "passages", "vectors")})

    @app.post("/search", response_model=SearchResponse)
    def search(body: SearchRequest, request: Request) -> SearchResponse:
        query = body.query.strip()
        if not query:
            raise HTTPException(status_code=422, detail="the query is empty")
        found = request.app.state.store.search(query, top_k=body.top_k or settings.top_k)
        return SearchResponse(**found.as_dict())

    @app.get("/documents")
    def documents(request: Request) -> list[dict[str, object]]:
        return [d.as_dict() for d in request.app.state.store.documents()]

    return app
