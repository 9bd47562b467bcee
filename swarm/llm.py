"""The LLM port over Anthropic's official SDK (which builds on httpx2).

One forced tool per call; the static system prompt is marked for prompt caching; the SDK retries
429/5xx/529 honouring ``retry-after``. Every call's usage (input, output, cache read/write tokens,
estimated cost) is appended to ``llm_calls.jsonl`` in the session folder, and a per-session token
budget is enforced before each call. Prompts are redacted before they leave the machine.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.ports import LLMReply
from memory.errors import LLMError
from memory.redact import Redactor, redact_obj

# USD per million tokens: input, output, cache write, cache read (estimates for the report)
PRICES = {"opus": (15.0, 75.0, 18.75, 1.5), "sonnet": (3.0, 15.0, 3.75, 0.3), "haiku": (0.8, 4.0, 1.0, 0.08)}


def estimate_cost(model: str, usage: dict[str, int]) -> float:
    price = next((p for k, p in PRICES.items() if k in model), PRICES["sonnet"])
    return round((usage.get("input_tokens", 0) * price[0] + usage.get("output_tokens", 0) * price[1]
                  + usage.get("cache_creation_input_tokens", 0) * price[2]
                  + usage.get("cache_read_input_tokens", 0) * price[3]) / 1e6, 6)


@dataclass
class TokenBudget:
    limit: int
    used: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def remaining(self) -> int:
        with self._lock:
            return max(0, self.limit - self.used)

    def spend(self, tokens: int) -> None:
        with self._lock:
            self.used += tokens


class AnthropicLLM:
    def __init__(self, api_key: str, model: str, max_tokens: int, budget: TokenBudget, usage_log: Path,
                 redactor: Redactor, base_url: str | None = None, http_client: Any = None, max_retries: int = 2,
                 timeout: float = 120.0) -> None:
        import anthropic

        self.model, self.max_tokens, self.budget = model, max_tokens, budget
        self.usage_log, self.redact = Path(usage_log), redactor
        self._client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout,
                                           **({"http_client": http_client} if http_client is not None else {}))
        self._lock = threading.Lock()

    def call(self, system: str, messages: list[dict[str, Any]], tool: dict[str, Any]) -> LLMReply:
        import anthropic

        remaining = self.budget.remaining()
        if remaining < 256:
            raise LLMError(f"the session's LLM token budget is spent ({self.budget.used} of {self.budget.limit} tokens)")
        system = self.redact(system)
        messages = redact_obj(messages, self.redact)  # type: ignore[assignment]
        started = time.monotonic()
        try:
            resp = self._client.messages.create(  # type: ignore[call-overload]
                model=self.model, max_tokens=min(self.max_tokens, remaining),
                system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
                messages=messages, tools=[tool], tool_choice={"type": "tool", "name": tool["name"]},
            )
        except anthropic.APIStatusError as exc:
            raise LLMError(f"the LLM API answered {exc.status_code}: {self.redact(str(exc.message))[:300]}") from exc
        except anthropic.APIError as exc:
            raise LLMError(f"the LLM API could not be reached: {self.redact(str(exc))[:300]}") from exc
        u = resp.usage
        usage = {"input_tokens": u.input_tokens or 0, "output_tokens": u.output_tokens or 0,
                 "cache_creation_input_tokens": getattr(u, "cache_creation_input_tokens", 0) or 0,
                 "cache_read_input_tokens": getattr(u, "cache_read_input_tokens", 0) or 0}
        self.budget.spend(usage["input_tokens"] + usage["output_tokens"] + usage["cache_creation_input_tokens"])
        tool_input, tool_id, text = None, "", ""
        for block in resp.content:
            if block.type == "tool_use" and block.name == tool["name"]:
                tool_input, tool_id = dict(block.input) if isinstance(block.input, dict) else None, block.id
            elif block.type == "text":
                text += block.text
        record = {"ts": round(time.time(), 3), "model": self.model, "tool": tool["name"], **usage,
                  "cost_usd": estimate_cost(self.model, usage), "seconds": round(time.monotonic() - started, 2),
                  "stop_reason": resp.stop_reason, "budget_used": self.budget.used, "budget_limit": self.budget.limit}
        with self._lock, open(self.usage_log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
        return LLMReply(tool_input=tool_input, tool_use_id=tool_id, text=text, usage=usage)
