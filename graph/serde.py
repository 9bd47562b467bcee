"""The checkpoint serializer: every string is redacted before a checkpoint is written, and with a key
configured (``SWARM_CHECKPOINT_KEY``) the bytes are encrypted with AES-GCM (LangGraph's
``EncryptedSerializer``). Only the state models of ``memory.models`` may be revived from msgpack."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.types import Send
from pydantic import BaseModel

import memory.models as models
from memory.errors import ConfigError
from memory.redact import Redactor


def deep_redact(obj: Any, redact: Redactor) -> Any:
    """Redact every string inside state values, pydantic models, ``Send`` packets and plain containers."""
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, BaseModel):
        fields = {k: deep_redact(v, redact) for k, v in obj.__dict__.items()}
        return obj.model_construct(_fields_set=obj.model_fields_set, **fields)
    if isinstance(obj, Send):
        return Send(obj.node, deep_redact(obj.arg, redact))
    if isinstance(obj, dict):
        return {k: deep_redact(v, redact) for k, v in obj.items()}
    if isinstance(obj, list):
        return [deep_redact(v, redact) for v in obj]
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return tuple(deep_redact(v, redact) for v in obj)
    return obj


class RedactingSerializer(JsonPlusSerializer):
    def __init__(self, redact: Redactor) -> None:
        allowed = [("memory.models", name) for name in dir(models) if isinstance(getattr(models, name), type)
                   and issubclass(getattr(models, name), models.Model)]
        super().__init__(allowed_msgpack_modules=allowed)
        self._redact = redact

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        return super().dumps_typed(deep_redact(obj, self._redact))


def _key_bytes(key: str) -> bytes:
    raw = key.strip()
    for decode in (bytes.fromhex, base64.b64decode):
        try:
            data = decode(raw)
        except (ValueError, binascii.Error):
            continue
        if len(data) in (16, 24, 32):
            return data
    data = raw.encode()
    if len(data) in (16, 24, 32):
        return data
    raise ConfigError("SWARM_CHECKPOINT_KEY must be 16, 24 or 32 bytes (raw, hex or base64) for AES; "
                      "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'")


def checkpoint_serde(redact: Redactor, key: str | None = None) -> Any:
    """The serializer for a session's checkpointer: redacting, and encrypting when ``key`` is set."""
    inner = RedactingSerializer(redact)
    if not key:
        return inner
    try:
        from langgraph.checkpoint.serde.encrypted import EncryptedSerializer
    except ImportError as exc:  # pragma: no cover - shipped with langgraph-checkpoint
        raise ConfigError("checkpoint encryption needs langgraph-checkpoint's EncryptedSerializer") from exc
    try:
        return EncryptedSerializer.from_pycryptodome_aes(inner, key=_key_bytes(key))
    except ImportError as exc:
        raise ConfigError("SWARM_CHECKPOINT_KEY is set but pycryptodome is not installed: pip install pycryptodome") from exc
