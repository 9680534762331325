"""The menu of the day: every meal service with its dishes, set meals and the stock left."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from linli.canteen.menu.schemas import DateQuerySchema, MenuSchema
from linli.canteen.today.service import menu_etag, menu_of_the_day_cached
from linli.shared.localtime import local_today
from linli.shared.state import service_state

blp = Blueprint("canteen_today_api", __name__, url_prefix="/api",
                description="The menu of the day (今日菜单): meal services, dishes, set meals and the stock left")


@blp.get("/communities/<community_id>/menu")
@blp.arguments(DateQuerySchema(), location="query")
@blp.response(200, MenuSchema)
@blp.alt_response(304, description="Not modified (If-None-Match matched the ETag)")
def menu_of_the_day(query, community_id):
    """The menu of a day: every meal service with dishes (featured first), set meals, stock; the solar term.

    Send ``If-None-Match`` with the last ETag to get 304 while nothing changed (stock included)."""
    service_state().communities.require(community_id)
    day = query["date"] or local_today()
    headers = {"Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    etag = menu_etag(community_id, day)
    if etag in request.if_none_match:
        return Response(status=304, headers={**headers, "ETag": f'"{etag}"'})
    etag, body = menu_of_the_day_cached(community_id, day, etag)
    return Response(body, mimetype="application/json", headers={**headers, "ETag": f'"{etag}"'})
