"""What a file really is, from its first bytes (issue 4 "Bad input": by content, not name)."""

from aftersales.cases.models import AttachmentKind

# (content type, attachment kind) by signature; no new dependency needed.
_FTYP_BRANDS = {
    b"heic": ("image/heic", AttachmentKind.PHOTO), b"heix": ("image/heic", AttachmentKind.PHOTO),
    b"mif1": ("image/heif", AttachmentKind.PHOTO), b"msf1": ("image/heif", AttachmentKind.PHOTO),
    b"qt  ": ("video/quicktime", AttachmentKind.VIDEO),
}


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, kind) for the allowed types, None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", AttachmentKind.PHOTO
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", AttachmentKind.PHOTO
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif", AttachmentKind.PHOTO
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", AttachmentKind.PHOTO
    if head.startswith(b"%PDF-"):
        return "application/pdf", AttachmentKind.DOCUMENT
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return _FTYP_BRANDS.get(brand, ("video/mp4", AttachmentKind.VIDEO))
    return None
