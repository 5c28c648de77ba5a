"""Uploaded wound photos: check, normalise and strip them before they are stored.

Phone photos carry EXIF, and EXIF can carry GPS: the patient's home address. Every accepted
photo is therefore decoded and re-encoded without metadata, with the EXIF orientation applied
to the pixels so that it still displays upright. Plain bytes in, plain data out; Pillow only.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageOps

JPEG_MEDIA_TYPE: Final = "image/jpeg"
PNG_MEDIA_TYPE: Final = "image/png"

_JPEG_MAGIC: Final = b"\xff\xd8\xff"
_PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"

# The only Pillow plugin tried per sniffed type, so other parsers never see the bytes, and
# the format names it may report. Phones save multi-picture JPEGs (depth maps, previews)
# that Pillow's JPEG plugin opens as "MPO"; the first picture is the photo itself.
_PILLOW_PLUGIN: Final = {JPEG_MEDIA_TYPE: "JPEG", PNG_MEDIA_TYPE: "PNG"}
_PILLOW_FORMATS: Final = {
    JPEG_MEDIA_TYPE: frozenset({"JPEG", "MPO"}),
    PNG_MEDIA_TYPE: frozenset({"PNG"}),
}

# Modes written as they are; anything else is converted first (see _normalise_mode).
_JPEG_MODES: Final = frozenset({"L", "RGB"})
_PNG_MODES: Final = frozenset({"1", "L", "LA", "RGB", "RGBA", "I;16"})

_JPEG_QUALITY: Final = 90

# What a decoder may raise on a truncated or corrupt file. PIL.UnidentifiedImageError is an
# OSError; PNG chunk errors are SyntaxError; zTXt/iCCP decompression limits are ValueError.
# Truncation is only an error while PIL.ImageFile.LOAD_TRUNCATED_IMAGES keeps its default
# (False); nothing in telemon may switch it on, or half photos would be stored grey-filled.
_CORRUPT_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError)


class ImageRejected(Exception):
    """The upload is not an acceptable photo.

    status is the HTTP status to answer with (413 too large, 415 not a JPEG/PNG, 422 corrupt
    or undecodable); reason is a short English sentence for a problem+json detail. Neither
    ever contains the uploaded content.
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class ProcessedImage:
    """A photo ready to store: clean re-encoded content plus a JPEG thumbnail."""

    content: bytes
    """Re-encoded image: metadata stripped, EXIF orientation applied to the pixels."""
    media_type: str
    """"image/jpeg" or "image/png", decided from the content, never a filename."""
    width: int
    """Width in pixels of content, after orientation."""
    height: int
    """Height in pixels of content, after orientation."""
    sha256: str
    """Lower-case hex SHA-256 of content."""
    thumbnail: bytes
    """JPEG whose longest side is at most thumbnail_px (never enlarged)."""
    thumbnail_media_type: str
    """Always "image/jpeg"."""


def process_photo(
    data: bytes,
    *,
    max_bytes: int = 15_000_000,
    max_pixels: int = 40_000_000,
    thumbnail_px: int = 320,
) -> ProcessedImage:
    """Validate an uploaded photo and return it re-encoded without metadata, with a thumbnail.

    Checks, in order, each raising ImageRejected:

    - more than max_bytes bytes → 413 (exactly max_bytes is accepted);
    - content not starting with the JPEG (FF D8 FF) or PNG signature → 415 (the filename
      and declared type are never consulted); only Pillow's JPEG or PNG reader, matching
      the signature, is then allowed to parse it;
    - width × height, read from the header before any pixel is decoded, above max_pixels
      → 413 "image dimensions too large" (exactly max_pixels is accepted). Pillow's own
      DecompressionBombError (and DecompressionBombWarning, if warnings are escalated to
      errors) is mapped to the same answer; its global MAX_IMAGE_PIXELS is neither
      relied on nor changed;
    - a header or pixel data that the matching reader cannot decode (truncated, corrupt,
      or only the signature of a JPEG/PNG) → 422.

    The output keeps the input's format: JPEG re-encoded at quality 90 (as L or RGB; CMYK is
    converted to RGB), PNG losslessly (alpha kept; palette and tRNS transparency become
    RGB/RGBA or LA). Only the first frame of a multi-picture JPEG or animated PNG is kept.
    EXIF (hence GPS), XMP, comments and PNG text chunks are dropped. The ICC colour profile
    is kept, because wound colour (granulation red, slough yellow) is clinical information
    and phone photos are often in Display P3; it is dropped when CMYK is converted to RGB,
    where it would no longer apply.

    The thumbnail is a quality-90 JPEG whose longest side is at most thumbnail_px pixels
    (smaller images are not enlarged); transparency is flattened onto white.

    Raises ValueError if max_bytes, max_pixels or thumbnail_px is not positive.
    """
    if max_bytes < 1 or max_pixels < 1 or thumbnail_px < 1:
        raise ValueError("max_bytes, max_pixels and thumbnail_px must be positive")
    if len(data) > max_bytes:
        raise ImageRejected(413, f"The photo is larger than {max_bytes} bytes.")
    media_type = _sniff(data)

    try:
        upright = _open_checked(data, media_type, max_pixels)
        upright.load()
        # In place: no second full-size copy of the pixels when there is nothing to rotate.
        ImageOps.exif_transpose(upright, in_place=True)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(413, "The image dimensions are too large.") from None
    except _CORRUPT_ERRORS:
        raise ImageRejected(422, "The photo is truncated or corrupt.") from None

    icc_profile = upright.info.get("icc_profile") if upright.mode != "CMYK" else None
    image = _normalise_mode(upright, media_type)
    # Nothing from the source's info may reach the encoder: Pillow's savers fall back to
    # image.info for comments, ICC and transparency, and so would leak JPEG COM markers.
    image.info = {}
    content = _encode(image, media_type, icc_profile)
    small = _thumbnail(image, thumbnail_px)
    # A grey ICC profile must not be attached to a thumbnail flattened to RGB (from LA).
    same_colours = _is_grey(small.mode) == _is_grey(image.mode)
    thumbnail = _encode(small, JPEG_MEDIA_TYPE, icc_profile if same_colours else None)
    return ProcessedImage(
        content=content,
        media_type=media_type,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(content).hexdigest(),
        thumbnail=thumbnail,
        thumbnail_media_type=JPEG_MEDIA_TYPE,
    )


def header_pixels(data: bytes) -> int:
    """Width × height as the photo's header states them, without decoding any pixel: what
    decoding it would cost. Raises ImageRejected (415 not JPEG/PNG, 413 past Pillow's
    decompression-bomb limit, 422 unreadable header)."""
    media_type = _sniff(data)
    try:
        with Image.open(io.BytesIO(data), formats=[_PILLOW_PLUGIN[media_type]]) as image:
            return int(image.width * image.height)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses a header past twice its MAX_IMAGE_PIXELS (30000 × 30000) on opening.
        raise ImageRejected(413, "The image dimensions are too large.") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageRejected(422, "The photo cannot be read.") from None


def _sniff(data: bytes) -> str:
    if data.startswith(_JPEG_MAGIC):
        return JPEG_MEDIA_TYPE
    if data.startswith(_PNG_MAGIC):
        return PNG_MEDIA_TYPE
    raise ImageRejected(415, "Only JPEG and PNG photos are accepted.")


def _open_checked(data: bytes, media_type: str, max_pixels: int) -> Image.Image:
    # Image.open reads only the header, so the size check below runs before any pixel
    # data is decompressed; a small file claiming 50000 × 50000 is refused here.
    image = Image.open(io.BytesIO(data), formats=[_PILLOW_PLUGIN[media_type]])
    if image.format not in _PILLOW_FORMATS[media_type]:
        image.close()
        raise ImageRejected(415, "Only JPEG and PNG photos are accepted.")
    if image.width * image.height > max_pixels:
        image.close()
        raise ImageRejected(413, "The image dimensions are too large.")
    return image


def _normalise_mode(image: Image.Image, media_type: str) -> Image.Image:
    """Convert to a mode the output format stores faithfully."""
    if media_type == JPEG_MEDIA_TYPE:
        # Pillow decodes JPEG as L, RGB or CMYK; CMYK is converted for browsers and phones.
        return image if image.mode in _JPEG_MODES else image.convert("RGB")
    if "transparency" in image.info and image.mode in ("1", "L", "P", "RGB"):
        # tRNS transparency (palette alpha or a colour key) lives in image.info, which is not
        # carried into the output; make it a real alpha channel instead.
        return image.convert("LA" if image.mode in ("1", "L") else "RGBA")
    if image.mode == "P":
        return image.convert("RGB")
    return image if image.mode in _PNG_MODES else image.convert("RGBA")


def _thumbnail(image: Image.Image, size_px: int) -> Image.Image:
    """A JPEG-ready copy: shrunk to fit size_px (never enlarged), then L or RGB with any
    alpha flattened onto white."""
    scale = min(1.0, size_px / max(image.size))
    # Resize before converting, so that no second full-size copy of a 40 Mpx photo is made.
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    small = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if small.mode in ("I", "I;16"):
        # 16-bit grey: scale to 8 bits rather than clip everything above 255 to white.
        return small.convert("I").point(lambda value: value / 256).convert("L")
    if small.mode in ("LA", "RGBA"):
        rgba = small.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return small.convert("L" if small.mode in ("1", "L") else "RGB")


def _is_grey(mode: str) -> bool:
    return mode in ("1", "L", "LA", "I", "I;16")


def _encode(image: Image.Image, media_type: str, icc_profile: bytes | None) -> bytes:
    # Only explicit options reach the encoder: no exif, xmp, comment or pnginfo.
    options: dict[str, object] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    if media_type == JPEG_MEDIA_TYPE:
        image.save(buffer, format="JPEG", quality=_JPEG_QUALITY, **options)
    else:
        image.save(buffer, format="PNG", **options)
    return buffer.getvalue()
