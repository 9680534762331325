import sqlalchemy as sa


def test_tables_created(app):
    with app.app_context():
        names = set(sa.inspect(app.extensions["linli"].db.engine).get_table_names())
    assert {"account", "household", "resident", "team", "room", "booking", "booking_round"} <= names
