"""Public views: the GS1 Digital Link resolver, short links, the trace page, fake reports.

The trace page is plain HTML (no script, inline CSS, images deferred). It costs one query on a
warm cache: the item with its lot, product and enterprise; the rest of the page is a cached
fragment (traceability.page_cache). A check is never written by the request: it goes to the
scan buffer (traceability.scanlog), written in bulk once the buffer is due, after a response
has been sent.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.divisions import province_name
from accounts.generations import count
from accounts.network import client_ip
from traceability import page_cache, scanlog, services
from traceability.conf import setting
from traceability.exceptions import InvalidDigitalLink, ScanRateLimited
from traceability.gs1 import CANONICAL_STEM, build_uri, parse_path_and_query
from traceability.gs1.digital_link import DigitalLink
from traceability.models import Batch, ScanEvent, Serial
from traceability.selectors import Trace, add_trace_details, trace_for, trace_for_short_code

JSON_TYPES = ("application/json", "application/ld+json", "application/linkset+json")
PAGE_LINK_TYPES = {"", "gs1:pip", "gs1:traceability", "gs1:certificationinfo"}


def _wants_json(request: HttpRequest) -> bool:
    if request.GET.get("format") == "json":
        return True
    preferred = request.get_preferred_type(["text/html", *JSON_TYPES])
    return preferred in JSON_TYPES


def _activate_language(request: HttpRequest) -> None:
    """Vietnamese first; English when the visitor asks with `?lang=en` (a non-AI parameter,
    ignored for identity)."""
    language = "en" if request.GET.get("lang", "").lower().startswith("en") else "vi"
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _visitor(request: HttpRequest) -> str:
    return services.visitor_key(
        ip=client_ip(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
        day=timezone.localdate(),
    )


def _province(request: HttpRequest) -> int | None:
    header = setting("TRACE_PROVINCE_HEADER")
    raw = str(request.META.get(header, "")) if header else ""
    if raw.isdecimal() and province_name(int(raw)):
        return int(raw)
    return None


def _rate_limited(visitor: str) -> bool:
    checks = count(f"trace-rate:{visitor}", int(setting("TRACE_SCAN_RATE_WINDOW_SECONDS")))
    return checks > int(setting("TRACE_SCAN_RATE_LIMIT"))


def _is_own_staff(request: HttpRequest, trace: Trace) -> bool:
    """Staff of the enterprise (and back-office users) are not counted as checks."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return bool(trace.enterprise.memberships.filter(user=user).exists())


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return render(
        request, "traceability/error.html", {"message": message, "status": status}, status=status
    )


# --- Verdict --------------------------------------------------------------------------------


def verdict_for(trace: Trace, *, counted: bool) -> dict[str, Any]:
    """The authenticity verdict shown on the page, counting this check when `counted`."""
    if trace.asked_serial and trace.serial is None:
        return {
            "code": "unknown_serial",
            "text": _("This code is not recognised: it was never issued for this product."),
            "is_warning": True,
        }
    serial = trace.serial
    if serial is None:
        return {"code": "no_serial", "text": "", "is_warning": False}
    # Checks still in this process's buffer count too (see traceability.scanlog).
    count = serial.scan_count + scanlog.pending_checks(serial.value) + (1 if counted else 0)
    if serial.is_suspicious:
        text = _("Warning: this code has been checked in unusual ways and may have been copied.")
        return {"code": "suspicious", "text": text, "count": count, "is_warning": True}
    if count <= 1:
        return {"code": "first_check", "text": _("Verified — first check"), "count": count}
    first_at, place = serial.first_scanned_at, serial.first_province_name
    pending = scanlog.first_pending_check(serial.value) if first_at is None else None
    if pending is not None:
        first_at, place = pending[0], province_name(pending[1]) if pending[1] else ""
    first_at = first_at or timezone.now()
    values = {"count": count, "day": timezone.localtime(first_at).strftime("%d/%m/%Y")}
    if place:
        text = translation.ngettext(
            "Checked %(count)s time, first on %(day)s in %(place)s",
            "Checked %(count)s times, first on %(day)s in %(place)s",
            count,
        ) % {**values, "place": place}
    else:
        text = (
            translation.ngettext(
                "Checked %(count)s time, first on %(day)s",
                "Checked %(count)s times, first on %(day)s",
                count,
            )
            % values
        )
    return {"code": "checked_before", "text": text, "count": count, "is_warning": False}


def _storefront_url(trace: Trace) -> str:
    product = trace.product
    if product.status != "published" or product.enterprise.status != "approved":
        return ""
    try:
        return reverse("marketplace:product", args=[product.slug])
    except NoReverseMatch:
        return ""


def _canonical(trace: Trace, link: DigitalLink | None) -> str:
    if link is not None:
        return link.canonical()
    if trace.gtin:
        qualifiers: list[tuple[str, str]] = []
        if trace.batch is not None:
            qualifiers.append(("10", trace.batch.lot))
        if trace.serial is not None:
            qualifiers.append(("21", trace.serial.value))
        return build_uri(("01", trace.gtin), tuple(qualifiers), stem=CANONICAL_STEM)
    return ""


def trace_json(trace: Trace, verdict: dict[str, Any], canonical: str) -> dict[str, Any]:
    batch = trace.batch
    return {
        "level": trace.level,
        "is_exact": trace.is_exact,
        "canonical": canonical,
        "verdict": {key: str(value) for key, value in verdict.items()},
        "product": {"name": trace.product.name, "variant": trace.variant.name, "gtin": trace.gtin},
        "enterprise": {"name": trace.enterprise.name, "ward": trace.enterprise.ward_name},
        "ocop_stars": trace.ocop_stars,
        "lot": batch.lot if batch else None,
        "serial": trace.serial.value if trace.serial else None,
        "production_date": batch.production_date.isoformat() if batch else None,
        "expiry_date": batch.expiry_date.isoformat() if batch and batch.expiry_date else None,
        "areas": [
            {
                "code": area.code,
                "name": area.name,
                "ward": area.ward_name,
                "latitude": float(area.latitude) if area.latitude is not None else None,
                "longitude": float(area.longitude) if area.longitude is not None else None,
                "area_ha": float(area.area_ha) if area.area_ha is not None else None,
            }
            for area in (batch.areas.all() if batch else [])
        ],
        "events": [
            {
                "step": event.step,
                "label": str(event.get_step_display()),
                "occurred_at": timezone.localtime(event.occurred_at).isoformat(),
                "place": event.area.name if event.area else event.place,
                "performed_by": event.performed_by,
                "description": event.description,
                "corrects": event.corrects_id,
            }
            for event in trace.events
        ],
        "certificates": [
            {
                "kind": certificate.kind,
                "number": certificate.number,
                "issued_by": certificate.issuing_body,
                "expires_on": certificate.expires_on.isoformat(),
                "is_valid": certificate.is_valid_on(timezone.localdate()),
            }
            for certificate in trace.certificates
        ],
    }


def _scan_outcome(trace: Trace) -> str:
    if trace.asked_serial and trace.serial is None:
        return ScanEvent.Outcome.UNKNOWN_SERIAL
    if trace.serial is not None:
        return ScanEvent.Outcome.GENUINE
    return ScanEvent.Outcome.LOT if trace.batch is not None else ScanEvent.Outcome.PRODUCT


def _answer(request: HttpRequest, trace: Trace, link: DigitalLink | None) -> HttpResponse:
    """Render the trace (HTML or JSON) and buffer the check (written in bulk later)."""
    visitor = _visitor(request)
    counted = not _is_own_staff(request, trace)
    verdict = verdict_for(trace, counted=counted)
    canonical = _canonical(trace, link)
    status = 200 if trace.is_exact else 404
    response: HttpResponse
    if _wants_json(request):
        add_trace_details(trace)
        response = JsonResponse(trace_json(trace, verdict, canonical), status=status)
    else:
        response = _trace_page(request, trace, verdict, canonical, status)
    response["Vary"] = "Accept"
    # Stored by the browser only, and asked again every time (each check is counted): an
    # unchanged page is answered 304 by its ETag.
    response["Cache-Control"] = "private, no-cache"
    if status == 200:
        response["ETag"] = quote_etag(hashlib.blake2b(response.content, digest_size=16).hexdigest())
        response = (
            get_conditional_response(request, etag=response["ETag"], response=response) or response
        )
    if counted and request.method == "GET":  # a HEAD is a link check, not a scan
        # Written in bulk once the buffer is due, after a response has been sent (the
        # request_finished receiver in traceability.apps).
        _buffer_scan(trace, visitor, _province(request))
    return response


def _trace_page(
    request: HttpRequest, trace: Trace, verdict: dict[str, Any], canonical: str, status: int
) -> HttpResponse:
    """The HTML page: the lot's cached fragment (rendered on a miss, with the details' queries)
    around the parts that change with every check."""
    language = translation.get_language() or "vi"
    today = timezone.localdate()
    key = page_cache.fragment_key(trace, language=language, today=today)
    fragment = page_cache.cached_fragment(key)
    if fragment is None:
        add_trace_details(trace)
        context = {"trace": trace, "today": today, "buy_url": _storefront_url(trace)}
        fragment = render_to_string("traceability/_trace_fragment.html", context).split(
            page_cache.CUT
        )
        page_cache.store_fragment(key, fragment)
    code = trace.asked_serial or (trace.serial.value if trace.serial else "")
    lot = {"lot": trace.batch.lot} if trace.batch else {}
    query = {"code": code} | lot | {"gtin": trace.gtin}
    # Rendered without the request: the site's context processors (menus, language links)
    # are not used by this page.
    page = render_to_string(
        "traceability/trace.html",
        {
            "trace": trace,
            "fragment": [mark_safe(part) for part in fragment],  # noqa: S308  # our own render
            "verdict": verdict,
            "canonical": canonical,
            "report_url": reverse("traceability:report") + "?" + urlencode(query),
            "english_url": f"{request.path}?lang=en",
            "vietnamese_url": request.path,
            "LANGUAGE_CODE": language,
        },
    )
    return HttpResponse(page, status=status)


def _buffer_scan(trace: Trace, visitor: str, province: int | None) -> None:
    outcome = _scan_outcome(trace)
    code = trace.asked_serial or (trace.serial.value if trace.serial else "")
    if not code and trace.batch is not None:
        code = trace.batch.lot
    if outcome == ScanEvent.Outcome.UNKNOWN_SERIAL:
        code = f"{trace.gtin}/{trace.asked_lot}/{code}"
    scan = scanlog.Scan(
        outcome=outcome,
        visitor=visitor,
        serial_id=trace.serial.pk if trace.serial else None,
        batch_id=trace.batch.pk if trace.batch else None,
        enterprise_id=trace.enterprise.pk,
        code=code,
        province_code=province,
        at=timezone.now().isoformat(),
    )
    scanlog.buffer_scan(scan, serial_value=trace.serial.value if trace.serial else "")


# --- Views ------------------------------------------------------------------------------------


def _raw_path(request: HttpRequest) -> tuple[str, bool]:
    """The path as sent, when the server gives it (gunicorn: RAW_URI, uWSGI: REQUEST_URI);
    otherwise Django's decoded path, flagged as decoded."""
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0].split("#", 1)[0], False
    return request.path, True


@require_http_methods(["GET", "HEAD"])
def resolve_digital_link(request: HttpRequest, dl_path: str) -> HttpResponse:
    """`/01/{gtin14}[/10/{lot}][/21/{serial}]` and every other valid Digital Link form: the
    trace page or JSON (by Accept); 400 with the reason when the link is not valid; 404 when
    it is valid but not ours, with the nearest known level (lot, product) shown."""
    _activate_language(request)
    path, decoded = _raw_path(request)
    try:
        link = parse_path_and_query(
            path, request.META.get("QUERY_STRING", ""), path_is_decoded=decoded
        )
    except InvalidDigitalLink as error:
        message = _("This is not a valid GS1 Digital Link: %(reason)s") % {"reason": error.message}
        return _error(request, 400, message)
    link_type = (link.parameter("linkType") or "").lower()
    if link.key[0] != "01":
        return _error(request, 404, _("This identifier is not known here."))
    elements = link.elements
    if link_type == "gs1:epcis" and elements.get("10"):
        query = urlencode({"gtin": link.key[1], "lot": elements["10"]})
        return HttpResponseRedirect(reverse("api-v1:epcis_events") + "?" + query, status=307)
    if link_type not in PAGE_LINK_TYPES:
        return _error(request, 404, _("This product has no link of this type."))
    if _rate_limited(_visitor(request)):
        return _error(request, 429, ScanRateLimited().message)
    trace = trace_for(
        gtin=link.key[1], lot=elements.get("10", ""), serial=elements.get("21", ""), details=False
    )
    if trace is None:
        return _error(request, 404, _("This product code is not known here."))
    return _answer(request, trace, link)


@require_http_methods(["GET", "HEAD"])
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """`/t/{code}`: the short link of a small label or of a product without a GTIN."""
    _activate_language(request)
    if _rate_limited(_visitor(request)):
        return _error(request, 429, ScanRateLimited().message)
    trace = trace_for_short_code(code.upper(), details=False)
    if trace is None:
        return _error(
            request,
            404,
            _("This code is not recognised. If it is printed on a product, please report it."),
        )
    return _answer(request, trace, None)


class ReportForm(forms.Form):
    code = forms.CharField(max_length=120, required=False, widget=forms.HiddenInput)
    gtin = forms.CharField(max_length=14, required=False, widget=forms.HiddenInput)
    lot = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)
    message = forms.CharField(
        label=gettext_lazy("What looks wrong?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Where you bought it, the price, what differs from the label."),
    )
    contact = forms.CharField(
        label=gettext_lazy("Phone or email (optional)"), max_length=100, required=False
    )


@require_http_methods(["GET", "POST"])
def report_fake(request: HttpRequest) -> HttpResponse:
    """ "Report a suspected fake": a short form; the report goes to officers and the
    enterprise. Limited per visitor like the trace page."""
    _activate_language(request)
    form = ReportForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        if _rate_limited(_visitor(request)):
            return _error(request, 429, ScanRateLimited().message)
        data = form.cleaned_data
        serial = Serial.objects.select_related("batch").filter(value=data["code"]).first()
        batch = serial.batch if serial else None
        if batch is None and data["lot"]:
            batch = Batch.objects.filter(lot=data["lot"], variant__gtin__in=_forms(data)).first()
        try:
            services.report_suspected_fake(
                code="/".join(part for part in (data["gtin"], data["lot"], data["code"]) if part),
                message=data["message"],
                contact=data["contact"],
                serial=serial,
                batch=batch,
                enterprise_id=batch.enterprise_id if batch else None,
                province_code=_province(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "traceability/report_done.html")
    return render(request, "traceability/report.html", {"form": form})


def _forms(data: dict[str, Any]) -> list[str]:
    gtin = str(data.get("gtin") or "")
    return [gtin, gtin.lstrip("0")] if gtin.isdecimal() else []
