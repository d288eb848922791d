"""The chat UI (Gradio), mounted at / in the same FastAPI app as the API.

Four tabs: questions with cited answers (selecting a citation shows its passage with the sentence
highlighted), the documents (upload, list, remove), drafting, and the figures table
(:mod:`ui.figures_tab`). Interface text is Vietnamese.
Everything the page needs is served by this process: no font, script or image comes from the
internet.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import gradio as gr
from pydantic_core import to_jsonable_python
from fastapi import FastAPI

from assistant.answering import QuestionError
from assistant.drafting import DraftError, render_docx, render_markdown
from assistant.models import Answer
from assistant.service import ServiceError, Services
from assistant.settings import Settings
from index.audit import Actor
from ui.figures_tab import build_figures_tab

EXAMPLES = [
    "Quảng Trị giải ngân bao nhiêu năm 2023?",
    "hoa binh co bao nhieu chuong trinh du an nam 2020",
    "So sánh giá trị giải ngân viện trợ PCPNN toàn quốc năm 2019 và 2020",
    "Nghị định nào quy định về đăng ký và quản lý hoạt động của các tổ chức PCPNN?",
    "How much did Quang Tri disburse in 2023?",
]
CSS = """
.ngoaid-source { border-left: 4px solid #c2410c; padding: 0.5em 1em; background: #fff7ed; }
.ngoaid-source .ngoaid-doc { font-weight: 600; margin-bottom: 0.4em; }
.ngoaid-source mark { background: #fde68a; padding: 0 2px; }
.ngoaid-chart svg { max-width: 100%; height: auto; }
"""


def render_answer(answer: Answer) -> str:
    """The chat message: the answer, then its numbered sources."""
    parts = [html.escape(answer.answer, quote=False)]
    if answer.calculation:
        parts.append(f"\n\n**Phép tính:** {html.escape(answer.calculation, quote=False)}")
    if answer.citations:
        lines = [f"{n}. *{html.escape(c.doc)}* — “{html.escape(c.sentence, quote=False)}”" for n, c in enumerate(answer.citations, 1)]
        parts.append("\n\n**Nguồn:**\n" + "\n".join(lines))
    if answer.notes:
        parts.append("\n\n" + " ".join(f"_{html.escape(n, quote=False)}_" for n in answer.notes))
    return "".join(parts)


def citation_label(n: int, doc: str, sentence: str) -> str:
    short = sentence if len(sentence) <= 90 else sentence[:87] + "…"
    return f"[{n}] {doc}: {short}"


def source_html(services: Services, citation: dict) -> str:
    """The cited passage with the cited sentence highlighted, and where it comes from."""
    passage = services.store.catalog.passages([citation["passage_id"]]).get(citation["passage_id"])
    info = services.store.catalog.document(citation["doc_id"])
    title = f" — {html.escape(info.title)}" if info and info.title else ""
    header = f"<div class='ngoaid-doc'>{html.escape(citation['doc'])}{title}</div>"
    if passage is None:
        return f"<div class='ngoaid-source'>{header}<p><mark>{html.escape(citation['sentence'])}</mark></p></div>"
    start, end = citation["start"] - passage.start, citation["end"] - passage.start
    before, cited, after = passage.text[:start], passage.text[start:end], passage.text[end:]
    return (
        f"<div class='ngoaid-source'>{header}<p>{html.escape(before)}<mark>{html.escape(cited)}</mark>"
        f"{html.escape(after)}</p><div>Ký tự {citation['start']}–{citation['end']} của tài liệu.</div></div>"
    )


def build_ui(get_services: Callable[[], Services], settings: Settings) -> gr.Blocks:
    with gr.Blocks(title="ngoaid — hỏi đáp viện trợ PCPNN") as demo:
        gr.Markdown(
            "# Hỏi đáp về viện trợ phi chính phủ nước ngoài\n"
            "Câu trả lời lấy nguyên văn số liệu từ tài liệu và ghi rõ nguồn. Có thể gõ có dấu, không dấu hoặc tiếng Anh."
        )
        with gr.Tab("Hỏi đáp"):
            chat = gr.Chatbot(label="Trò chuyện", height=420, elem_id="ngoaid-chat", feedback_options=None)
            with gr.Row():
                question = gr.Textbox(
                    placeholder="Ví dụ: Quảng Trị giải ngân bao nhiêu năm 2023?",
                    show_label=False,
                    scale=8,
                    elem_id="ngoaid-question",
                )
                send = gr.Button("Hỏi", variant="primary", scale=1, elem_id="ngoaid-send")
            gr.Examples(examples=EXAMPLES, inputs=question, label="Câu hỏi mẫu")
            citations_state = gr.State([])
            sources = gr.Radio(label="Nguồn của câu trả lời — chọn để xem đoạn văn", choices=[], elem_id="ngoaid-sources")
            source_view = gr.HTML(elem_id="ngoaid-source-view")

        with gr.Tab("Tài liệu"):
            token = gr.Textbox(
                label="Mã truy cập (máy chủ yêu cầu mã để thêm hoặc xóa tài liệu)",
                type="password",
                visible=bool(settings.api_token),
            )
            files = gr.File(
                label="Tải tài liệu lên (.txt, .md, .html, .pdf, .docx)",
                file_count="multiple",
                file_types=[".txt", ".md", ".html", ".htm", ".pdf", ".docx"],
                type="filepath",
            )
            upload_button = gr.Button("Thêm vào kho tài liệu", variant="primary")
            upload_result = gr.Markdown()
            table = gr.Dataframe(
                headers=["Mã", "Tên tệp", "Tiêu đề", "Số đoạn", "Ngày đăng"],
                interactive=False,
                label="Tài liệu đã có",
                elem_id="ngoaid-documents",
            )
            with gr.Row():
                doc_choice = gr.Dropdown(label="Chọn tài liệu để xóa", choices=[], scale=4)
                remove_button = gr.Button("Xóa tài liệu", variant="stop", scale=1)
            remove_result = gr.Markdown()

        with gr.Tab("Soạn thảo"):
            with gr.Row():
                topic = gr.Textbox(label="Chủ đề", value="công tác viện trợ phi chính phủ nước ngoài", scale=4)
                province = gr.Textbox(label="Tỉnh, thành phố (không bắt buộc)", scale=2)
                years = gr.Textbox(label="Năm hoặc giai đoạn, ví dụ 2023-2024", scale=2)
                occasion = gr.Dropdown(
                    label="Dịp", scale=2, value="tong-ket",
                    choices=[("Hội nghị tổng kết", "tong-ket"), ("Gặp mặt các tổ chức PCPNN", "gap-mat"), ("Báo cáo tóm tắt", "tom-tat")],
                )  # fmt: skip
                length = gr.Dropdown(label="Độ dài", scale=1, value="day-du", choices=[("Đầy đủ", "day-du"), ("Ngắn", "ngan")])
            draft_button = gr.Button("Soạn bài phát biểu", variant="primary")
            draft_view = gr.Markdown(elem_id="ngoaid-draft")
            draft_file = gr.File(label="Tải bản Word (.docx)")

        build_figures_tab(get_services, source_html)

        # --- behaviour ------------------------------------------------------------------------

        def respond(text: str, history: list[dict]):
            text = (text or "").strip()
            if not text:
                raise gr.Error("Hãy nhập câu hỏi.")
            services = get_services()
            try:
                answer = services.answerer.ask(text, top_k=settings.top_k)
            except QuestionError as exc:
                raise gr.Error(f"Câu hỏi không hợp lệ: {exc}") from exc
            history = [*history, {"role": "user", "content": text}, {"role": "assistant", "content": render_answer(answer)}]
            cited = to_jsonable_python(answer.citations)  # gradio state holds plain data
            labels = [citation_label(n, c["doc"], c["sentence"]) for n, c in enumerate(cited, 1)]
            first = labels[0] if labels else None
            view = source_html(services, cited[0]) if cited else ""
            return "", history, cited, gr.update(choices=labels, value=first), view

        def show_source(label: str | None, cited: list[dict]):
            if not label or not cited:
                return ""
            index = int(label[1 : label.index("]")]) - 1
            return source_html(get_services(), cited[index]) if 0 <= index < len(cited) else ""

        def documents_view():
            docs = get_services().documents()
            rows = [[d.doc_id, d.name, d.title or "", d.n_passages, d.published or ""] for d in docs]
            options = [(f"{d.name} ({d.doc_id[:8]})", d.doc_id) for d in docs]
            return rows, gr.update(choices=options, value=None)

        def upload(paths: list[str] | None, given_token: str, request: gr.Request):
            services = get_services()
            if not paths:
                raise gr.Error("Chưa chọn tệp nào.")
            who = _actor(request)
            try:
                services.check_token(given_token, who, "add")
                with ExitStack() as files:
                    report = services.upload([(Path(p).name, files.enter_context(open(p, "rb"))) for p in paths], who)
            except ServiceError as exc:
                raise gr.Error(_vietnamese_error(exc)) from exc
            labels = {"added": "đã thêm", "replaced": "đã thay bản cũ", "unchanged": "không đổi, đã có",
                      "duplicate": "trùng nội dung với tài liệu đã có", "failed": "không thêm được"}  # fmt: skip
            lines = [
                f"- **{r.name}**: {labels[r.status]}" + (f" ({r.passages} đoạn)" if r.passages else "") + (f" — {r.reason}" if r.reason else "")
                for r in report.results
            ]
            rows, options = documents_view()
            return "\n".join(lines), rows, options, None

        def remove(doc_id: str | None, given_token: str, request: gr.Request):
            if not doc_id:
                raise gr.Error("Hãy chọn tài liệu cần xóa.")
            services = get_services()
            who = _actor(request)
            try:
                services.check_token(given_token, who, "remove")
                info = services.remove(doc_id, who)
            except ServiceError as exc:
                raise gr.Error(_vietnamese_error(exc)) from exc
            rows, options = documents_view()
            return f"Đã xóa **{info.name}** ({info.n_passages} đoạn).", rows, options

        def draft(topic_text: str, province_text: str, years_text: str, occasion_key: str | None, length_key: str | None):
            try:
                result = get_services().drafter.draft(
                    topic_text, province=province_text or None, years=years_text or None, occasion=occasion_key,
                    length=length_key,
                )
            except DraftError as exc:
                raise gr.Error(f"Không soạn được: {exc}") from exc
            folder = Path(tempfile.mkdtemp(prefix="ngoaid-draft-"))
            path = folder / "du-thao-bai-phat-bieu.docx"
            path.write_bytes(render_docx(result))
            return render_markdown(result), str(path)

        outputs = [question, chat, citations_state, sources, source_view]
        send.click(respond, [question, chat], outputs)
        question.submit(respond, [question, chat], outputs)
        sources.change(show_source, [sources, citations_state], source_view)
        upload_button.click(upload, [files, token], [upload_result, table, doc_choice, files])
        remove_button.click(remove, [doc_choice, token], [remove_result, table, doc_choice])
        draft_button.click(draft, [topic, province, years, occasion, length], [draft_view, draft_file])
        demo.load(documents_view, None, [table, doc_choice])
    return demo


def _actor(request: gr.Request | None) -> Actor:
    """Who acts through the chat page, for the audit log: the browser's address and its session."""
    client = getattr(request, "client", None)
    session = getattr(request, "session_hash", None)
    return Actor(getattr(client, "host", None) or "unknown", "chat page", f"session {session}" if session else None)


def _vietnamese_error(exc: ServiceError) -> str:
    if exc.status == 401:
        return "Cần nhập đúng mã truy cập để thay đổi kho tài liệu."
    if exc.status == 413:
        return f"Tệp quá lớn: {exc.message}"
    return exc.message


def mount_ui(app: FastAPI, settings: Settings) -> None:
    demo = build_ui(lambda: app.state.services, settings)
    demo.queue(default_concurrency_limit=4)
    gr.mount_gradio_app(
        app,
        demo,
        path="/",
        theme=gr.themes.Default(),
        css=CSS,
        footer_links=[],
        allowed_paths=[],
        blocked_paths=[str(settings.data_dir.resolve())],  # the index and the uploaded originals
        max_file_size=f"{int(settings.max_file_mb)}mb",
        show_error=True,
        run_history=False,  # questions are not to be kept in the browser
        mcp_server=False,
    )
