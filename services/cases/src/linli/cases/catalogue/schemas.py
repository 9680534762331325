import marshmallow as ma

from linli.shared.api import Schema


class ServiceItemSchema(Schema):
    code = ma.fields.String(required=True)
    name_zh = ma.fields.String(required=True)
    name_en = ma.fields.String(required=True)
    category = ma.fields.String(required=True)
    modes = ma.fields.List(ma.fields.String(), required=True)
    online_prereview = ma.fields.Boolean(load_default=False)
    handling = ma.fields.String()
