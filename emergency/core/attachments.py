"""One attachment mechanism: type and size limits, real-image check, scoped download only."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .audit import audit_record
from .models import Attachment, AuditEvent

# A 100-byte PNG may declare 30000 × 30000 pixels. Pillow warns (DecompressionBombWarning) above its
# MAX_IMAGE_PIXELS (89.5 megapixels) and refuses (DecompressionBombError, not an OSError) above twice that;
# we refuse from the first bound on, whatever the warning filters say (a phone's usual photo is 12-50 MP).
MAX_IMAGE_PIXELS = 89_478_485


def _too_large() -> ValidationError:
    return ValidationError({"file": _("The image has too many pixels (at most %(mp)d megapixels).") % {
        "mp": MAX_IMAGE_PIXELS // 1_000_000}})


def _check_image(uploaded) -> None:
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as img:
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise _too_large()
            img.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"file": _("The file is not a valid image.")}) from exc
    finally:
        uploaded.seek(0)


@transaction.atomic
def attachment_add(*, acting_user, parent: models.Model, uploaded) -> Attachment:
    name = os.path.basename(uploaded.name or "")
    ext = os.path.splitext(name)[1].lower()
    kind = settings.ATTACHMENT_ALLOWED_TYPES.get(ext)
    if kind is None:
        allowed = ", ".join(sorted(settings.ATTACHMENT_ALLOWED_TYPES))
        raise ValidationError({"file": _("Files of type %(ext)s are not accepted. Accepted: %(allowed)s.") % {
            "ext": ext or "?", "allowed": allowed}})
    if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.") % {
            "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}})
    if uploaded.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if kind == "image":
        _check_image(uploaded)
    att = Attachment(token=secrets.token_hex(16), parent_type=ContentType.objects.get_for_model(parent),
                     parent_id=str(parent.pk), original_name=name[:255], extension=ext, kind=kind,
                     size=uploaded.size, uploaded_by=acting_user)
    att.file.save(f"{att.token}{ext}", uploaded, save=False)
    att._history_user = acting_user
    att.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=att,
                 changes={"file": [None, name], "parent": [None, f"{parent._meta.label}:{parent.pk}"]})
    return att


def attachments_of(parent: models.Model):
    return Attachment.objects.filter(parent_type=ContentType.objects.get_for_model(parent),
                                     parent_id=str(parent.pk), archived_at__isnull=True)
