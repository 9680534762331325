"""Input and output schemas of the service-item catalogue."""

import marshmallow as ma

from linli.cases.catalogue.items import CATEGORIES
from linli.cases.catalogue.service import HANDLINGS, MODES
from linli.shared.api import Schema


class DocumentSchema(Schema):
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()


class ServiceItemSchema(Schema):
    code = ma.fields.String(required=True)
    name_zh = ma.fields.String(required=True)
    name_en = ma.fields.String(required=True)
    category = ma.fields.String(required=True)
    modes = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(MODES)), required=True,
                           metadata={"description": "on_site 现场办, self_service 自助办, help_you_do 帮你办, door_to_door 上门办"})
    online_prereview = ma.fields.Boolean(metadata={"description": "Documents can be pre-reviewed online (网上预审)"})
    delegated = ma.fields.Boolean(metadata={"description": "Done by appointment, the committee carries the originals (委托办理)"})
    sunk_down = ma.fields.Boolean(metadata={"description": "Moved down from the subdistrict's service centre (下沉事项)"})
    handling = ma.fields.String(validate=ma.validate.OneOf(HANDLINGS),
                                metadata={"description": "on_the_spot 当场办理, passed_on 转告受理, path_explained 告知路径"})
    documents = ma.fields.List(ma.fields.Nested(DocumentSchema))
    accepts_reports = ma.fields.Boolean(metadata={"description": "Residents report problems with it (Open311 service)"})
    case_category = ma.fields.String(allow_none=True)
    keywords = ma.fields.String()
    description_zh = ma.fields.String()
    description_en = ma.fields.String()
    source = ma.fields.String()


class CatalogueQuerySchema(Schema):
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=200),
                         metadata={"description": "Words that must all appear (Chinese or English)"})
    mode = ma.fields.String(load_default=None, validate=ma.validate.OneOf(MODES))
    category = ma.fields.String(load_default=None, validate=ma.validate.OneOf(tuple(CATEGORIES)))
    online_prereview = ma.fields.Boolean(load_default=None)
    delegated = ma.fields.Boolean(load_default=None)
    sunk_down = ma.fields.Boolean(load_default=None)
    accepts_reports = ma.fields.Boolean(load_default=None)


class CatalogueSummarySchema(Schema):
    items = ma.fields.Integer()
    online_prereview = ma.fields.Integer()
    delegated = ma.fields.Integer()
    sunk_down = ma.fields.Integer()
    accepts_reports = ma.fields.Integer()
