"""Open311 GeoReport v2 over the catalogue and the cases, callable without HTTP.

- services: the catalogue items that accept reports; ``jurisdiction_id`` is the community id.
- a posted request opens a case (source ``open311``) and keeps what the client sent beside it.
- requests: the community's public cases (cases opened from another service's events may name a
  household and are never listed); status ``closed`` once the case is closed, else ``open``, with
  the last public timeline entry in plain words as ``status_notes``.

Errors are :class:`Open311Error` (a code and a description), rendered in Open311's error format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale

from linli.cases.casework import progress
from linli.cases.casework import service as cases
from linli.cases.casework.models import Case, Deadline, Invitation, TimelineEntry
from linli.cases.catalogue import service as catalogue
from linli.cases.catalogue.items import CATEGORIES
from linli.cases.extensions import db
from linli.cases.open311.models import ApiKey, ServiceRequest
from linli.shared.db import utcnow
from linli.shared.state import service_state

DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_REQUESTS = 1000
COMMITTEE = {"zh": "居民委员会", "en": "Residents' committee"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# every report takes these optional attributes (metadata=true: see the service definition)
ATTRIBUTES: list[dict[str, Any]] = [
    {"variable": True, "code": "building", "datatype": "string", "required": False, "order": 1,
     "datatype_description": "楼号/门牌 Building and door number", "description": "哪一栋楼 Which building"},
    {"variable": True, "code": "urgency", "datatype": "singlevaluelist", "required": False, "order": 2,
     "datatype_description": None, "description": "有多急 How urgent",
     "values": [{"key": "low", "name": "不急 Not urgent"}, {"key": "normal", "name": "一般 Normal"},
                {"key": "urgent", "name": "紧急 Urgent"}]},
    {"variable": True, "code": "households", "datatype": "number", "required": False, "order": 3,
     "datatype_description": "户数 A number of households", "description": "涉及几户 How many households are affected"},
]


def _english() -> bool:
    return str(get_locale() or "zh_CN").startswith("en")


def jurisdiction(jurisdiction_id: str | None) -> str:
    communities = service_state().communities
    if not jurisdiction_id:
        raise Open311Error(400, "jurisdiction_id was not provided: one of " + ", ".join(sorted(communities)))
    if jurisdiction_id not in communities:
        raise Open311Error(404, f"jurisdiction_id '{jurisdiction_id}' not found")
    return jurisdiction_id


def reportable(community_id: str) -> list[catalogue.ServiceItem]:
    return catalogue.search(community_id, accepts_reports=True)


def service_entry(item: catalogue.ServiceItem) -> dict[str, Any]:
    en = _english()
    group = CATEGORIES.get(item.case_category or item.category, (item.category, item.category))
    return {"service_code": item.code, "service_name": item.name_en if en else item.name_zh,
            "description": (item.description_en if en else item.description_zh) or None,
            "metadata": True, "type": "realtime", "keywords": item.keywords or None,
            "group": group[1] if en else group[0]}


def list_services(community_id: str) -> list[dict[str, Any]]:
    return [service_entry(item) for item in reportable(jurisdiction(community_id))]


def _report_item(community_id: str, code: str) -> catalogue.ServiceItem:
    for item in reportable(community_id):
        if item.code == code:
            return item
    raise Open311Error(404, f"service_code '{code}' not found")


def service_definition(community_id: str, code: str) -> dict[str, Any]:
    item = _report_item(jurisdiction(community_id), code)
    return {"service_code": item.code, "attributes": [dict(a) for a in ATTRIBUTES]}


# --- API keys ----------------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_key(community_id: str, label: str, raw: str | None = None) -> str:
    """A new key for a client of one jurisdiction; only its hash is stored. Returns the key."""
    service_state().communities.require(community_id)
    raw = raw or f"o311_{secrets.token_urlsafe(24)}"
    if db.session.scalar(sa.select(ApiKey.id).where(ApiKey.key_hash == _hash(raw))) is None:
        db.session.add(ApiKey(community_id=community_id, label=label, key_hash=_hash(raw)))
        db.session.commit()
    return raw


def check_api_key(community_id: str, raw: str | None) -> ApiKey:
    if not raw:
        raise Open311Error(403, "api_key was not provided")
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == _hash(raw), ApiKey.active.is_(True)))
    if key is None or key.community_id != community_id:
        raise Open311Error(403, "api_key is not valid for this jurisdiction")
    return key


# --- posting a request -------------------------------------------------------------------------


@dataclass(frozen=True)
class PostedRequest:
    service_code: str
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    description: str | None = None
    media_url: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()


def _number(name: str, value: str | None, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a number") from None
    if not low <= number <= high:
        raise Open311Error(400, f"{name} must be between {low} and {high}")
    return number


def parse_request(form: Any) -> PostedRequest:
    """Read a form-encoded POST as GeoReport v2 defines it (``attribute[code]=value``)."""
    def text(name: str, limit: int) -> str | None:
        value = (form.get(name) or "").strip()
        if "\x00" in value:
            raise Open311Error(400, f"{name} holds a NUL character")
        if len(value) > limit:
            raise Open311Error(400, f"{name} is longer than {limit} characters")
        return value or None

    code = text("service_code", 64)
    if not code:
        raise Open311Error(400, "service_code was not provided")
    media_url = text("media_url", 500)
    if media_url and not media_url.startswith(("http://", "https://")):
        raise Open311Error(400, "media_url must be an http(s) URL")
    attributes = []
    for key in form:
        if key.startswith("attribute[") and key.endswith("]"):
            for value in form.getlist(key):
                attributes.append((key[len("attribute["):-1], value[:500]))
    return PostedRequest(
        service_code=code, lat=_number("lat", form.get("lat"), -90, 90), long=_number("long", form.get("long"), -180, 180),
        address_string=text("address_string", 300), address_id=text("address_id", 120),
        description=text("description", 4000), media_url=media_url, email=text("email", 200),
        device_id=text("device_id", 120), account_id=text("account_id", 120), first_name=text("first_name", 60),
        last_name=text("last_name", 60), phone=text("phone", 32), attributes=tuple(attributes),
    )


def _check_attributes(posted: PostedRequest) -> dict[str, str]:
    known = {a["code"]: a for a in ATTRIBUTES}
    values: dict[str, str] = {}
    for code, value in posted.attributes:
        attribute = known.get(code)
        if attribute is None:
            raise Open311Error(400, f"attribute '{code}' is not defined for this service")
        if attribute["datatype"] == "singlevaluelist" and value not in {v["key"] for v in attribute["values"]}:
            raise Open311Error(400, f"attribute '{code}' has no value '{value}'")
        if attribute["datatype"] == "number":
            _number(f"attribute[{code}]", value, 0, 100000)
        values[code] = value
    missing = [a["code"] for a in ATTRIBUTES if a["required"] and a["code"] not in values]
    if missing:
        raise Open311Error(400, f"attribute {', '.join(missing)} is required")
    return values


def post_request(community_id: str, raw_key: str | None, posted: PostedRequest) -> list[dict[str, Any]]:
    """Check the key, the service and the location, open a case; answer with its id and token."""
    community_id = jurisdiction(community_id)
    key = check_api_key(community_id, raw_key)
    item = _report_item(community_id, posted.service_code)
    if (posted.lat is None) != (posted.long is None):
        raise Open311Error(400, "lat and long go together")
    if posted.lat is None and not posted.address_string and not posted.address_id:
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    attributes = _check_attributes(posted)
    title = (posted.description or item.name_zh).splitlines()[0][:200]
    if len(title) < 2:
        title = item.name_zh
    address = posted.address_string or (f"address_id {posted.address_id}" if posted.address_id else None)
    case = cases.open_case_for_request(
        community_id=community_id, title=title, category=item.case_category or "other",
        description=posted.description or "", actor=f"open311:{key.label}"[:120], address=address,
        lat=posted.lat, long=posted.long)
    contact = {k: v for k, v in (("email", posted.email), ("first_name", posted.first_name),
                                 ("last_name", posted.last_name), ("phone", posted.phone),
                                 ("device_id", posted.device_id), ("account_id", posted.account_id)) if v}
    request = ServiceRequest(case_id=case.id, community_id=community_id, service_code=item.code,
                             token=secrets.token_urlsafe(16), api_key_id=key.id, address_id=posted.address_id,
                             media_url=posted.media_url, attributes=attributes or None, contact=contact or None)
    db.session.add(request)
    db.session.commit()
    return [{"service_request_id": case.reference, "token": request.token, "service_notice": _notice(),
             "account_id": None}]


def _notice() -> str:
    if _english():
        return "The residents' committee takes every report up within one working day."
    return "居委会将在一个工作日内受理。"


# --- reading requests --------------------------------------------------------------------------


def _parse_date(name: str, value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C date-time, e.g. 2026-12-01T00:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def list_requests(community_id: str, *, service_request_id: str | None = None, service_code: str | None = None,
                  start_date: str | None = None, end_date: str | None = None,
                  status: str | None = None) -> list[dict[str, Any]]:
    community_id = jurisdiction(community_id)
    query = sa.select(Case).where(Case.community_id == community_id, Case.public.is_(True))
    if service_request_id:
        ids = [part.strip() for part in service_request_id.split(",") if part.strip()][:MAX_REQUESTS]
        query = query.where(Case.reference.in_(ids))
    else:
        start, end = _parse_date("start_date", start_date), _parse_date("end_date", end_date)
        if start and end and end < start:
            raise Open311Error(400, "end_date is before start_date")
        if start is None:
            start = (end or utcnow()) - DEFAULT_WINDOW
        query = query.where(Case.created_at >= start)
        if end is not None:
            query = query.where(Case.created_at <= end)
    if status:
        wanted = {part.strip() for part in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status is open, closed or both")
        if wanted == {"closed"}:
            query = query.where(Case.state == "closed")
        elif wanted == {"open"}:
            query = query.where(Case.state != "closed")
    if service_code:
        categories = {i.code: i.case_category for i in reportable(community_id)}
        if service_code not in categories:
            raise Open311Error(404, f"service_code '{service_code}' not found")
        posted = sa.select(ServiceRequest.case_id).where(ServiceRequest.service_code == service_code)
        others = sa.and_(Case.category == categories[service_code], Case.id.not_in(sa.select(ServiceRequest.case_id)))
        query = query.where(sa.or_(Case.id.in_(posted), others))
    found = list(db.session.scalars(query.order_by(Case.created_at.desc()).limit(MAX_REQUESTS)))
    return represent(community_id, found)


def get_request(community_id: str, request_id: str) -> list[dict[str, Any]]:
    community_id = jurisdiction(community_id)
    case = db.session.scalar(sa.select(Case).where(Case.community_id == community_id, Case.reference == request_id,
                                                   Case.public.is_(True)))
    if case is None:
        raise Open311Error(404, f"service_request_id '{request_id}' not found")
    return represent(community_id, [case])


def resolve_token(community_id: str, token: str) -> list[dict[str, Any]]:
    community_id = jurisdiction(community_id)
    row = db.session.execute(sa.select(Case.reference, ServiceRequest.token)
                             .join(ServiceRequest, ServiceRequest.case_id == Case.id)
                             .where(ServiceRequest.token == token, ServiceRequest.community_id == community_id)).first()
    if row is None:
        raise Open311Error(404, f"token '{token}' not found")
    return [{"service_request_id": row.reference, "token": row.token}]


def represent(community_id: str, found: Sequence[Case]) -> list[dict[str, Any]]:
    """GeoReport's request fields for these cases, in a fixed number of queries."""
    if not found:
        return []
    ids = [c.id for c in found]
    en = _english()
    items = {i.code: i for i in reportable(community_id)}
    by_category = {i.case_category: i for i in reversed(list(items.values()))}
    posted = {r.case_id: r for r in db.session.scalars(sa.select(ServiceRequest).where(ServiceRequest.case_id.in_(ids)))}
    last_public: dict[int, TimelineEntry] = {}
    for public in db.session.scalars(sa.select(TimelineEntry).where(TimelineEntry.case_id.in_(ids),
                                                                    TimelineEntry.public.is_(True))
                                     .order_by(TimelineEntry.id)):
        last_public[public.case_id] = public
    agencies: dict[int, str] = {}
    for invitation in db.session.scalars(sa.select(Invitation).where(Invitation.case_id.in_(ids),
                                                                     Invitation.answer == "accepted")
                                         .order_by(Invitation.id)):
        agencies.setdefault(invitation.case_id, invitation.party_name)
    expected = dict(db.session.execute(sa.select(Deadline.case_id, sa.func.min(Deadline.due_at))
                                       .where(Deadline.case_id.in_(ids), Deadline.met_at.is_(None))
                                       .group_by(Deadline.case_id)).tuples().all())
    requests = []
    for case in found:
        request = posted.get(case.id)
        item = items.get(request.service_code) if request else by_category.get(case.category)
        entry = last_public.get(case.id)
        requests.append({
            "service_request_id": case.reference,
            "status": "closed" if case.state == "closed" else "open",
            "status_notes": progress.sentence(entry) if entry else None,
            "service_name": (item.name_en if en else item.name_zh) if item else None,
            "service_code": item.code if item else case.category,
            "description": case.description[:4000] or None,
            "agency_responsible": agencies.get(case.id, COMMITTEE["en" if en else "zh"]),
            "service_notice": None,
            "requested_datetime": _w3c(case.created_at),
            "updated_datetime": _w3c(case.updated_at),
            "expected_datetime": _w3c(expected[case.id]) if case.id in expected else None,
            "address": case.address,
            "address_id": request.address_id if request else None,
            "zipcode": request.zipcode if request else None,
            "lat": case.lat,
            "long": case.long,
            "media_url": request.media_url if request else None,
        })
    return requests


def _w3c(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
