"""A small OpenAI-compatible chat server for tests: it answers what the test tells it to."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import httpx
import uvicorn
from fastapi import FastAPI, Request

Reply = Callable[[str], str]  # user message -> assistant text


class FakeLLM:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reply: Reply = lambda user: "NOT_IN_DOCUMENTS"
        self.requests: list[dict] = []
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> dict:
            body = await request.json()
            self.requests.append(body)
            user = next(m["content"] for m in body["messages"] if m["role"] == "user")
            return {
                "id": "fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": self.reply(user)}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }

        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/docs", timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("fake LLM server did not start")

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def verified_answer(user: str) -> str:
    """The extractive answer the prompt carries (what a well-behaved model would rephrase)."""
    return re.search(r"Verified extractive answer \(correct, but terse\): (.*)\n", user).group(1)


def passage_numbers(user: str) -> dict[int, str]:
    return {int(n): text for n, text in re.findall(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', user, re.S)}
