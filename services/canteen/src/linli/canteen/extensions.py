"""The canteen service's database and the shared tables it keeps."""

from linli.shared.db import create_db
from linli.shared.models import define_shared_models

db = create_db()
shared_models = define_shared_models(db)
