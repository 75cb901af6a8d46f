"""The one voice-file format both providers' callers must meet: WAV, PCM, 8 kHz, mono, 16-bit.

Shared by config validation (check before upload) and the emulator (415.1).
"""

from __future__ import annotations

import io
import struct
import wave

RATE, CHANNELS, SAMPLE_WIDTH = 8000, 1, 2


def wav_problem(content: bytes) -> str | None:
    """Why ``content`` is not a WAV PCM 8 kHz mono 16-bit file, or None when it is."""
    try:
        with wave.open(io.BytesIO(content), "rb") as audio:
            rate, channels, width = audio.getframerate(), audio.getnchannels(), audio.getsampwidth()
    except (wave.Error, EOFError, struct.error) as exc:
        return f"not a PCM WAV file ({str(exc) or 'truncated'})"
    problems = []
    if rate != RATE:
        problems.append(f"{rate} Hz instead of {RATE} Hz")
    if channels != CHANNELS:
        problems.append(f"{channels} channels instead of mono")
    if width != SAMPLE_WIDTH:
        problems.append(f"{width * 8}-bit instead of 16-bit")
    return ", ".join(problems) or None


def make_wav(seconds: float = 0.05, *, rate: int = RATE, channels: int = CHANNELS,
             sample_width: int = SAMPLE_WIDTH, tone: int = 0) -> bytes:
    """A small valid (by default) WAV file: silence, or a simple pattern when ``tone`` > 0."""
    frames = int(rate * seconds)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(channels)
        audio.setsampwidth(sample_width)
        audio.setframerate(rate)
        sample = (tone % 256).to_bytes(1, "little") * sample_width
        audio.writeframes(sample * channels * frames)
    return buffer.getvalue()
