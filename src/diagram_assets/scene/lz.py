"""LZ-String ``decompressFromBase64``, bounded and fast enough for multi-megabyte drawings.

Obsidian's Excalidraw plugin stores ``compressed-json`` blocks with LZ-String. The ``lzstring``
package decodes the same format (the tests check both agree on every corpus drawing) but it
needs seconds for a few hundred kilobytes and cannot stop early, so a crafted block could
expand without bound. This decoder turns the base64 text into '0'/'1' digits in C, moves them
60 at a time into a small integer it reads codes from, and gives up as soon as the output
passes ``max_chars``.
"""

from __future__ import annotations

import base64
import re

# LZ-String reads each character's 6 bits from the highest down, and assembles every value
# lowest bit first. JavaScript reads '=' as 64, whose six low bits are zero: it decodes like 'A'.
_REFILL = 60  # bits moved into the window at a time: keeps it a small, fast integer
_CHUNK_CHARS = 8192  # base64 characters turned into digits at a time
_INVALID = re.compile(r"[^A-Za-z0-9+/=]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class LZError(ValueError):
    """The data is not LZ-String base64; ``offset`` is the character at fault, if known."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset


class LZTooLarge(LZError):
    """The output would pass the limit."""


def invalid_char(data: str) -> int | None:
    """Offset of the first character outside the base64 alphabet, or None."""
    m = _INVALID.search(data)
    return m.start() if m else None


def _bit_digits(data: str) -> str:
    """The stream's bits as '0'/'1' digits in reading order (each character's 6 bits, MSB first).

    Standard base64 decoding yields exactly that bit order, and ``bin`` of the bytes read as
    one big integer writes it out in C, far faster than a table lookup per character.
    """
    padded = data.replace("=", "A")
    padded += "A" * (-len(padded) % 4)
    raw = base64.b64decode(padded)
    return bin(int.from_bytes(raw, "big"))[2:].zfill(len(raw) * 8)[: len(data) * 6]


def decompress_from_base64(data: str, max_chars: int) -> str:
    """Decode LZ-String base64 ``data`` (no whitespace) into text of at most ``max_chars``.

    Raises :class:`LZError` on characters outside the alphabet or a corrupt or truncated
    stream, :class:`LZTooLarge` when the text would be longer than ``max_chars``. Surrogate
    pairs (LZ-String works on UTF-16 code units) are joined; a lone half becomes U+FFFD.
    """
    bad = invalid_char(data)
    if bad is not None:
        raise LZError(f"character {data[bad]!r} is not base64", bad)
    if not data:
        raise LZError("the block is empty")
    # The stream's bits as digits, one chunk of characters at a time (6 digits per character
    # would otherwise cost far more memory than the text itself); ``q`` is the next digit.
    chunk = ""
    q = 0
    next_char = 0
    # ``window`` holds the next ``avail`` bits of the stream, the next one to read lowest.
    window = 0
    avail = 0

    def refill(need: int) -> None:
        nonlocal window, avail, chunk, q, next_char
        while avail < need:
            if q >= len(chunk):
                if next_char >= len(data):
                    raise LZError("the compressed data ends early (truncated?)")
                chunk = _bit_digits(data[next_char : next_char + _CHUNK_CHARS])
                next_char += _CHUNK_CHARS
                q = 0
            take = min(_REFILL, len(chunk) - q)
            # reversed, the digits read as a binary numeral whose lowest bit comes first
            window |= int(chunk[q : q + take][::-1], 2) << avail
            avail += take
            q += take

    def read(n: int) -> int:
        nonlocal window, avail
        if avail < n:
            refill(n)
        value = window & ((1 << n) - 1)
        window >>= n
        avail -= n
        return value

    first = read(2)
    if first == 2:
        return ""
    if first > 2:
        raise LZError("the data does not start like LZ-String output")
    w = chr(read(8 if first == 0 else 16))
    dictionary: list[str] = ["", "", "", w]
    append_entry = dictionary.append
    out: list[str] = [w]
    append_out = out.append
    total = 1
    num_bits = 3
    mask = 7
    enlarge_in = 4
    dict_size = 4
    while True:
        if avail < num_bits:
            refill(num_bits)
        code = window & mask
        window >>= num_bits
        avail -= num_bits
        if code > 2:
            if code < dict_size:
                entry = dictionary[code]
            elif code == dict_size:
                entry = w + w[0]
            else:
                raise LZError("the compressed data is corrupt (a code refers to nothing)")
        elif code == 2:
            break
        else:  # a literal character of 8 or 16 bits, added to the dictionary first
            entry = chr(read(8 if code == 0 else 16))
            append_entry(entry)
            dict_size += 1
            enlarge_in -= 1
            if enlarge_in == 0:
                enlarge_in = 1 << num_bits
                num_bits += 1
                mask = (1 << num_bits) - 1
        total += len(entry)
        if total > max_chars:
            raise LZTooLarge(f"the decompressed text is over {max_chars} characters")
        append_out(entry)
        append_entry(w + entry[0])
        dict_size += 1
        enlarge_in -= 1
        w = entry
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1
            mask = (1 << num_bits) - 1
    text = "".join(out)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text
