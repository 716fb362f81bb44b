"""JSON and msgpack encoding of ``[name, doc]`` frames, numpy-aware.

Private stop-gap until ``acq.documents`` codecs land; same wire format:
one JSON array per line, or concatenated msgpack arrays.
"""

from __future__ import annotations

from typing import Any

import msgspec
import numpy as np


def _enc_hook(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if hasattr(obj, "model_dump"):  # pydantic models
        return obj.model_dump(exclude_none=True)
    raise NotImplementedError(f"cannot encode {type(obj).__name__} in a document")


json_encoder = msgspec.json.Encoder(enc_hook=_enc_hook)
msgpack_encoder = msgspec.msgpack.Encoder(enc_hook=_enc_hook)
json_decoder = msgspec.json.Decoder()
