import hashlib
import io
import struct
import zlib
from typing import Any

import pytest
from PIL import Image, ImageFile, PngImagePlugin

from telemon.woundcare.images import ImageRejected, ProcessedImage, process_photo

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps_and_orientation(width: int = 400, height: int = 200) -> bytes:
    image = Image.new("RGB", (width, height), (200, 40, 40))
    # Left half different, so rotation is visible in the pixels too.
    image.paste((20, 200, 20), (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # stored sideways: display needs 90° clockwise rotation
    exif[0x010F] = "SyntheticPhone"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (55.0, 40.0, 30.0)  # GPSLatitude
    gps[3] = "E"  # GPSLongitudeRef
    gps[4] = (12.0, 34.0, 56.0)  # GPSLongitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"home of patient", quality=95)
    return buffer.getvalue()


def png_bytes(image: Image.Image, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def bilevel_png(width: int, height: int, *, real_pixels: bool) -> bytes:
    """A 1-bit greyscale PNG built by hand, without allocating the image in memory."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    data = b""
    if real_pixels:
        row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits, all black
        data = b"".join(compressor.compress(row) for _ in range(height))
    data += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


@pytest.fixture
def no_pixel_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def reject_status(data: bytes, **options: Any) -> int:
    with pytest.raises(ImageRejected) as caught:
        process_photo(data, **options)
    assert caught.value.reason
    return caught.value.status


def test_jpeg_gps_exif_stripped_and_orientation_applied() -> None:
    original = jpeg_with_gps_and_orientation(400, 200)
    assert b"Exif" in original

    result = process_photo(original)

    assert result.media_type == "image/jpeg"
    assert (result.width, result.height) == (200, 400)
    assert b"Exif" not in result.content
    assert b"SyntheticPhone" not in result.content
    assert b"home of patient" not in result.content
    with Image.open(io.BytesIO(result.content)) as reopened:
        assert reopened.format == "JPEG"
        assert reopened.size == (200, 400)
        exif = reopened.getexif()
        assert len(exif) == 0
        assert GPS_IFD not in exif
        assert not exif.get_ifd(GPS_IFD)
        assert "comment" not in reopened.info
        # Green was on the left; after a 90° clockwise turn it is on top.
        rgb = reopened.convert("RGB")
        top = rgb.getpixel((100, 50))
        bottom = rgb.getpixel((100, 350))
        assert isinstance(top, tuple)
        assert isinstance(bottom, tuple)
        assert top[1] > 150 > top[0]
        assert bottom[0] > 150 > bottom[1]


def test_sha256_matches_content() -> None:
    result = process_photo(jpeg_with_gps_and_orientation())
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()


def test_thumbnail_is_jpeg_within_limit() -> None:
    result = process_photo(jpeg_with_gps_and_orientation(1200, 800))
    assert result.thumbnail_media_type == "image/jpeg"
    assert len(result.thumbnail) < len(result.content)
    with Image.open(io.BytesIO(result.thumbnail)) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) == 320
        assert thumb.size == (213, 320)  # 800 × 1200 after rotation, aspect kept
        assert len(thumb.getexif()) == 0


def test_thumbnail_size_is_configurable_and_never_enlarges() -> None:
    small = process_photo(png_bytes(Image.new("RGB", (100, 50), "blue")), thumbnail_px=320)
    with Image.open(io.BytesIO(small.thumbnail)) as thumb:
        assert thumb.size == (100, 50)
    tiny = process_photo(jpeg_with_gps_and_orientation(), thumbnail_px=64)
    with Image.open(io.BytesIO(tiny.thumbnail)) as thumb:
        assert max(thumb.size) == 64


def test_png_text_chunks_stripped_and_alpha_kept() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "patient lives at Synthetic Street 1")
    text.add_text("Author", "nurse", zip=True)
    image = Image.new("RGBA", (64, 48), (255, 0, 0, 128))
    original = png_bytes(image, pnginfo=text)
    assert b"Synthetic Street" in original

    result = process_photo(original)

    assert result.media_type == "image/png"
    assert (result.width, result.height) == (64, 48)
    assert b"tEXt" not in result.content
    assert b"zTXt" not in result.content
    assert b"iTXt" not in result.content
    with Image.open(io.BytesIO(result.content)) as reopened:
        assert reopened.mode == "RGBA"
        assert reopened.getpixel((0, 0)) == (255, 0, 0, 128)
        assert not getattr(reopened, "text", {})
    with Image.open(io.BytesIO(result.thumbnail)) as thumb:
        assert thumb.mode == "RGB"  # alpha flattened onto white


def test_png_exif_orientation_applied_and_stripped() -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 8
    exif.get_ifd(GPS_IFD)[1] = "N"
    original = png_bytes(Image.new("RGB", (30, 10), "white"), exif=exif)
    result = process_photo(original)
    assert (result.width, result.height) == (10, 30)
    assert b"eXIf" not in result.content
    assert b"Exif" not in result.content


def test_palette_png_with_transparency_becomes_rgba() -> None:
    image = Image.new("P", (8, 8), 1)
    image.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    result = process_photo(png_bytes(image, transparency=1))
    with Image.open(io.BytesIO(result.content)) as reopened:
        assert reopened.mode == "RGBA"
        assert reopened.getpixel((0, 0)) == (255, 255, 255, 0)


def test_cmyk_jpeg_becomes_rgb() -> None:
    buffer = io.BytesIO()
    Image.new("CMYK", (20, 20), (0, 255, 255, 0)).save(buffer, format="JPEG")
    result = process_photo(buffer.getvalue())
    with Image.open(io.BytesIO(result.content)) as reopened:
        assert reopened.mode == "RGB"


def test_icc_profile_kept() -> None:
    profile = b"synthetic-icc-profile" * 10
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="JPEG", icc_profile=profile)
    result = process_photo(buffer.getvalue())
    with Image.open(io.BytesIO(result.content)) as reopened:
        assert reopened.info.get("icc_profile") == profile


def test_sixteen_bit_grey_png_kept_and_thumbnailed() -> None:
    image = Image.new("I;16", (40, 40), 40000)
    result = process_photo(png_bytes(image))
    with Image.open(io.BytesIO(result.content)) as reopened:
        assert reopened.mode.startswith("I")
        assert reopened.getpixel((0, 0)) == 40000
    with Image.open(io.BytesIO(result.thumbnail)) as thumb:
        assert thumb.mode == "L"
        pixel = thumb.getpixel((0, 0))
        assert isinstance(pixel, int)
        assert 150 < pixel < 160  # 40000 / 256 ≈ 156, not clipped to white


def test_text_file_named_jpg_is_unsupported() -> None:
    assert reject_status(b"this is not a photo, whatever the filename says\n") == 415


def test_empty_upload_is_unsupported() -> None:
    assert reject_status(b"") == 415


def test_gif_is_unsupported() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(buffer, format="GIF")
    assert reject_status(buffer.getvalue()) == 415


def test_bmp_is_unsupported() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(buffer, format="BMP")
    assert reject_status(buffer.getvalue()) == 415


def test_oversize_bytes_rejected_before_anything_else() -> None:
    data = jpeg_with_gps_and_orientation()
    assert reject_status(data, max_bytes=len(data) - 1) == 413
    assert process_photo(data, max_bytes=len(data)).media_type == "image/jpeg"
    assert reject_status(b"x" * 101, max_bytes=100) == 413


def test_pixel_limit_checked_from_header_before_decoding(no_pixel_decoding: None) -> None:
    # 8000 × 6000 = 48 Mpx: over our 40 Mpx default, under Pillow's own global limit.
    bomb = bilevel_png(8000, 6000, real_pixels=True)
    assert len(bomb) < 100_000
    assert reject_status(bomb) == 413


def test_real_decompression_bomb_rejected(no_pixel_decoding: None) -> None:
    bomb = bilevel_png(20_000, 20_000, real_pixels=True)
    assert len(bomb) < 200_000
    with pytest.raises(ImageRejected) as caught:
        process_photo(bomb)
    assert caught.value.status == 413
    assert "dimensions" in caught.value.reason


def test_header_claiming_huge_dimensions_rejected(no_pixel_decoding: None) -> None:
    assert reject_status(bilevel_png(50_000, 50_000, real_pixels=False)) == 413


def test_pixel_limit_is_configurable() -> None:
    data = png_bytes(Image.new("L", (100, 50)))
    assert process_photo(data, max_pixels=5000).width == 100
    assert reject_status(data, max_pixels=4999) == 413


def test_truncated_jpeg_is_unprocessable() -> None:
    data = jpeg_with_gps_and_orientation(800, 600)
    assert reject_status(data[: len(data) // 2]) == 422


def test_jpeg_signature_with_garbage_is_unprocessable() -> None:
    assert reject_status(b"\xff\xd8\xff" + b"\x00" * 64) == 422


def test_corrupt_png_is_unprocessable() -> None:
    data = bytearray(png_bytes(Image.new("RGB", (50, 50), "red")))
    data[40:60] = b"\x00" * 20  # inside IDAT: CRC and zlib stream broken
    assert reject_status(bytes(data)) == 422


def test_invalid_limits_are_programming_errors() -> None:
    with pytest.raises(ValueError):
        process_photo(b"", thumbnail_px=0)


def test_result_is_frozen() -> None:
    result = process_photo(png_bytes(Image.new("RGB", (4, 4))))
    assert isinstance(result, ProcessedImage)
    with pytest.raises(AttributeError):
        result.width = 5  # type: ignore[misc]


def test_multi_picture_jpeg_from_phone_accepted_as_jpeg() -> None:
    buffer = io.BytesIO()
    first = Image.new("RGB", (60, 40), "red")
    first.save(buffer, format="MPO", save_all=True, append_images=[Image.new("RGB", (6, 4))])
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:
        assert check.format == "MPO"
    result = process_photo(data)
    assert result.media_type == "image/jpeg"
    assert (result.width, result.height) == (60, 40)


def test_grey_icc_profile_not_attached_to_rgb_thumbnail() -> None:
    profile = b"synthetic-grey-profile" * 10
    image = Image.new("LA", (40, 40), (128, 200))
    result = process_photo(png_bytes(image, icc_profile=profile))
    with Image.open(io.BytesIO(result.content)) as reopened:
        assert reopened.info.get("icc_profile") == profile
    with Image.open(io.BytesIO(result.thumbnail)) as thumb:
        assert thumb.mode == "RGB"
        assert "icc_profile" not in thumb.info


def test_jpeg_xmp_stripped() -> None:
    buffer = io.BytesIO()
    xmp = b"<x:xmpmeta><exif:GPSLatitude>55,40.5N</exif:GPSLatitude></x:xmpmeta>"
    Image.new("RGB", (20, 20), "red").save(buffer, format="JPEG", xmp=xmp)
    assert b"GPSLatitude" in buffer.getvalue()
    result = process_photo(buffer.getvalue())
    assert b"GPSLatitude" not in result.content
    assert b"ns.adobe.com/xap" not in result.content
